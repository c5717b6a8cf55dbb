"""Secret-looking test data, built at run time so the repository stays clean under its own scanner."""

from __future__ import annotations

import random
import string
import zlib

from guard.detectors.validators import base62

ALNUM = string.ascii_letters + string.digits
_rng = random.Random(20261122)


def random_body(n: int, alphabet: str = ALNUM) -> str:
    return ''.join(_rng.choice(alphabet) for _ in range(n))


def github_token(prefix: str = 'ghp') -> str:
    body = random_body(30)
    return f'{prefix}_{body}{base62(zlib.crc32(body.encode()), 6)}'


def aws_key_id() -> str:
    return 'AKIA' + random_body(16, string.ascii_uppercase + '234567')


def binary_blob(n: int = 2048) -> bytes:
    """Bytes such as compressed data or an image hold: random, so ~10 % control bytes and
    most of the rest not UTF-8 (a few stray NULs alone do not make a file binary)."""
    rng = random.Random(n)
    return bytes(rng.randrange(256) for _ in range(n))
