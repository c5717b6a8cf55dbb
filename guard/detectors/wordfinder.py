"""Where a few words occur in a text, in their usual casings, in one pass (an automaton: docs/performance.md).

Detectors that parse around a word (`password`, `Token`, `SECRET`) need its offsets.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from guard import textcodec


class WordFinder:
    """Start and end offsets of `words` written lower, Capitalised or UPPER case."""

    def __init__(self, words: Iterable[str]) -> None:
        words = tuple(words)
        self.variants = tuple(dict.fromkeys(v for w in words for v in (w.lower(), w.capitalize(), w.upper())))
        self.words = frozenset(w.lower() for w in words)
        self._variants = frozenset(self.variants)
        # No word inside another: then the automaton's leftmost non-overlapping matches are the
        # occurrences taken from the left, each after the one before ends (see `located_spans`).
        self._nested = any(a != b and a in b for a in self.words for b in self.words)

    @functools.cached_property
    def _find(self) -> Callable[[str], list[tuple[int, int]]]:
        try:
            import ahocorasick_rs
        except ImportError:
            regex = re.compile('|'.join(re.escape(v) for v in sorted(self.variants, key=len, reverse=True)))
            return lambda text: [m.span() for m in regex.finditer(text)]
        dfa = ahocorasick_rs.Implementation.DFA
        automaton = ahocorasick_rs.AhoCorasick(list(self.variants), implementation=dfa)
        # ASCII text (nearly all source) goes through the bytes automaton, about twice as fast; its byte
        # offsets are character offsets there. Other text needs the str automaton's character offsets.
        ascii_automaton = ahocorasick_rs.BytesAhoCorasick([v.encode() for v in self.variants], implementation=dfa)

        def find(text: str) -> list[tuple[int, int]]:
            if text.isascii():
                return [(start, end) for _, start, end in ascii_automaton.find_matches_as_indexes(text.encode())]
            try:
                matches = automaton.find_matches_as_indexes(text)
            except UnicodeEncodeError:  # lone surrogates (bytes that were not UTF-8) reach Rust as
                # an error: U+FFFD in their place keeps every offset (sources scrub them already)
                matches = automaton.find_matches_as_indexes(textcodec.scrub(text))
            return [(start, end) for _, start, end in matches]

        return find

    def spans(self, text: str) -> list[tuple[int, int]]:
        return self._find(text)

    def located_spans(self, text: str, starts: Mapping[str, Sequence[int]]) -> list[tuple[int, int]]:
        """`spans(text)` of an ASCII text, from where the words occur in any case (the scanner's
        prefilter found them), with no second pass over the text."""
        if self._nested or not text.isascii():
            return self._find(text)
        variants = self._variants
        found = sorted(
            (at, at + len(word))
            for word in self.words
            for at in starts.get(word, ())
            if text[at : at + len(word)] in variants
        )
        # As the automaton reports them: no word holds another, so ordering by start orders by end too
        spans = []
        free = 0
        for start, end in found:
            if start >= free:
                spans.append((start, end))
                free = end
        return spans


def find_all(haystack: str, needle: str) -> list[int]:
    """Every start offset of one literal (str.find runs at memchr speed, far ahead of a regex)."""
    found = []
    at = haystack.find(needle)
    while at >= 0:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def line_span(text: str, at: int, reach: int = 400) -> tuple[int, int]:
    """Start and end of the line holding `at`, looking at most `reach` characters each way.

    Bounded so that a huge single-line file (minified code) costs the same per hit as any other.
    """
    start = text.rfind('\n', max(0, at - reach), at) + 1 or max(0, at - reach)
    end = text.find('\n', at, at + reach)
    return start, end if end >= 0 else min(len(text), at + reach)
