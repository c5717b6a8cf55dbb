"""The commit gate: whether a commit's raw bytes are worth decoding and parsing, from what the
detectors say they look for. Handed to the commit sources as their `wanted` predicate.

Yes when a keyword of some detector occurs in the bytes (any ASCII case), or a detector
without keywords wants one of the files the bytes' `diff --git` headers name. A keyword-less
detector whose `accepts_path` is None wants every file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from guard import git
from guard.detectors.base import Detector
from guard.scanner import dfa_worthwhile
from guard.sources.diff import diff_git_headers, diff_git_paths

_MAX_VERDICTS = 100_000  # paths remembered; memory stays flat on huge histories
_SLICE = 64 * 1024  # bytes lowered and matched at a time


class Gate:
    """A `wanted` predicate over raw bytes for these detectors, built on first use (a range of
    a few commits may never need it) or by `build()` before workers fork, so they share it."""

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self.detectors = tuple(detectors)
        self._keyword: Callable[[bytes], bool] | None = None
        always = [d for d in self.detectors if not d.keywords]
        checks = [d.accepts_path for d in always]
        self.every_file = any(check is None for check in checks)
        self.checks: list[Callable[[str], bool]] = [c for c in checks if c is not None]
        self.verdicts: dict[bytes, bool] = {}  # paths recur across commits

    def build(self) -> Gate:
        if self._keyword is None:
            self._keyword = bytes_matcher({k for d in self.detectors for k in d.keywords})
        return self

    def __call__(self, data: bytes) -> bool:
        matcher = self._keyword or self.build()._keyword
        assert matcher is not None
        return matcher(data) or self.wants_any(data)

    def wants_any(self, patch: bytes) -> bool:
        """Whether a keyword-less detector wants a file of this patch."""
        if self.every_file:
            return True
        if not self.checks:
            return False
        for header in diff_git_headers(patch):  # keyed by the raw header: most recur
            verdict = self.verdicts.get(header)
            if verdict is None:
                if len(self.verdicts) > _MAX_VERDICTS:
                    self.verdicts.clear()
                old, new = diff_git_paths(git.decode(header))
                verdict = self.verdicts[header] = any(check(p) for p in {old, new} for check in self.checks)
            if verdict:
                return True
        return False


def bytes_matcher(keywords: set[str]) -> Callable[[bytes], bool]:
    """Whether any keyword occurs in raw bytes, in any ASCII case: a cheap first look whose
    yes is checked again by the scanner's own prefilter. Says yes to everything when it
    cannot be exact (a non-ASCII keyword, no ahocorasick_rs)."""
    if not keywords or not all(k.isascii() for k in keywords):
        return lambda data: bool(keywords)
    try:
        import ahocorasick_rs
    except ImportError:
        return lambda data: True
    # non-overlapping is enough: a keyword hidden under an earlier match still leaves a match
    patterns = [k.lower().encode() for k in keywords]
    kind = (
        ahocorasick_rs.Implementation.DFA if dfa_worthwhile(patterns) else ahocorasick_rs.Implementation.ContiguousNFA
    )
    find = ahocorasick_rs.BytesAhoCorasick(patterns, implementation=kind).find_matches_as_indexes
    overlap = max(map(len, patterns)) - 1

    def matches(data: bytes) -> bool:
        # In slices, stopping at the first that holds a keyword: the matcher lists every
        # match, and a 40 MB commit with a keyword on each line made a 150 MB list of them.
        if len(data) <= _SLICE:  # nearly every commit: one call
            return bool(find(data.lower()))
        return any(find(data[at : at + _SLICE + overlap].lower()) for at in range(0, len(data), _SLICE))

    return matches
