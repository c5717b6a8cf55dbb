"""Where the secrets in a text are, and the text with each one replaced by its preview.

The detectors are guard's own (the same rules stop a secret at commit time and in the logs),
plus the few in guard/mask/context.py that need no context word a log line may lack. A text
is scanned as one fragment; every occurrence of a secret a detector found is masked, not only
the one it reported (the scanner keeps one finding per secret per line).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from guard.models import Finding, Fragment

if TYPE_CHECKING:  # importing guard.detectors compiles nothing, but loads every detector module
    from guard.detectors.base import Detector
    from guard.mask.blocks import BlockMasker

PATH = '<log>'  # the fragment's path: no detector that judges by file name (.pgpass, master.key) fires
# Findings whose preview shows no characters: a password's first letters are too much of it.
PASSWORD_RULES = frozenset(
    {'connection-string', 'kafka-jaas-password', 'pgpass-password', 'netrc-password', 'own-secret', 'basic-auth'}
)
_PASSWORD_KEY = re.compile(r'(?i)pass|pwd')
MIN_VALUE = 4  # literal values shorter than this would mask ordinary words


class Span(NamedTuple):
    start: int
    end: int
    replacement: str


class Masker:
    """guard's detectors over a text: `spans` where the secrets are, `mask` the text without them."""

    def __init__(self, detectors: Sequence[Detector] | None = None, values: Iterable[str] = ()) -> None:
        from guard.scanner import Scanner

        self._base = tuple(default_detectors() if detectors is None else detectors)
        self.values = tuple(dict.fromkeys(v for v in values if len(v) >= MIN_VALUE))
        literal = literal_detector(self.values)
        self.detectors = (*self._base, *([literal] if literal is not None else []))
        # detectors that judge by file name (.pgpass, master.key) never fire on a log: left out, no
        # detector runs on text without one of its keywords, and a clean line costs one prefilter pass
        self.scanned = tuple(d for d in self.detectors if _reads(d, PATH))
        self._scanner = Scanner(self.scanned)
        self._blocks: BlockMasker | None = None

    def blocks(self) -> BlockMasker:
        """These detectors over blocks of whole lines as bytes (`guard mask`), built once."""
        if self._blocks is None:
            from guard.mask.blocks import BlockMasker

            self._blocks = BlockMasker(self)
        return self._blocks

    def with_values(self, values: Iterable[str]) -> Masker:
        """The same detectors, and more exact values to mask wherever they appear."""
        return Masker(self._base, (*self.values, *values))

    def spans(self, text: str) -> list[Span]:
        """Sorted, non-overlapping spans of `text` that hold a secret, each with its replacement."""
        text = scannable(text)
        # the scanner's prefilter and detectors, without its inline allows: a log line's
        # `guard:allow` must not unmask anything
        found = self.found(text, self._scanner.candidates(text))
        return merge(every_occurrence(text, found)) if found else []

    def found(self, text: str, detectors: Sequence[Detector]) -> list[Span]:
        """The spans `detectors` report in `text` (made `scannable`), unsorted, each once."""
        if not detectors:
            return []
        fragment = Fragment(PATH, text)
        findings = [finding for detector in detectors for finding in detector.detect(fragment)]
        if not findings:
            return []
        starts = _line_starts(text) if any((f.line or 1) > 1 for f in findings) else [0]
        found: list[Span] = []
        for finding in findings:
            if finding.line is None or finding.column is None or finding.end_column is None:
                continue
            start = starts[finding.line - 1] + finding.column - 1
            start, end = _trimmed(text, start, start + finding.end_column - finding.column)
            found.append(Span(start, end, replacement(finding)))
        return found

    def mask(self, text: str) -> str:
        """`text` with every secret replaced by its preview; everything else unchanged."""
        if len(text) > WINDOW:
            from guard.mask.stream import mask_long

            return mask_long(self, text)
        return apply(text, self.spans(text))


WINDOW = 1 << 20  # characters scanned at once; longer texts go through guard/mask/stream.py


