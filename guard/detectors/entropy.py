"""Shannon entropy and character-class helpers for judging random-looking values."""

from __future__ import annotations

import collections
import itertools
import math
import re

from guard.detectors.lazyre import lazy


def shannon_entropy(text: str) -> float:
    """Bits per character."""
    if not text:
        return 0.0
    length = len(text)
    counts = collections.Counter(text).values()
    return -sum(c / length * math.log2(c / length) for c in counts)


def char_classes(text: str) -> int:
    """How many of lower, upper, digit and other characters the text mixes."""
    return (
        any(c.islower() for c in text)
        + any(c.isupper() for c in text)
        + any(c.isdigit() for c in text)
        + any(not c.isalnum() for c in text)
    )


def longest_run(text: str) -> int:
    """The longest run of one repeated character ('xxxx' → 4)."""
    best = run = 0
    previous = ''
    for c in text:
        run = run + 1 if c == previous else 1
        previous = c
        best = max(best, run)
    return best


_ALPHABETS = ('0123456789', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')
_ORDERED = ' '.join((*_ALPHABETS, *(a[::-1] for a in _ALPHABETS)))
# Every 8-character ascending stretch of the three alphabets: found by one regex in C, not a Python loop.
_ASCENDING_8 = lazy('|'.join(a[i : i + 8] for a in _ALPHABETS for i in range(len(a) - 7)))
_REPEAT_6 = lazy(r'(.)\1{5}', re.DOTALL)


def is_sequential(text: str, min_len: int = 6) -> bool:
    """'abcdef', '123456', 'ZYXWVU': keyboard-walk values nobody generated."""
    return len(text) >= min_len and ' ' not in text and text in _ORDERED


def has_ascending_run(text: str) -> bool:
    """An 8-character alphabet run inside the text: 'glpat-ABCDEFGHIJKLMNOPQRST', 'npm_01234567…'."""
    return bool(_ASCENDING_8.search(text))


def has_repeat_run(text: str) -> bool:
    """Six or more of one character in a row ('xxxxxx', '000000')."""
    return bool(_REPEAT_6.search(text))


def longest_sequential_run(text: str) -> int:
    """The longest stretch of characters each one after the previous ('xyabcdefz' → 6)."""
    best = run = 1 if text else 0
    for a, b in itertools.pairwise(text):
        run = run + 1 if ord(b) - ord(a) == 1 else 1
        best = max(best, run)
    return best
