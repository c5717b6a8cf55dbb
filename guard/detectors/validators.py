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


def _b64_prefix(blob: str, size: int) -> bytes:
    """Decode the first `size` characters (rounded down to whole quanta) of standard or url-safe base64."""
    head = blob[: size - size % 4] if len(blob) >= size else blob + '=' * (-len(blob) % 4)
    try:
        return base64.b64decode(head.replace('-', '+').replace('_', '/'), validate=False)
    except (ValueError, binascii.Error):
        return b''


def gcp_service_account_base64(blob: str) -> bool:
    """A base64 blob that decodes to a service-account key file: the type and a private key."""
    decoded = _b64_prefix(blob, len(blob) + 3)
    return b'"service_account"' in decoded and b'PRIVATE KEY' in decoded


def pem_private_key_base64(blob: str) -> bool:
    """Base64 of a PEM block whose BEGIN line names a private key (not a certificate or public key)."""
    header = _b64_prefix(blob, 80).split(b'\n', 1)[0]
    return header.startswith(b'-----BEGIN ') and b'PRIVATE KEY' in header


def discord_bot_token(token: str) -> bool:
    """The first part of a Discord bot token is the base64 of the bot's numeric snowflake ID."""
    first = token.split('.', 1)[0]
    decoded = _b64_prefix(first + '=' * (-len(first) % 4), len(first) + 3)
    return 17 <= len(decoded) <= 20 and decoded.isdigit()


VALIDATORS: dict[str, Callable[[str], bool]] = {
    'github-crc32': github_crc32,
    'jwt': jwt,
    'gcp-service-account-base64': gcp_service_account_base64,
    'pem-private-key-base64': pem_private_key_base64,
    'discord-bot-token': discord_bot_token,
}
