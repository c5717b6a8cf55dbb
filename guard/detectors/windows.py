"""Run a rule's regex only around its keywords, when that provably finds the same matches.

Python's `re` finds a pattern that opens with a literal at memchr speed, but most
token rules open with a lookbehind (`(?<![A-Za-z0-9])(oy2…)`) or a class, and then
it tries every position (docs/performance.md). The scanner's prefilter hands over where
the keywords are; without it (non-ASCII text) they are searched for here.

A rule qualifies when (1) every match must contain one of a finite set of literal
strings, each of which contains one of the rule's keywords (case-insensitively),
and (2) a match is at most W characters long and its lookarounds look at most
MARGIN characters past it. Then every match lies within W characters of a keyword
occurrence, and scanning the merged windows [p - W, p + len(keyword) + W + MARGIN]
around the occurrences finds exactly the matches a whole-text scan finds:
- lookbehinds, `\\b` and `^` see the real text before a window (`pos` is not slicing);
- a match whose trailing context the window's end cut off (end + MARGIN > window end)
  is dropped: a real match always has its keyword's full margin inside the window;
- windows are merged, so no real match straddles a window's start.
tests/test_rule_windows.py checks the equivalence for every built-in rule.
"""

from __future__ import annotations

import importlib
import itertools
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

# The parser `re` itself uses: private, hence looked up by name (sre_parse before 3.11).
_sre_parse: Any = importlib.import_module('re._parser' if sys.version_info >= (3, 11) else 'sre_parse')
_sre: Any = importlib.import_module('re._constants' if sys.version_info >= (3, 11) else 'sre_constants')

MARGIN = 64  # lookarounds longer than this disqualify a rule
MAX_WIDTH = 1 << 16  # longer possible matches: windows as big as most files save nothing
MIN_TEXT = 32 * 1024  # below this a whole-text scan costs less than finding the windows
_MAX_STRINGS = 64


def window_width(pattern: str, keywords: frozenset[str]) -> int | None:
    """W for a rule that qualifies (see the module docstring), else None."""
    if not keywords:
        return None
    try:
        parsed = _sre_parse.parse(pattern)
        width = parsed.getwidth()[1]
        if width > MAX_WIDTH or not _lookarounds_within(parsed, MARGIN):
            return None
        required = _required(list(parsed))
    except Exception:  # an unexpected parse tree: keep the whole-text scan
        return None
    if not required:
        return None
    for strings in required:
        if all(any(k in s.lower() for k in keywords) for s in strings):
            return int(width)
    return None


def windows(lowered: str, keywords: frozenset[str], width: int) -> list[tuple[int, int]]:
    """Merged [start, end) windows around every occurrence of a keyword in `lowered`."""
    return _merged(((k, _find_all(lowered, k)) for k in keywords), width, len(lowered))


def _find_all(lowered: str, keyword: str) -> list[int]:
    found = []
    at = lowered.find(keyword)
    while at >= 0:
        found.append(at)
        at = lowered.find(keyword, at + 1)
    return found


def _merged(occurrences: Iterable[tuple[str, Sequence[int]]], width: int, size: int) -> list[tuple[int, int]]:
    """Merged [start, end) windows around keywords at the given starts, in a text of `size`."""
    spans = [
        (max(0, at - width), min(size, at + len(keyword) + width + MARGIN))
        for keyword, starts in occurrences
        for at in starts
    ]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def finditer(
    regex: re.Pattern[str],
    text: str,
    keywords: frozenset[str],
    width: int | None,
    starts: Mapping[str, Sequence[int]] | None = None,
) -> Iterator[re.Match[str]]:
    """regex.finditer(text), through keyword windows when the rule qualifies and the text is big
    enough; `starts`: where each (lowercase, ASCII) keyword occurs in `text`, found already by the
    scanner's prefilter, which makes windows pay on texts of any size."""
    if width is None or len(text) < 4 * width:
        yield from regex.finditer(text)
        return
    if starts is not None and all(k.isascii() for k in keywords):
        spans = _merged(((k, starts.get(k, ())) for k in keywords), width, len(text))
    elif len(text) < MIN_TEXT:
        yield from regex.finditer(text)
        return
    else:
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters lower to two: offsets would drift
            yield from regex.finditer(text)
            return
        spans = windows(lowered, keywords, width)
    for start, end in spans:
        for match in regex.finditer(text, start, end):
            if end == len(text) or match.end() + MARGIN <= end:
                yield match


def _lookarounds_within(items: Any, limit: int) -> bool:
    for op, av in items:
        if op in (_sre.ASSERT, _sre.ASSERT_NOT) and av[1].getwidth()[1] > limit:
            return False
        for sub in _children(op, av):
            if not _lookarounds_within(sub, limit):
                return False
    return True


def _children(op: Any, av: Any) -> list[Any]:
    if op is _sre.SUBPATTERN:
        return [av[3]]
    if op is _sre.BRANCH:
        return list(av[1])
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) or op is getattr(_sre, 'POSSESSIVE_REPEAT', None):
        return [av[2]]
    if op in (_sre.ASSERT, _sre.ASSERT_NOT) or op is getattr(_sre, 'ATOMIC_GROUP', None):
        return [av[1] if op in (_sre.ASSERT, _sre.ASSERT_NOT) else av]
    return []


def _exact(items: Sequence[Any]) -> set[str] | None:
    """Every string the sequence can match, when that is a small finite set of literals."""
    out = {''}
    for op, av in items:
        options: set[str] | None
        if op is _sre.LITERAL:
            options = {chr(av)}
        elif op is _sre.SUBPATTERN:
            options = _exact(list(av[3]))
        elif op is _sre.BRANCH:
            options = set()
            for alternative in av[1]:
                exact = _exact(list(alternative))
                if exact is None:
                    return None
                options |= exact
        elif op is _sre.IN:  # [_-]: a few literal characters
            if len(av) > _MAX_STRINGS or not all(kind is _sre.LITERAL for kind, _ in av):
                return None
            options = {chr(code) for _, code in av}
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and av[1] <= 3:  # _? or (?:ab){1,2}
            inner = _exact(list(av[2]))
            # Sizes are checked before any product is built: a class repeated could explode.
            if inner is None or sum(len(inner) ** n for n in range(av[0], av[1] + 1)) > _MAX_STRINGS:
                return None
            options = set()
            for count in range(av[0], av[1] + 1):
                options |= {''.join(p) for p in itertools.product(sorted(inner), repeat=count)}
        else:
            return None
        if options is None or len(out) * len(options) > _MAX_STRINGS:
            return None
        out = {a + b for a, b in itertools.product(out, options)}
    return out


def _required(items: Sequence[Any]) -> list[set[str]]:
    """Sets S of literals, each such that every match of the sequence contains some s in S."""
    found: list[set[str]] = []
    # Runs of consecutive exactly-known items: their product is required (unless it holds '').
    run = {''}
    for item in [*items, None]:
        options = _exact([item]) if item is not None else None
        if options is not None and len(run) * len(options) <= _MAX_STRINGS:
            run = {a + b for a, b in itertools.product(run, options)}
            continue
        if '' not in run:
            found.append(run)
        run = options if options is not None else {''}
    for op, av in items:
        if op is _sre.SUBPATTERN:
            found += _required(list(av[3]))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and av[0] >= 1:
            found += _required(list(av[2]))
        elif op is _sre.BRANCH:
            per_branch = [_required(list(alternative)) for alternative in av[1]]
            if all(per_branch):
                # One required set per alternative; their union is required of the branch.
                found.append(set().union(*(options[0] for options in per_branch)))
    return found
