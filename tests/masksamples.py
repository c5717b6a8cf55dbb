"""Secrets as applications log them, built at run time (tests/secrets.py says why).

From their own seeded generator, not tests/secrets.py's shared one: drawing from that one (at
collection time, for parameters) would change the values every later test module gets.
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib

from guard.detectors.validators import base62

ALNUM = string.ascii_letters + string.digits
_rng = random.Random(20261202)


def random_body(n: int, alphabet: str = ALNUM) -> str:
    return ''.join(_rng.choice(alphabet) for _ in range(n))


def github_token() -> str:
    body = random_body(30)
    return f'ghp_{body}{base62(zlib.crc32(body.encode()), 6)}'


def aws_key_id() -> str:
    return 'AKIA' + random_body(16, string.ascii_uppercase + '234567')


B64 = string.ascii_letters + string.digits + '+/'
URLSAFE = string.ascii_letters + string.digits + '-_'
HEADER = '-----BEGIN RSA ' + 'PRIVATE KEY-----'
FOOTER = '-----END RSA ' + 'PRIVATE KEY-----'


def b64url(data: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b'=').decode()


def jwt() -> str:
    return f'{b64url({"alg": "HS256", "typ": "JWT"})}.{b64url({"sub": random_body(8)})}.{random_body(43, URLSAFE)}'


def key_body(lines: int = 6) -> list[str]:
    return [random_body(64, B64) for _ in range(lines)]


def private_key(lines: int = 6) -> tuple[str, list[str]]:
    """A PEM block and its body lines (what must not survive)."""
    body = key_body(lines)
    return '\n'.join([HEADER, *body, FOOTER]), body


def password() -> str:
    return random_body(14) + '#' + random_body(3)


def slack_token() -> str:
    return f'xoxb-{random_body(12, string.digits)}-{random_body(12, string.digits)}-{random_body(24)}'


def stripe_key() -> str:
    return 'sk_' + 'live_' + random_body(24)


def planted() -> list[tuple[str, str]]:
    """(log line, the secret in it) in the formats a log shows, none with a context word it needs."""
    token, pw, bearer, web = github_token(), password(), random_body(40), jwt()
    basic_pw = random_body(12)
    basic = base64.b64encode(f'deploy:{basic_pw}'.encode()).decode()
    aws, slack, stripe = aws_key_id(), slack_token(), stripe_key()
    local_pw = random_body(10)
    return [
        (f'INFO sync: cloning with {token} for repo acme/orders', token),
        (f'connecting to postgresql+asyncpg://orders:{pw}@ep-cold-1.eu-central-1.aws.neon.tech/orders', pw),
        (f'dev db at postgresql://app:{local_pw}@localhost:5432/app ready', local_pw),
        (f'upstream call sent Bearer {bearer} and got 401', bearer),
        (f'GET /api/orders headers={{"authorization": "Bearer {web}"}}', web),
        (f'session restored from cookie {web}', web),
        (f'proxy: forwarding Basic {basic} to backend', basic),
        (f'boto: using key {aws} in eu-west-1', aws),
        (f'slack notifier ready ({slack})', slack),
        (f'billing client configured key={stripe}', stripe),
        (f'user import failed password={pw} for row 7', pw),
    ]


CLEAN = [
    '2026-12-02 05:50:01,123 INFO app.orders: order 48213 shipped to warehouse 7 in 312 ms',
    'GET https://api.acme.io/v1/orders?page=2&limit=50 200 OK',
    'WARNING auth: Bearer authentication required for /admin',
    'DEBUG token bucket refilled: 20 tokens, password policy v2, api_key rotation due',
    'connecting to postgresql://orders@db.internal:5432/orders (no password, peer auth)',
    'redacted: password=*** token=****** dsn=postgresql://app:***@db/app',
    'INFO uvicorn: 127.0.0.1:51234 - "GET /health HTTP/1.1" 200',
    'key rotation scheduled: see https://docs.acme.io/keys#rotation',
    'naïve UTF-8 text ✓ with accents, and a tab\there',
]
