"""Documented credential formats as generators: the breadth corpus (bench/bench_breadth.py) draws
fresh values from these at run time, so no value is ever written into the repository.

A spec is a template: literal text with `{class:n}` fields drawn at random (`{uuid}` for a UUID).
Classes: an (letters and digits), hex, HEX, b64 (standard base64 alphabet), b64u (url-safe),
d (digits), l (lowercase), u (uppercase), ln (lowercase and digits), un (uppercase and digits),
b32 (lowercase base32: a-z, 2-7), bech32 (its data alphabet).
"""

from __future__ import annotations

import random
import re
import string

CLASSES = {
    'an': string.ascii_letters + string.digits,
    'hex': '0123456789abcdef',
    'HEX': '0123456789ABCDEF',
    'b64': string.ascii_letters + string.digits + '+/',
    'b64u': string.ascii_letters + string.digits + '-_',
    'd': string.digits,
    'l': string.ascii_lowercase,
    'u': string.ascii_uppercase,
    'ln': string.ascii_lowercase + string.digits,
    'un': string.ascii_uppercase + string.digits,
    'b32': string.ascii_lowercase + '234567',
    'bech32': 'qpzry9x8gf2tvdw0s3jn54khce6mua7l',
}
_FIELD = re.compile(r'\{(\w+)(?::(\d+))?\}')


def draw(spec: str, rng: random.Random) -> str:
    """One value of `spec`, random where the spec has fields."""

    def field(match: re.Match[str]) -> str:
        kind, count = match.group(1), match.group(2)
        if kind == 'uuid':
            return '-'.join(''.join(rng.choices(CLASSES['hex'], k=n)) for n in (8, 4, 4, 4, 12))
        alphabet = CLASSES[kind]
        n = int(count or 1)
        while True:
            value = ''.join(rng.choices(alphabet, k=n))
            # a value of several classes that draws none of one (all digits) reads as a stand-in
            if n < 8 or len(set(value)) >= min(n, len(set(alphabet))) // 2:
                return value

    return _FIELD.sub(field, spec)


def stand_in(spec: str) -> str:
    """The spec with every field filled by a stand-in (x, 0): what documentation writes."""

    def field(match: re.Match[str]) -> str:
        kind, count = match.group(1), match.group(2)
        if kind == 'uuid':
            return '00000000-0000-0000-0000-000000000000'
        return ('0' if kind == 'd' else 'X' if kind in ('u', 'un', 'HEX') else 'x') * int(count or 1)

    return _FIELD.sub(field, spec)


def _b64url(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).decode().rstrip('=')


def discord_bot_token(rng: random.Random) -> str:
    """A bot token's first part is the base64 of the bot's snowflake ID (17-19 digits)."""
    snowflake = str(rng.randrange(10**17, 10**19))
    return f'{_b64url(snowflake.encode())}.{draw("{b64u:6}", rng)}.{draw("{b64u:38}", rng)}'


def jwt_base64(rng: random.Random) -> str:
    """An HS256 JWT, then base64 of the whole token (as Kubernetes Secrets and CI variables hold them)."""
    import base64
    import json

    header = _b64url(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())
    payload = _b64url(json.dumps({'sub': draw('svc-{ln:8}', rng), 'exp': 1900000000}).encode())
    token = f'{header}.{payload}.{draw("{b64u:43}", rng)}'
    return base64.b64encode(token.encode()).decode()


SPECIAL = {'@discord-bot-token': discord_bot_token, '@jwt-base64': jwt_base64}


def value(spec: str, rng: random.Random) -> str:
    """draw(), or a generator named by SPECIAL for formats a template cannot say."""
    return SPECIAL[spec](rng) if spec in SPECIAL else draw(spec, rng)
