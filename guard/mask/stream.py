"""Masking a stream: whole lines as they come, in bounded memory whatever the line length.

Text is scanned in blocks of complete lines (one scan per block, not per line: a scan's fixed
cost is a few microseconds, which per line would cap `guard mask` far below the speed of a
log). A private key block split over lines is held until its END line arrives (at most
HOLD characters), so that it is scanned whole. A line longer than WINDOW is cut: what is
emitted ends OVERLAP characters before the end of what was scanned (later if a secret
crosses the cut), and the CONTEXT characters before the cut stay in front of the next window,
so a key such as `password=` just before it still gives its value away.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import BinaryIO, NamedTuple

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
        lines = text.count('\n') + (not text.endswith('\n'))
        self.write(f'guard mask: {lines} lines withheld: masking them failed ({type(error).__name__})\n')
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
    """Masked bytes of `chunks` to `write`; bytes that are not UTF-8 pass through as they were.

    Only complete lines (or a piece of a huge one, cut at a character boundary) are decoded,
    so a character is never split; surrogateescape turns undecodable bytes into code points
    that encode back to the same bytes.
    """
    stream = TextStream(masker, lambda text: write(text.encode('utf-8', 'surrogateescape')))
    pending = b''
    for chunk in chunks:
        pending += chunk
        cut = pending.rfind(b'\n') + 1
        if not cut and len(pending) > READ:
            cut = _char_boundary(pending)
        if cut:
            stream.feed(pending[:cut].decode('utf-8', 'surrogateescape'))
            pending = pending[cut:]
    stream.feed(pending.decode('utf-8', 'surrogateescape'))
    stream.close()
    return Stats(stream.masked, stream.failed)


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
