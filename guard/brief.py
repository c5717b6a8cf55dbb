"""A user's value as an error message may show it: bounded, whatever the value holds.

Config and rule files are written by whoever opens a pull request: a value may be a
megabyte string or an alias bomb's list of a billion items, and `str()` of it in a
message would hang or flood. Scalars are shown (strings cut short), containers by kind.
"""

from __future__ import annotations

LIMIT = 40


def brief(value: object) -> str:
    """`'abc'`, `7`, `true`, or `a list` / `a mapping`: never longer than about LIMIT characters."""
    if isinstance(value, str):
        return repr(value) if len(value) <= LIMIT else repr(value[:LIMIT]) + f'…({len(value)} characters)'
    if value is None or isinstance(value, bool):
        return {None: 'null', True: 'true', False: 'false'}[value]
    if isinstance(value, (int, float)):
        text = repr(value)
        return text if len(text) <= LIMIT else f'a {len(text)}-digit number'
    if isinstance(value, (list, tuple)):
        return 'a list'
    if isinstance(value, dict):
        return 'a mapping'
    return f'a {type(value).__name__}'


TEXT_LIMIT = 200


def clip(text: str, limit: int = TEXT_LIMIT, *, tail: int = 0) -> str:
    """Text from outside guard (an exception's text, git's stderr, a line of a file) as one
    line of a message: line breaks as spaces, cut to about `limit` characters with the count
    of the rest; `tail` keeps that many of the last characters too (where a fix is named)."""
    if len(text) > limit:
        head = text[: max(limit - tail, 0)]
        text = (
            f'{head}…({len(text) - len(head) - tail} characters)…{text[len(text) - tail :]}'
            if tail
            else head + (f'…({len(text)} characters)')
        )
    return text.replace('\r\n', ' ').replace('\n', ' ').replace('\r', ' ')
