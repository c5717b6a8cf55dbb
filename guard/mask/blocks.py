"""Masking a block of whole lines as bytes: one keyword pass over it, then only the lines it marks.

Almost every line of a log holds no keyword of any detector, so no detector can fire on it.
One Aho-Corasick pass over the block's lowered bytes (the scanner's prefilter, with the
places of its matches kept) marks the lines that do; only those, and the lines a secret
written across lines needs beside them, are decoded and scanned, as one text. Every other
line goes out as the bytes that came in, never decoded: what costs is then one pass in C
over the block, not the detectors over all of it (bench/README.md: `guard mask`).

Lines scanned with a marked one, so that what a scan of the whole block finds is found:
- the CONTEXT_LINES after it (`password:` NL value; `<password>` NL value; `"name":
  "password",` NL `"value": …`), and the lines after a line that ends with `\\` or a
  backtick (a shell or PowerShell command continued);
- from a `-----BEGIN` to its `-----END` line: a private key's body lines carry no keyword.
A secret found is masked everywhere in the block, on lines that were not scanned too.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from guard.mask.engine import Span, apply, every_occurrence, merge, scannable
from guard.scanner import ascii_lower, dfa_worthwhile

if TYPE_CHECKING:
    import ahocorasick_rs

    from guard.mask.engine import Masker

CONTEXT_LINES = 1
KEY_SPAN = 256 * 1024  # how far past a BEGIN line its END is looked for (the stream holds as much)
CONTINUED_LINES = 64  # a command continued over more lines than this is read no further
SLICE = 1 << 20  # bytes matched at once: the matches of one slice are a list in memory
DENSE = 256  # keywords closer than one in this many bytes, on average: the block is scanned whole
_BEGIN, _END = b'-----begin', b'-----end'


class Edit(NamedTuple):
    start: int  # bytes of the block replaced, [start, end)
    end: int
    data: bytes


class Masked(NamedTuple):
    data: bytes
    spans: int  # secrets replaced


class BlockMasker:
    """A Masker's detectors over blocks of whole lines, in bytes."""

    def __init__(self, masker: Masker) -> None:
        self.masker = masker
        self._always = tuple(d for d in masker.scanned if not d.keywords)
        self._keyed = tuple(d for d in masker.scanned if d.keywords)
        owners: dict[bytes, list[int]] = {}
        for index, detector in enumerate(self._keyed):
            for keyword in detector.keywords:
                owners.setdefault(ascii_lower(keyword).encode('utf-8', 'surrogatepass'), []).append(index)
        self._owners = [tuple(v) for v in owners.values()]  # by pattern index
        self._patterns = list(owners)
        self._longest = max(map(len, self._patterns), default=1)
        self._automaton = _automaton(self._patterns) if self._patterns else None

    def mask(self, block: bytes) -> Masked:
        """`block` (whole lines; the last may lack its newline) with every secret replaced."""
        if self._always or self._automaton is None:  # a detector without keywords reads every line
            return self._whole(block)
        low = block.lower()
        lines, patterns = self._marked(low)
        if not lines:
            return Masked(block, 0)
        ranges = _ranges(low, lines)
        pieces = [block[start:end].decode('utf-8', 'surrogateescape') for start, end in ranges]
        text = ''.join(pieces)
        scan = scannable(text)
        owners = sorted({owner for pattern in patterns for owner in self._owners[pattern]})
        found = self.masker.found(scan, [self._keyed[i] for i in owners])
        if not found:
            return Masked(block, 0)
        spans = merge(every_occurrence(scan, found))
        edits = list(_edits(ranges, pieces, spans))
        secrets = {text[s.start : s.end]: s.replacement for s in found if s.end > s.start}
        elsewhere = list(_elsewhere(block, ranges, secrets))
        return Masked(
            _applied(block, [*edits, *(edit for edit, _ in elsewhere)]), len(spans) + sum(n for _, n in elsewhere)
        )

    def _whole(self, block: bytes) -> Masked:
        text = block.decode('utf-8', 'surrogateescape')
        spans = self.masker.spans(text)
        if not spans:
            return Masked(block, 0)
        return Masked(apply(text, spans).encode('utf-8', 'surrogateescape'), len(spans))

    def _marked(self, low: bytes) -> tuple[list[tuple[int, int]], set[int]]:
        """The [start, end) of every line that holds a keyword, and the keywords (by index) found;
        the whole block as one line where keywords are dense (most lines would be scanned anyway,
        and marking each one costs more than scanning it)."""
        assert self._automaton is not None
        lines: list[tuple[int, int]] = []
        patterns: set[int] = set()
        line_start = line_end = -1
        dense = False
        for base in range(0, len(low), SLICE):
            piece = low[base : base + SLICE + self._longest - 1]
            matches = self._automaton.find_matches_as_indexes(piece, overlapping=True)
            dense = dense or len(matches) * DENSE > len(piece)
            if dense:
                patterns.update(pattern for pattern, _, _ in matches)
                continue
            for pattern, start, end in matches:
                patterns.add(pattern)
                start += base
                end += base
                if line_start <= start and end <= line_end:
                    continue  # another keyword on the line last marked
                line_start = low.rfind(b'\n', 0, start) + 1
                line_end = _line_end(low, max(start, end - 1))
                lines.append((line_start, line_end))
        return ([(0, len(low))] if dense and patterns else lines), patterns


