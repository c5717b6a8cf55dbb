"""Prefilter, then detectors, then inline allows: text in, findings out. No I/O.

One Aho-Corasick pass (ahocorasick_rs, chosen by measurement: docs/performance.md) over the
lowercased text names the keywords present; only detectors owning one of them run. ahocorasick_rs
is a dependency with wheels for every platform guard supports, so there is no fallback.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from guard.detectors.base import Detector, Located
from guard.detectors.samples import is_public_sample
from guard.filters import Allowlist
from guard.models import Finding, Fragment

if TYPE_CHECKING:
    import ahocorasick_rs


class Scanner:
    def __init__(self, detectors: Sequence[Detector], allowlist: Allowlist = Allowlist()) -> None:
        self.detectors = tuple(detectors)
        self.allowlist = allowlist
        self._always = tuple(d for d in self.detectors if not d.keywords)
        self._located = {i: d for i, d in enumerate(self.detectors) if isinstance(d, Located)}
        self._prefilter = Prefilter.build(self.detectors, self._located.values())

    def candidates(self, text: str) -> list[Detector]:
        """The detectors whose keywords occur in `text`, in registration order."""
        if self._prefilter is None:
            return list(self._always)
        keyed = [self.detectors[i] for i in sorted(self._prefilter.owners_present(text))]
        return [*self._always, *keyed]

    def scan(self, fragment: Fragment) -> list[Finding]:
        """Findings in the fragment; allowed ones carry their reason in `allowed`."""
        if self.allowlist.allows_path(fragment.path):
            return []
        findings = [f for d in self._always for f in d.detect(fragment) if not is_public_sample(f)]
        if self._prefilter is not None:
            # One automaton pass names the detectors to run and, in ASCII text, where their words are.
            owners, starts = self._prefilter.hits(fragment.text)
            for index in sorted(owners):
                located = self._located.get(index) if starts is not None else None
                found = (
                    self.detectors[index].detect(fragment)
                    if located is None or starts is None
                    else located.detect_located(fragment, starts)
                )
                findings += [f for f in found if not is_public_sample(f)]
        if not findings:
            return findings
        findings = _dedupe(findings)
        if self.allowlist.needs_lines or 'guard:allow' in fragment.text:
            findings = self._apply_allows(fragment, findings)
        return findings

    def scan_all(self, fragments: Iterable[Fragment]) -> Iterator[Finding]:
        for fragment in fragments:
            yield from self.scan(fragment)

    def _apply_allows(self, fragment: Fragment, findings: list[Finding]) -> list[Finding]:
        lines = LineIndex(fragment.text)
        out = []
        for finding in findings:
            line = lines.line((finding.line or fragment.start_line) - fragment.start_line)
            reason = self.allowlist.line_reason(line)
            out.append(finding if reason is None else finding._replace(allowed=reason))
        return out


class LineIndex:
    """Line i of a text, without splitting a 50 MB text into a list."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None

    def line(self, index: int) -> str:
        if self._starts is None:
            self._starts = [0, *(m.end() for m in re.finditer('\n', self.text))]
        if not 0 <= index < len(self._starts):
            return ''
        start = self._starts[index]
        end = self.text.find('\n', start)
        return self.text[start : end if end >= 0 else len(self.text)]


