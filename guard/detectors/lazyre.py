"""Regexes compiled on first use: importing a detector costs nothing until it runs.

Compiling the detectors' patterns at import took ~10 ms of a 20-line pre-commit scan
(whose text usually holds none of their keywords, so none of them ran). `lazy(pattern)`
returns a stand-in that compiles on its first use (`.match`, `.finditer`…) and then puts
the compiled pattern in its own place in the module that defined it, so later calls in
that module go straight to `re` at no cost. A stand-in kept elsewhere (in a dict, say)
keeps working through one extra attribute lookup per call.
"""

from __future__ import annotations

import re
import sys
from typing import Any, cast


class LazyPattern:
    __slots__ = ('_compiled', '_flags', '_module', '_pattern')

    def __init__(self, pattern: str, flags: int, module: str) -> None:
        self._pattern = pattern
        self._flags = flags
        self._module = module
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._pattern, self._flags)
            namespace = vars(sys.modules[self._module]) if self._module in sys.modules else {}
            for name, value in list(namespace.items()):
                if value is self:
                    namespace[name] = self._compiled
        return self._compiled

    def __getattr__(self, name: str) -> Any:
        # Only the pattern's public attributes (.match, .pattern…) are forwarded. A private or dunder
        # name asked of a stand-in whose slots are not set yet (copy and pickle ask for __setstate__
        # on a bare instance) would recurse through self._compiled into here without end.
        if name.startswith('_'):
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f'lazy({self._pattern!r})'


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """re.compile(pattern, flags), done when the pattern is first used."""
    module = sys._getframe(1).f_globals.get('__name__', '')
    return cast('re.Pattern[str]', LazyPattern(pattern, flags, module))
