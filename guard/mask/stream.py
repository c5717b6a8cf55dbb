"""Masking a stream: whole lines as they come, in bounded memory whatever the line length.

Input is masked in blocks of the complete lines read so far (one pass per block, not per
line: a scan's fixed cost is a few microseconds, which per line would cap `guard mask` far
below the speed of a log); bytes go through guard/mask/blocks.py, text (`mask` of a long
string) through TextStream. A private key block split over lines is held until its END line
arrives (at most HOLD characters), and a command continued with a backslash until its last
line, so that each is scanned whole. A line longer than WINDOW is cut: what is emitted ends
OVERLAP characters before the end of what was scanned (later if a secret crosses the cut),
and the CONTEXT characters before the cut stay in front of the next window, so a key such
as `password=` just before it still gives its value away.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import BinaryIO, NamedTuple

from guard.mask.blocks import continued
from guard.mask.engine import WINDOW, Masker, apply

OVERLAP = 64 * 1024  # longer than any secret a rule matches (private keys: 16,000 characters)
CONTEXT = 4 * 1024
HOLD = 256 * 1024
READ = 1 << 20
_BEGIN_KEY = re.compile(r'-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----')
_END_KEY = '-----END '


class TextStream:
    """Feed text in pieces of any size; masked text goes to `write`, whole lines at a time."""

    def __init__(self, masker: Masker, write: Callable[[str], object]) -> None:
        self.masker = masker
        self.write = write
        self.masked = 0  # spans replaced so far
        self.failed = 0  # blocks withheld because masking them failed
        self._pending = ''
        self._context = ''  # already written: the end of a line too long to hold whole

    @property
    def busy(self) -> bool:
        """Whether text fed is still held: the start of a line, or a key block, not written whole."""
        return bool(self._pending or self._context)

    def feed(self, text: str) -> None:
        self._pending += text
        while True:
            cut = self._pending.rfind('\n') + 1
            if cut:
                cut = self._hold_key(cut)
            if cut:
                self._emit(cut, whole_lines=True)
            elif len(self._pending) > WINDOW:
                self._emit(len(self._pending) - OVERLAP, whole_lines=False)
            else:
                return

    def close(self) -> None:
        if self._pending:
            self._emit(len(self._pending), whole_lines=True)

    def _hold_key(self, cut: int) -> int:
        """Where to stop emitting: before a private key block whose END has not come yet."""
        text = self._pending
        begin = text.rfind('-----BEGIN ', max(0, len(text) - HOLD))
        if begin < 0 or not _BEGIN_KEY.match(text, begin) or _END_KEY in text[begin + 11 :]:
            return cut
        return text.rfind('\n', 0, begin) + 1

    def _emit(self, cut: int, *, whole_lines: bool) -> None:
        """Write the pending text up to `cut`: whole lines, or a piece of one too long to hold."""
        context = self._context
        start = len(context)
        # whole lines are scanned alone; a piece is scanned with what follows it, up to OVERLAP
        window = context + (self._pending[:cut] if whole_lines else self._pending)
        try:
            spans = [s for s in self.masker.spans(window) if s.end > start]
        except Exception as error:  # withhold the block, never pass it on unmasked
            self._withhold(window[start : start + cut], error)
            return
        cut += start
        for span in spans:
            if span.start < cut < span.end:
                cut = span.end  # never cut a secret in two
        shown = [s for s in spans if s.start < cut]
        self.masked += len(shown)
        self.write(apply(window[start:cut], shown, offset=start))
        self._context = '' if whole_lines else window[max(0, cut - CONTEXT) : cut]
        self._pending = self._pending[cut - start :]

    def _withhold(self, text: str, error: Exception) -> None:
        self.failed += 1
        self.write(withheld(text.count('\n') + (not text.endswith('\n')), error))
        self._context = ''
        self._pending = self._pending[len(text) :]


class Stats(NamedTuple):
    masked: int  # secrets masked
    failed: int  # blocks withheld


def mask_long(masker: Masker, text: str) -> str:
    """`masker.mask` of a text longer than one window, a window at a time."""
    out: list[str] = []
    stream = TextStream(masker, out.append)
    for at in range(0, len(text), WINDOW):
        stream.feed(text[at : at + WINDOW])
    stream.close()
    return ''.join(out)


def read_chunks(stream: BinaryIO) -> Iterator[bytes]:
    """What is there to read, as soon as it is there (a pipe from `kubectl logs -f` trickles)."""
    read = getattr(stream, 'read1', stream.read)
    while True:
        data = read(READ)
        if not data:
            return
        yield data


def mask_bytes(masker: Masker, chunks: Iterator[bytes], write: Callable[[bytes], object]) -> Stats:
    """Masked bytes of `chunks` to `write`; bytes that are not UTF-8 pass through as they were."""
    stream = ByteStream(masker, write)
    for chunk in chunks:
        stream.feed(chunk)
    stream.close()
    return stream.stats()


class ByteStream:
    """Feed bytes in pieces of any size; masked bytes go to `write`, whole lines at a time.

    Blocks of whole lines are masked as bytes (guard/mask/blocks.py: only the lines with a
    keyword are decoded); a line longer than READ goes to a TextStream in pieces cut at a
    character boundary, and so does what follows it up to its end. surrogateescape turns
    undecodable bytes into code points that encode back to the same bytes.
    """

    def __init__(self, masker: Masker, write: Callable[[bytes], object]) -> None:
        self.blocks = masker.blocks()
        self.write = write
        self.text = TextStream(masker, lambda text: write(text.encode('utf-8', 'surrogateescape')))
        self.masked = 0
        self.failed = 0
        self._pending = b''

    def feed(self, data: bytes) -> None:
        pending = self._pending + data
        cut = pending.rfind(b'\n') + 1
        if cut and self.text.busy:  # the end of a line too long to hold: the text stream has its start
            self.text.feed(pending[:cut].decode('utf-8', 'surrogateescape'))
        elif cut:
            cut = _hold_continued(pending, _hold_key(pending, cut))
            if cut:
                self._block(pending[:cut])
        if not cut and len(pending) > READ:
            cut = _char_boundary(pending)
            self.text.feed(pending[:cut].decode('utf-8', 'surrogateescape'))
        self._pending = pending[cut:]

    def close(self) -> None:
        pending, self._pending = self._pending, b''
        if self.text.busy:
            self.text.feed(pending.decode('utf-8', 'surrogateescape'))
        elif pending:
            self._block(pending)
        self.text.close()

    def stats(self) -> Stats:
        return Stats(self.masked + self.text.masked, self.failed + self.text.failed)

    def _block(self, data: bytes) -> None:
        try:
            masked = self.blocks.mask(data)
        except Exception as error:  # withhold the block, never pass it on unmasked
            self.failed += 1
            self.write(withheld(data.count(b'\n') + (not data.endswith(b'\n')), error).encode())
            return
        self.masked += masked.spans
        self.write(masked.data)


_BEGIN_KEY_BYTES = re.compile(_BEGIN_KEY.pattern.encode())


def _hold_key(data: bytes, cut: int) -> int:
    """Where to stop emitting the whole lines before `cut`: before a private key block whose END
    line has not come yet."""
    begin = data.rfind(b'-----BEGIN ', max(0, cut - HOLD), cut)
    if begin < 0 or not _BEGIN_KEY_BYTES.match(data, begin) or _END_KEY.encode() in data[begin + 11 : cut]:
        return cut
    return data.rfind(b'\n', 0, begin) + 1


def _hold_continued(data: bytes, cut: int) -> int:
    """Where to stop emitting the whole lines before `cut`: before a command continued (its last
    line ends with `\\`), so that it is scanned with the line that ends it."""
    start = cut
    while start and continued(data, start):
        start = data.rfind(b'\n', 0, start - 1) + 1
        if cut - start > HOLD:
            return cut
    return start


def withheld(lines: int, error: Exception) -> str:
    """The line written instead of lines whose masking failed: it holds none of their text."""
    return f'guard mask: {lines} lines withheld: masking them failed ({type(error).__name__})\n'


def _char_boundary(data: bytes) -> int:
    """The end of `data`, or the start of a UTF-8 sequence among its last three bytes (which
    may be incomplete: it goes to the next piece whole)."""
    for back in range(1, min(4, len(data) + 1)):
        byte = data[-back]
        if byte & 0xC0 == 0xC0:
            return len(data) - back
        if byte < 0x80:
            break
    return len(data)