def _automaton(patterns: list[bytes]) -> ahocorasick_rs.BytesAhoCorasick:
    import ahocorasick_rs

    kind = (
        ahocorasick_rs.Implementation.DFA if dfa_worthwhile(patterns) else ahocorasick_rs.Implementation.ContiguousNFA
    )
    return ahocorasick_rs.BytesAhoCorasick(patterns, implementation=kind)


def _line_end(data: bytes, at: int) -> int:
    """Just past the newline that ends the line holding offset `at` (or the end of `data`)."""
    newline = data.find(b'\n', at)
    return len(data) if newline < 0 else newline + 1


def _ranges(low: bytes, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The marked lines with the lines scanned beside them, as sorted, disjoint [start, end) ranges."""
    size = len(low)
    keys = _BEGIN in low  # one pass in C: most blocks hold no key
    ranges: list[tuple[int, int]] = []
    for start, end in sorted(lines):
        for _ in range(CONTEXT_LINES):
            if end < size:
                end = _line_end(low, end)
        if keys:
            end = _key_end(low, start, end)
        if end < size and low[end - 2] in _MAY_CONTINUE:
            end = _continued_end(low, end)
        if ranges and start <= ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], end))
        else:
            ranges.append((start, end))
    return ranges


_MAY_CONTINUE = b'\\`\r'


def _key_end(low: bytes, start: int, end: int) -> int:
    """`end`, or past the END line of a key block that begins in [start, end)."""
    begin = low.find(_BEGIN, start, end)
    while begin >= 0:
        close = low.find(_END, begin, begin + KEY_SPAN)
        if close < 0:
            break
        end = max(end, _line_end(low, close))
        begin = low.find(_BEGIN, close, end)
    return end


def _continued_end(low: bytes, end: int) -> int:
    """`end`, or past the last line of a command continued on the lines from `end`."""
    for _ in range(CONTINUED_LINES):
        if end >= len(low) or not continued(low, end):
            break
        end = _line_end(low, end)
    return end


def continued(low: bytes, end: int) -> bool:
    """Whether the line that ends just before `end` (after its newline) goes on on the next."""
    last = end - 2
    if last >= 0 and low[last] == 0x0D:  # \r\n
        last -= 1
    return last >= 0 and low[last] in b'\\`'


def _edits(ranges: Sequence[tuple[int, int]], pieces: Sequence[str], spans: Sequence[Span]) -> Iterator[Edit]:
    """Each scanned range that holds a span, masked (spans index the pieces joined)."""
    offsets = list(itertools.accumulate(map(len, pieces), initial=0))
    held: dict[int, list[Span]] = {}
    for span in spans:  # a span found across two ranges (read as one text) is masked in both
        first = bisect.bisect_right(offsets, span.start) - 1
        last = bisect.bisect_right(offsets, max(span.start, span.end - 1)) - 1
        for index in range(first, min(last, len(pieces) - 1) + 1):
            held.setdefault(index, []).append(span)
    for index, mine in held.items():
        start, end = ranges[index]
        yield Edit(start, end, apply(pieces[index], mine, offset=offsets[index]).encode('utf-8', 'surrogateescape'))


def _elsewhere(block: bytes, ranges: Sequence[tuple[int, int]], secrets: dict[str, str]) -> Iterator[tuple[Edit, int]]:
    """Lines not scanned that repeat a secret found, each masked, with how many it held."""
    range_starts = [start for start, _ in ranges]
    lines: dict[int, int] = {}
    for secret in secrets:
        if '\n' in secret:
            continue  # a key's body: its repetition is a key block, with its BEGIN line, scanned
        needle = secret.encode('utf-8', 'surrogateescape')
        at = block.find(needle)
        while at >= 0:
            index = bisect.bisect_right(range_starts, at) - 1
            if index < 0 or at >= ranges[index][1]:
                lines[block.rfind(b'\n', 0, at) + 1] = _line_end(block, at)
            at = block.find(needle, at + 1)
    for start, end in sorted(lines.items()):
        line = block[start:end].decode('utf-8', 'surrogateescape')
        spans = merge(
            Span(at, at + len(secret), replacement)
            for secret, replacement in secrets.items()
            if '\n' not in secret
            for at in _places(line, secret)
        )
        if spans:
            yield Edit(start, end, apply(line, spans).encode('utf-8', 'surrogateescape')), len(spans)


def _places(text: str, needle: str) -> Iterator[int]:
    at = text.find(needle)
    while at >= 0:
        yield at
        at = text.find(needle, at + 1)


def _applied(block: bytes, edits: list[Edit]) -> bytes:
    """`block` with each edit's bytes in place of the range it replaces."""
    out: list[bytes] = []
    at = 0
    for start, end, data in sorted(edits):
        if start < at:
            continue  # a range already replaced (a repeated secret's line is never a scanned one)
        out.append(block[at:start])
        out.append(data)
        at = end
    out.append(block[at:])
    return b''.join(out)
