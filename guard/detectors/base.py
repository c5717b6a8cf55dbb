"""What every detector shares: the protocol and the one way to build a finding."""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol

from guard.models import Confidence, Finding, Fragment, Severity
from guard.redact import preview, sha1_hex, sha256_hex


class Detector(Protocol):
    id: str
    keywords: frozenset[str]  # lowercase; empty: always run
    # every rule id its findings can carry → a one-line description: `guard rules list/show`
    # and `rules.disable` know a finding's id through this (a RuleDetector's is its rule's)
    reports: dict[str, str]

    def detect(self, fragment: Fragment) -> Iterator[Finding]: ...


class Located:
    """A detector that can take where its words occur from the scanner's prefilter pass instead
    of searching the text for them again: `detect_located` finds what `detect` finds. A base
    class, not a protocol: the scanner asks `isinstance` of every detector (docs/performance.md)."""

    keywords: frozenset[str]
    located: frozenset[str] = frozenset()  # lowercase words beside its keywords whose offsets it takes

    # starts: lowercase keyword or located word → start offsets of its occurrences (any case) in
    # the fragment's text, which is ASCII; a word absent from the text is absent from the mapping
    def detect_located(self, fragment: Fragment, starts: Mapping[str, Sequence[int]]) -> Iterator[Finding]:
        raise NotImplementedError


class LineCursor:
    """Line numbers and line starts of offsets in one text, in O(text + findings · log lines) overall.

    Counting newlines from the top for every finding is quadratic: a 5 MB generated file with 10,000
    findings recounted 25 GB of text, and a one-line minified bundle searched back megabytes for the
    line start on each. One detector reports in increasing order, so the cursor counts only the gap
    since the previous offset; the first offset behind it (the next detector starting over) builds
    the newline offsets once, and from then on every lookup is a bisect. A text with one finding
    never pays for the offset list.
    """

    __slots__ = ('_line', '_line_start', '_pos', '_starts', 'text')

    def __init__(self, text: str) -> None:
        self.text = text
        self._pos = 0
        self._line = 0  # 0-based line of _pos
        self._line_start = 0  # offset of that line's first character
        self._starts: list[int] | None = None

    def locate(self, offset: int) -> tuple[int, int]:
        """(0-based line index, offset of that line's start) of `offset`."""
        if self._starts is None and offset >= self._pos:
            text = self.text
            self._line += text.count('\n', self._pos, offset)
            newline = text.rfind('\n', self._pos, offset)
            if newline >= 0:
                self._line_start = newline + 1
            self._pos = offset
            return self._line, self._line_start
        if self._starts is None:
            self._starts = [0, *(m.end() for m in re.finditer('\n', self.text))]
        index = bisect.bisect_right(self._starts, offset) - 1
        return index, self._starts[index]


# The cursor of the text that last had a finding, per thread: every detector that reports in a
# fragment shares it. Holding the text keeps it alive, so `is` cannot be fooled by a recycled id.
_local = threading.local()


def _cursor(text: str) -> LineCursor:
    cursor: LineCursor | None = getattr(_local, 'cursor', None)
    if cursor is None or cursor.text is not text:
        cursor = _local.cursor = LineCursor(text)
    return cursor


def secret_finding(
    fragment: Fragment,
    start: int,
    secret: str,
    *,
    rule_id: str,
    severity: Severity,
    message: str,
    confidence: Confidence = Confidence.HIGH,
) -> Finding:
    """A finding for `secret` found at offset `start` of the fragment's text.

    The secret itself is reduced here to a preview and hashes; nothing after
    this point ever sees it.
    """
    line, line_start = _cursor(fragment.text).locate(start)
    column = start - line_start + 1
    return Finding(
        rule_id=rule_id,
        severity=severity,
        message=message,
        path=fragment.path,
        line=fragment.start_line + line,
        preview=preview(secret),
        secret_hash=sha256_hex(secret),
        secret_sha1=sha1_hex(secret),
        confidence=confidence,
        column=column,
        end_column=column + len(secret),
        commit=fragment.commit,
    )
