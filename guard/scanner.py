"""Prefilter, then detectors, then inline allows: text in, findings out. No I/O.

The prefilter is one Aho-Corasick pass over the lowercased text that names the
keywords present; only detectors owning one of them run. The matcher is chosen
by measurement (bench/prefilter.py: 40 MB of generated source, the 239 keywords
of every built-in detector, one core, best of 3): ahocorasick_rs (Rust, DFA)
0.20 s, pyahocorasick (C, one code point at a time) 1.21 s, a loop of
`keyword in text` 10.9 s, one combined `re` alternation 17.3 s (the first
256 KB of a run go through an NFA instead, built faster: see Prefilter). No fallback:
ahocorasick_rs is a dependency with wheels for every platform guard supports
(CPython 3.10-3.13 on Linux glibc x86_64 and aarch64, macOS x86_64 and arm64,
Windows x86_64), and guard.own_secrets uses the same library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from guard.detectors.base import Detector
from guard.detectors.samples import is_public_sample
from guard.filters import Allowlist
from guard.fingerprint import Keyring, default_keyring
from guard.models import Finding, Fragment

if TYPE_CHECKING:
    import ahocorasick_rs


class Scanner:
    def __init__(
        self,
        detectors: Sequence[Detector],
        allowlist: Allowlist = Allowlist(),
        keyring: Keyring | None = None,
        *,
        seal: bool = True,
    ) -> None:
        """`seal=False`: findings keep the detectors' plain SHA-256, for callers that use only
        spans (masking, redacting messages) or hand them to a scanner that seals (decoding)."""
        self.detectors = tuple(detectors)
        self.allowlist = allowlist
        self.keyring = keyring or default_keyring()
        self._seal = seal
        self._always = tuple(d for d in self.detectors if not d.keywords)
        self._prefilter = Prefilter.build(self.detectors)

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
        findings = [f for d in self.candidates(fragment.text) for f in d.detect(fragment) if not is_public_sample(f)]
        if not findings:
            return findings
        findings = _dedupe(findings)
        if self.allowlist.needs_lines or 'guard:allow' in fragment.text:
            findings = self._apply_allows(fragment, findings)
        return [self.seal(f) for f in findings] if self._seal else findings

    def seal(self, finding: Finding) -> Finding:
        """The finding with its secret's digest sealed (guard/fingerprint.py): what leaves the
        scanner can be written anywhere."""
        raw = finding.secret_hash
        if len(raw) != 64:  # not a secret, or sealed already
            return finding
        return finding._replace(secret_hash=self.keyring.seal(raw, finding.low_entropy), plain_hash=raw[:16])

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
    """Which detectors own a keyword present in a text, whatever its case.

    The automaton starts as an NFA and becomes a DFA once DFA_AFTER bytes have been matched:
    the DFA matches ~3x faster (2.4 vs 7.5 ms per MB of source with the 447 built-in keywords)
    but takes ~1.7 ms to build where the NFA takes 0.36 ms, which a pre-commit diff of a few KB
    never earns back and a tree or a history does within its first few hundred KB. Both give
    the same matches.
    """

    DFA_AFTER = 256 * 1024  # and never when the keywords are too many to make one cheaply: dfa_worthwhile
    SLICE = 1 << 20

    def __init__(self, owners: dict[str, tuple[int, ...]], dfa_after: int = DFA_AFTER) -> None:
        self._owners = list(owners.values())  # by pattern index
        self._patterns = [k.encode('utf-8', 'surrogatepass') for k in owners]
        self._longest = max(map(len, self._patterns))
        self._automaton = _automaton(self._patterns, dfa=False)
        # bytes the NFA still matches before the DFA is built; None: it never is
        self._budget: int | None = dfa_after if dfa_worthwhile(self._patterns) else None

    @classmethod
    def build(cls, detectors: Sequence[Detector]) -> Prefilter | None:
        owners: dict[str, list[int]] = {}
        for index, detector in enumerate(detectors):
            for keyword in detector.keywords:
                owners.setdefault(ascii_lower(keyword), []).append(index)
        if not owners:
            return None
        return cls({k: tuple(v) for k, v in owners.items()})

    def owners_present(self, text: str) -> set[int]:
        # Over UTF-8 bytes, lowercased as bytes: encoding plus bytes.lower() costs a third of
        # str.lower(), and the byte automaton runs faster than the str one (0.62 s vs 0.85 s for
        # the 184 MB of text in the bench tree).
        data = text.encode('utf-8', 'surrogatepass').lower()
        if self._budget is not None:
            self._budget -= len(data)
            if self._budget < 0:
                self._automaton = _automaton(self._patterns, dfa=True)
                self._budget = None
        # In slices, overlapping by a keyword's length: every match comes back as a tuple, and a
        # 50 MB minified line holds millions of them (437 MB of lists at once, unsliced).
        # (Slicing a text no longer than a slice gives the text itself, uncopied.)
        present: set[int] = set()
        for start in range(0, len(data), self.SLICE):
            piece = data[start : start + self.SLICE + self._longest - 1]
            present.update(
                index for index, _start, _end in self._automaton.find_matches_as_indexes(piece, overlapping=True)
            )
        found: set[int] = set()
        for index in present:
            found.update(self._owners[index])
        return found


def ascii_lower(text: str) -> str:
    """Lowercase ASCII letters only, as the matcher lowers the text (str.lower() also folds 'Ä')."""
    return text.encode('utf-8', 'surrogatepass').lower().decode('utf-8', 'surrogatepass')


# A DFA's build grows with its states (about one per keyword byte) times the byte classes the
# keywords use: cheap for the built-in keywords, minutes for a megabyte of an env file's values.
DFA_MAX_BYTES = 16 * 1024


def dfa_worthwhile(patterns: Sequence[str | bytes]) -> bool:
    """Whether patterns this small may be built as a DFA (docs/performance.md: build times)."""
    return sum(map(len, patterns)) <= DFA_MAX_BYTES


def _automaton(patterns: list[bytes], *, dfa: bool) -> ahocorasick_rs.BytesAhoCorasick:
    """An Aho-Corasick automaton over `patterns` that reports overlapping matches."""
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
