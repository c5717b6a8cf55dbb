"""Prefilter, then detectors, then inline allows: text in, findings out. No I/O.

The prefilter is one Aho-Corasick pass over the lowercased text that names the
keywords present; only detectors owning one of them run. Measured on 37 MB of
Python source with 280 keywords: Aho-Corasick 0.47 s, one combined `re`
alternation 9.0 s, a loop of `keyword in text` 4.6 s (bench/prefilter.py).
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence

import ahocorasick

from guard.detectors.base import Detector
from guard.filters import Allowlist
from guard.models import Finding, Fragment


class Scanner:
    def __init__(self, detectors: Sequence[Detector], allowlist: Allowlist = Allowlist()) -> None:
        self.detectors = tuple(detectors)
        self.allowlist = allowlist
        self._always = tuple(d for d in self.detectors if not d.keywords)
        self._automaton = _build_automaton(self.detectors)

    def candidates(self, text: str) -> list[Detector]:
        """The detectors whose keywords occur in `text`, in registration order."""
        if self._automaton is None:
            return list(self._always)
        hit: set[int] = set()
        for _end, owners in self._automaton.iter(text.lower()):
            hit.update(owners)
        keyed = [self.detectors[i] for i in sorted(hit)]
        return [*self._always, *keyed]

    def scan(self, fragment: Fragment) -> list[Finding]:
        """Findings in the fragment; allowed ones carry their reason in `allowed`."""
        if self.allowlist.allows_path(fragment.path):
            return []
        findings = [f for d in self.candidates(fragment.text) for f in d.detect(fragment)]
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
            out.append(finding if reason is None else dataclasses.replace(finding, allowed=reason))
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
        return self.text[start:end if end >= 0 else len(self.text)]


def _build_automaton(detectors: Sequence[Detector]) -> ahocorasick.Automaton | None:
    owners: dict[str, list[int]] = {}
    for index, detector in enumerate(detectors):
        for keyword in detector.keywords:
            owners.setdefault(keyword.lower(), []).append(index)
    if not owners:
        return None
    automaton = ahocorasick.Automaton()
    for keyword, indexes in owners.items():
        automaton.add_word(keyword, tuple(indexes))
    automaton.make_automaton()
    return automaton


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per secret per line: overlapping rules keep the most severe, then the first."""
    best: dict[tuple[int | None, str], Finding] = {}
    for finding in findings:
        key = (finding.line, finding.secret_hash or finding.rule_id)
        kept = best.get(key)
        if kept is None or (finding.severity, finding.confidence) > (kept.severity, kept.confidence):
            best[key] = finding
    return sorted(best.values(), key=lambda f: (f.line or 0, f.column or 0, f.rule_id))
