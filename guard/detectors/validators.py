"""Named checks a rule can ask for beyond its pattern (`validate: NAME`).

Each takes the candidate secret and says whether it is well formed, e.g. that a
token's checksum suffix matches its body.
"""
from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Callable

BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'


def base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, rest = divmod(number, 62)
        digits.append(BASE62[rest])
    return ''.join(reversed(digits)).rjust(width, '0')


def github_crc32(token: str) -> bool:
    """GitHub's new-style tokens end in 6 base62 characters: CRC32 of the rest of the body."""
    _, _, body = token.partition('_')
    if len(body) < 7:
        return False
    payload, checksum = body[:-6], body[-6:]
    return base62(zlib.crc32(payload.encode()), 6) == checksum


def _b64url_json(part: str) -> object:
    padded = part + '=' * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(padded))


def jwt(token: str) -> bool:
    """Three dot-separated base64url parts whose header decodes to JSON naming an algorithm."""
    parts = token.split('.')
    if len(parts) != 3:
        return False
    try:
        header = _b64url_json(parts[0])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    return isinstance(header, dict) and 'alg' in header and str(header['alg']).lower() != 'none'


VALIDATORS: dict[str, Callable[[str], bool]] = {
    'github-crc32': github_crc32,
    'jwt': jwt,
}
