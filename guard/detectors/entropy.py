"""Shannon entropy and character-class helpers for judging random-looking values."""
from __future__ import annotations

import collections
import itertools
import math


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


def is_sequential(text: str, min_len: int = 6) -> bool:
    """'abcdef', '123456', 'ABCDEFGH': keyboard-walk values nobody generated."""
    if len(text) < min_len:
        return False
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return steps in ({1}, {-1})


def longest_sequential_run(text: str) -> int:
    """The longest stretch of characters each one after the previous ('xyabcdefz' → 6)."""
    best = run = 1 if text else 0
    for a, b in itertools.pairwise(text):
        run = run + 1 if ord(b) - ord(a) == 1 else 1
        best = max(best, run)
    return best