class Prefilter:
    """Which detectors own a keyword present in a text, whatever its case; and, in ASCII text,
    where the words some detectors asked for occur (see `hits`).

    The automaton starts as an NFA and becomes a DFA once DFA_AFTER bytes have been matched:
    the DFA matches ~3x faster but takes several times as long to build, which a pre-commit
    diff of a few KB never earns back and a tree or a history does within its first few
    hundred KB (docs/performance.md). Both give the same matches.
    """

    DFA_AFTER = 256 * 1024  # and never when the keywords are too many to make one cheaply: dfa_worthwhile
    SLICE = 1 << 20

    def __init__(
        self, owners: dict[str, tuple[int, ...]], dfa_after: int = DFA_AFTER, located: frozenset[str] = frozenset()
    ) -> None:
        words = [*owners, *sorted(located - owners.keys())]
        self._owners = [owners.get(w, ()) for w in words]  # by pattern index
        self._words = words
        self._located = [w in located for w in words]
        self._patterns = tuple(k.encode('utf-8', 'surrogatepass') for k in words)
        self._longest = max(map(len, self._patterns))
        self._automaton = _automaton(self._patterns, dfa=False)
        # bytes the NFA still matches before the DFA is built; None: it never is
        self._budget: int | None = dfa_after if dfa_worthwhile(self._patterns) else None

    @classmethod
    def build(cls, detectors: Sequence[Detector], located: Iterable[Located] = ()) -> Prefilter | None:
        """The prefilter of `detectors`; the `located` ones among them are told where their
        keywords and `located` words occur."""
        owners: dict[str, list[int]] = {}
        for index, detector in enumerate(detectors):
            for keyword in detector.keywords:
                owners.setdefault(ascii_lower(keyword), []).append(index)
        if not owners:
            return None
        words: set[str] = set()
        for finder in located:
            if finder.keywords:  # one without keywords is not run by the prefilter
                words.update(map(ascii_lower, (*finder.keywords, *finder.located)))
        return cls({k: tuple(v) for k, v in owners.items()}, located=frozenset(words))

    def owners_present(self, text: str) -> set[int]:
        return self.hits(text)[0]

    def hits(self, text: str) -> tuple[set[int], dict[str, list[int]] | None]:
        """The owners of the keywords present and, for ASCII text (where a byte offset is a
        character offset), the start of every occurrence of each located word present; else None."""
        # Over UTF-8 bytes, lowercased as bytes: encoding plus bytes.lower() costs a third of
        # str.lower(), and the byte automaton runs faster than the str one.
        data = text.encode('utf-8', 'surrogatepass').lower()
        if self._budget is not None:
            self._budget -= len(data)
            if self._budget < 0:
                self._automaton = _automaton(self._patterns, dfa=True)
                self._budget = None
        ascii = len(data) == len(text)
        located = self._located if ascii else None
        # In slices, overlapping by a keyword's length: every match comes back as a tuple, and a
        # 50 MB minified line holds millions of them (437 MB of lists at once, unsliced). A match
        # is taken from the slice it starts in. (Slicing a text no longer than a slice gives the
        # text itself, uncopied.)
        present: set[int] = set()
        starts: dict[int, list[int]] = {}
        for start in range(0, len(data), self.SLICE):
            piece = data[start : start + self.SLICE + self._longest - 1]
            matches = self._automaton.find_matches_as_indexes(piece, overlapping=True)
            more = start + self.SLICE < len(data)  # not the last slice: its tail belongs to the next
            if located is None:
                present.update(index for index, at, _end in matches if not more or at < self.SLICE)
                continue
            for index, at, _end in matches:
                if more and at >= self.SLICE:
                    continue
                present.add(index)
                if located[index]:
                    found = starts.get(index)
                    if found is None:
                        starts[index] = [start + at]
                    else:
                        found.append(start + at)
        owners: set[int] = set()
        for index in present:
            owners.update(self._owners[index])
        if located is None:
            return owners, None
        return owners, {self._words[index]: found for index, found in starts.items()}


def ascii_lower(text: str) -> str:
    """Lowercase ASCII letters only, as the matcher lowers the text (str.lower() also folds 'Ä')."""
    if text.isascii():
        return text.lower()
    return text.encode('utf-8', 'surrogatepass').lower().decode('utf-8', 'surrogatepass')


# A DFA's build grows with its states (about one per keyword byte) times the byte classes the
# keywords use: cheap for the built-in keywords, minutes for a megabyte of an env file's values.
DFA_MAX_BYTES = 16 * 1024


def dfa_worthwhile(patterns: Sequence[str | bytes]) -> bool:
    """Whether patterns this small may be built as a DFA (docs/performance.md: build times)."""
    return sum(map(len, patterns)) <= DFA_MAX_BYTES


@functools.lru_cache(maxsize=8)
def _automaton(patterns: tuple[bytes, ...], *, dfa: bool) -> ahocorasick_rs.BytesAhoCorasick:
    """An Aho-Corasick automaton over `patterns` that reports overlapping matches. Shared by
    scanners with the same keywords (the decoding detector's nested ones): matching is read-only."""
    import ahocorasick_rs

    kind = ahocorasick_rs.Implementation.DFA if dfa else ahocorasick_rs.Implementation.ContiguousNFA
    return ahocorasick_rs.BytesAhoCorasick(patterns, implementation=kind)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per secret per line, and one per span: overlapping rules keep the most
    severe, then the most confident, then the first. A span read two ways (as written by one
    detector, decoded by another) is one secret, whatever each hashed."""
    best: dict[tuple[object, ...], Finding] = {}
    for finding in findings:
        keys: list[tuple[object, ...]] = [(finding.line, finding.secret_hash or finding.rule_id)]
        if finding.column is not None:
            keys.append((finding.line, finding.column, finding.end_column))
        kept = [best[k] for k in keys if k in best]
        if all(_rank(finding) > _rank(k) for k in kept):
            for stale in kept:
                best = {k: v for k, v in best.items() if v is not stale}
            for key in keys:
                best[key] = finding
    unique = {id(f): f for f in best.values()}.values()
    return sorted(unique, key=lambda f: (f.line or 0, f.column or 0, f.rule_id))


def _rank(finding: Finding) -> tuple[int, int]:
    return (finding.severity, finding.confidence)
