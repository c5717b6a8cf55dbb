"""Named checks a rule can ask for beyond its pattern (`validate: NAME`).

Each takes the candidate secret and says how sure its form makes us: HIGH when
it is well formed (a token's checksum suffix matches its body), a lower level
when the proof failed but the shape still says "real" (so the rule's finding is
reported at that level), None when it is not the thing at all.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Callable

from guard.detectors.entropy import longest_run, shannon_entropy
from guard.detectors.placeholders import LEET, is_word_path
from guard.models import Confidence

Check = Callable[[str], 'Confidence | None']

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


_HEX_DIGITS = frozenset('0123456789abcdefABCDEF')


def plausible_base62_body(body: str) -> bool:
    """Could `body` be a generated base62 string (it need not be: its checksum said no)?

    Calibrated on random bodies: 36 base62 characters have an entropy of at least 3.9 bits
    (200,000 draws), both letter cases (all but 1 in 10^8), no run of 5 (1 in 10^6) and never
    only hex digits (1 in 10^16). Fakes fail one of these: 'ghp_xxxx…', 'abcABC123abcABC123…',
    words, also in leet ('YourPersonalAccessToken…', 'N0tAR34lT0k3n…'), and the hex bodies
    documentation uses ('16C7e42F292c…'). The price: 11 of 5,000 random 36-character bodies read
    as words (none of 76 characters), and are not reported when their checksum is wrong too.
    """
    return (
        len(body) >= 30
        and shannon_entropy(body) >= 3.7
        and any(c.islower() for c in body)
        and any(c.isupper() for c in body)
        and longest_run(body) <= 4
        and not _HEX_DIGITS.issuperset(body)
        and not is_word_path(body)
        and not is_word_path(body.translate(LEET))
    )


def generated_body(token: str) -> bool:
    """The body after a token's type prefix ('ghp_', 'secret_') could be generated."""
    return plausible_base62_body(token.partition('_')[2])


def github_token(token: str) -> Confidence | None:
    """A valid CRC32 suffix proves the format (HIGH). A wrong one leaves a token that may be
    truncated, retyped or checksummed in a way we got wrong: still reported, at MEDIUM, while
    the body looks generated; an obvious fake is not a token at all."""
    if github_crc32(token):
        return Confidence.HIGH
    return Confidence.MEDIUM if generated_body(token) else None


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


def jwt_base64(blob: str) -> bool:
    """Standard base64 of a whole JWT (a Kubernetes Secret's data, a CI variable): the JWT checks above."""
    decoded = _b64_prefix(blob, len(blob) + 3)
    try:
        token = decoded.decode('ascii').strip()
    except UnicodeDecodeError:
        return False
    return token.startswith('eyJ') and jwt(token)


def _gate(check: Callable[[str], bool]) -> Check:
    """A yes/no check as a Check: well formed is HIGH, anything else is not the thing."""
    return lambda secret: Confidence.HIGH if check(secret) else None


VALIDATORS: dict[str, Check] = {
    'github-token': github_token,
    'github-crc32': _gate(github_crc32),
    'jwt': _gate(jwt),
    'jwt-base64': _gate(jwt_base64),
    'gcp-service-account-base64': _gate(gcp_service_account_base64),
    'pem-private-key-base64': _gate(pem_private_key_base64),
    'discord-bot-token': _gate(discord_bot_token),
    'generated-base62-body': _gate(generated_body),
}
