"""Text from the repository made safe to show on a terminal or in a CI log.

File names, commit authors and messages come from whoever wrote the repository: a name
holding a newline forges report lines, ESC sequences drive the terminal (colours, cursor
moves, window titles), bidirectional overrides reorder what is shown. Every
human-readable format passes such text through `printable`: control characters become
backslash escapes (`\\n`, `\\x1b`), a byte that is not UTF-8 (a lone surrogate from git's
output) becomes `\\xNN`. Machine formats (JSON, SARIF) escape through JSON instead.
"""

from __future__ import annotations

import re

_ESCAPES = {'\n': '\\n', '\r': '\\r', '\t': '\\t'}
_unsafe: re.Pattern[str] | None = None


def _pattern() -> re.Pattern[str]:
    global _unsafe
    if _unsafe is None:  # compiled on first need: nearly all text is printable as it is
        _unsafe = re.compile(
            '[\x00-\x1f\x7f-\x9f'  # C0, DEL, C1 (0x9b is CSI on some terminals)
            '\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069'  # bidirectional marks and overrides
            '\u2028\u2029'  # line and paragraph separators
            '\ud800-\udfff]'  # lone surrogates: bytes that were not UTF-8
        )
    return _unsafe


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _ESCAPES:
        return _ESCAPES[char]
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for the byte code - 0xDC00
        return f'\\x{code - 0xDC00:02x}'
    return f'\\x{code:02x}' if code < 0x100 else f'\\u{code:04x}'


def printable(text: str) -> str:
    """`text` with every character that could forge a line or drive a terminal escaped."""
    if text.isprintable():  # no control, format or surrogate character: the usual case
        return text
    return _pattern().sub(_escape, text)
