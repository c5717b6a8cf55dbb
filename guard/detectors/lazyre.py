"""Regexes compiled on first use: importing a detector costs nothing until it runs (docs/performance.md).

`lazy(pattern)` returns a stand-in whose methods (`.match`, `.finditer`…) are empty slots. The first
lookup of any of them misses, so Python calls `__getattr__`, which compiles the pattern once and fills
every slot with the compiled pattern's own bound method: from then on `_X.match` is a slot read that
hands back `re`'s method, with no Python frame in between, and nothing outside the stand-in changes.
"""

from __future__ import annotations

import re
from typing import Any, cast

# What a stand-in forwards: the public attributes of re.Pattern
FORWARDED = (
    'match',
    'fullmatch',
    'search',
    'finditer',
    'findall',
    'sub',
    'subn',
    'split',
    'scanner',
    'pattern',
    'flags',
    'groups',
    'groupindex',
)


class LazyPattern:
    __slots__ = ('_flags', '_source', *FORWARDED)

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # Called only for a slot not filled yet. A private or dunder name (copy and pickle ask a bare
        # instance for __setstate__ before its slots are set) is no pattern attribute: refused at once.
        if name not in FORWARDED:
            raise AttributeError(name)
        compiled = re.compile(self._source, self._flags)
        for forwarded in FORWARDED:
            setattr(self, forwarded, getattr(compiled, forwarded))
        return getattr(compiled, name)

    def __getstate__(self) -> tuple[str, int]:
        return self._source, self._flags  # bound methods do not pickle; the copy compiles on its first use

    def __setstate__(self, state: tuple[str, int]) -> None:
        self._source, self._flags = state

    def __repr__(self) -> str:
        return f'lazy({self._source!r})'


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """re.compile(pattern, flags), done when the pattern is first used."""
    return cast('re.Pattern[str]', LazyPattern(pattern, flags))