def _reads(detector: Detector, path: str) -> bool:
    accepts = getattr(detector, 'accepts_path', None)
    return accepts is None or bool(accepts(path))


def replacement(finding: Finding) -> str:
    """The finding's preview; for a password, only its length."""
    preview = finding.preview or f'…({(finding.end_column or 0) - (finding.column or 0)})'
    if finding.rule_id in PASSWORD_RULES or (
        finding.rule_id == 'generic-secret-assignment' and _PASSWORD_KEY.search(finding.message)
    ):
        return preview[preview.rfind('…') :]
    return preview


def apply(text: str, spans: Sequence[Span], offset: int = 0) -> str:
    """`text` (which starts at `offset` of what the spans index) with each span replaced."""
    if not spans:
        return text
    out = []
    at = 0
    for span in spans:
        start, end = max(span.start - offset, 0), span.end - offset
        if end <= at:
            continue
        out.append(text[at:start])
        out.append(span.replacement)
        at = end
    out.append(text[at:])
    return ''.join(out)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping spans as one: the outer one's replacement, or the length where neither holds the other."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and span.start < out[-1].end:
            last = out[-1]
            if span.end > last.end:
                out[-1] = Span(last.start, span.end, f'…({span.end - last.start})')
            continue
        out.append(span)
    return out


def every_occurrence(text: str, spans: list[Span]) -> list[Span]:
    """The spans found, and every other place the same secret is written in `text`: a value a
    detector knew by its key (`password=…`) is masked where the line repeats it alone, too."""
    replacements = {text[s.start : s.end]: s.replacement for s in spans}
    secrets = [s for s in replacements if s]
    if not secrets:
        return spans
    if len(secrets) == 1:
        secret = secrets[0]
        places = []
        at = text.find(secret)
        while at >= 0:
            places.append(at)
            at = text.find(secret, at + 1)
        return [*spans, *(Span(at, at + len(secret), replacements[secret]) for at in places)]
    import ahocorasick_rs

    automaton = ahocorasick_rs.AhoCorasick(secrets)  # one pass for all: a window may hold hundreds
    found = automaton.find_matches_as_indexes(text, overlapping=True)
    return [*spans, *(Span(start, end, replacements[secrets[i]]) for i, start, end in found)]


_SURROGATES = re.compile('[\udc80-\udcff]')


def scannable(text: str) -> str:
    """`text` with the bytes that were not UTF-8 (decoded by surrogateescape) as U+FFFD, one for one:
    detectors' automata take only valid Unicode, and offsets stay those of the text."""
    if text.isascii():
        return text
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        return _SURROGATES.sub('\ufffd', text)
    return text


_TRAILING = re.compile(r'(?:\s|\\[nrt]|["\'])+$')


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span less the blanks, escaped line breaks and quotes a match ends with (a private key's
    body runs up to its END line): the text around a masked secret keeps its shape."""
    while start < end and text[start].isspace():
        start += 1
    tail = _TRAILING.search(text, max(start, end - 64), end)
    if tail is not None and tail.start() > start:
        end = tail.start()
    return start, end


def _line_starts(text: str) -> list[int]:
    """Offset of each line's first character (lines end at '\n' only, as the detectors count them)."""
    lengths = itertools.accumulate(map(len, text.split('\n')), initial=0)
    return [total + index for index, total in enumerate(lengths)]


def default_detectors() -> list[Detector]:
    """Every built-in detector, and those that need no context word (guard/mask/context.py)."""
    from guard.detectors import build_detectors
    from guard.mask.context import run_time_detectors

    return run_time_detectors(build_detectors())


def literal_detector(values: Sequence[str]) -> Detector | None:
    """Exact values, wherever they appear: guard's own-secrets detector, fed the values directly."""
    if not values:
        return None
    from guard.own_secrets import OwnSecretsDetector

    return OwnSecretsDetector({v: ('a configured value', 'settings') for v in values}, frozenset())
