"""The one fingerprint function: what identifies a secret across runs without giving it away.

A detector reduces a secret to its SHA-256 (`Finding.secret_hash`, in memory only) and says
whether the secret is low-entropy; the scanner then seals the finding with the repository's
`Keyring`, and only sealed digests are ever written (reports, SARIF, baseline, store).
Sealing a high-entropy secret (a random token) is one salted HMAC: nobody guesses those. A
low-entropy one (a password) goes through scrypt with the repository's salt, so each guess
of a wordlist costs what scrypt costs. With a fingerprint key (GUARD_FINGERPRINT_KEY or
--fingerprint-key) every digest is an HMAC under that key as well: without the key, nothing
written can even be checked against a guess.

The salt is random, per repository: the baseline file carries it (so a committed baseline
matches on every clone and in CI), and `<git-common-dir>/guard/salt` keeps it for runs that
have no baseline. It is read on the first finding: a run that finds nothing never looks.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

KEY_ENV = 'GUARD_FINGERPRINT_KEY'
SALT_BYTES = 16
SALT_FILE = 'salt'
DIGEST_HEX = 32  # what a sealed digest keeps: 128 bits identify a secret well enough
# scrypt's cost: 8 MiB and ~20 ms (idle) per low-entropy secret: bench/bench_baseline.py
SCRYPT_N = 2**13
SCRYPT_R = 8
SCRYPT_P = 1
# Secrets estimated below this many bits (length x Shannon entropy per character) are treated
# as guessable: passwords, short values. A random 24-character token scores above it.
STRONG_BITS = 96.0


ESTIMATE_CHARS = 256  # a longer secret is judged by its start: a finding costs O(1) here


SHOWN_HEX = 16  # of a sealed digest, in a fingerprint and a baseline entry


def fingerprint(rule_id: str, path: str, digest: str, message: str = '') -> str:
    """The one spelling of a fingerprint (a Finding's, a baseline entry's): `rule:path:key`,
    the key a prefix of the sealed digest, or the message for findings that are not secrets.
    No line number: it survives code moving."""
    return f'{rule_id}:{path}:{digest[:SHOWN_HEX] if digest else message}'


def estimated_bits(secret: str) -> float:
    """Length times the Shannon entropy of the secret's characters: a generous upper bound for
    a password (it ignores words and patterns), a fair estimate for a random token."""
    sample = secret[:ESTIMATE_CHARS]
    if not sample:
        return 0.0
    total = len(sample)
    per_char = -sum(n / total * math.log2(n / total) for n in Counter(sample).values())
    return per_char * total


def is_low_entropy(secret: str) -> bool:
    return estimated_bits(secret) < STRONG_BITS


def new_salt() -> str:
    return os.urandom(SALT_BYTES).hex()


class Keyring:
    """The salt and optional key that seal digests; the salt is fetched on first use."""

    def __init__(self, salt: str | Callable[[], str], key: str = '') -> None:
        self._salt = salt
        self.key = key
        self._sealed: dict[tuple[str, bool], str] = {}

    @property
    def salt(self) -> str:
        if callable(self._salt):
            self._salt = self._salt()
        return self._salt

    @property
    def keyed(self) -> bool:
        return bool(self.key)

    def seal(self, secret_hash: str, low_entropy: bool) -> str:
        """The digest written for a secret whose SHA-256 (hex) is `secret_hash`."""
        cached = self._sealed.get((secret_hash, low_entropy))  # history meets one secret in many commits
        if cached is None:
            cached = self._sealed[secret_hash, low_entropy] = self._digest(bytes.fromhex(secret_hash), low_entropy)
        return cached

    def _digest(self, inner: bytes, low_entropy: bool) -> str:
        import hashlib
        import hmac

        salt = bytes.fromhex(self.salt)
        if low_entropy:
            digest = hashlib.scrypt(inner, salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
        else:
            digest = hmac.digest(salt, b'guard-fingerprint\0' + inner, 'sha256')
        if self.key:
            digest = hmac.digest(self.key.encode('utf-8', 'surrogateescape'), digest, 'sha256')
        return digest.hex()[:DIGEST_HEX]

    def key_check(self) -> str:
        """A value that tells whether a baseline was written with the same key ('' unkeyed)."""
        if not self.key:
            return ''
        import hmac

        key = self.key.encode('utf-8', 'surrogateescape')
        return hmac.digest(key, b'guard-key-check\0' + bytes.fromhex(self.salt), 'sha256').hex()[:16]

    def identity(self) -> str:
        """Names the salt and key (for caches of sealed digests), revealing neither."""
        import hashlib

        return hashlib.sha256(f'guard-keyring\0{self.salt}\0{self.key_check()}'.encode()).hexdigest()[:16]


# A keyring for scanners built without one (tests, library callers): digests are still
# salted and slow, but the salt is the same everywhere. Runs of the CLI use the repository's.
UNSALTED = '67756172642d6e6f2d7265706f2d7361'


def default_keyring() -> Keyring:
    return Keyring(UNSALTED, os.environ.get(KEY_ENV, ''))


def store_salt(directory: Path) -> str:
    """The salt kept in `directory` (<git-common-dir>/guard), made on first need. Processes
    racing to make it agree: the file appears whole (a link of a written temporary) or not."""
    path = directory / SALT_FILE
    salt = _read_salt(path)
    if salt:
        return salt
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / f'{SALT_FILE}.{os.getpid()}.tmp'
    temporary.write_text(new_salt() + '\n', encoding='ascii')
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
    return _read_salt(path) or ''


def _read_salt(path: Path) -> str:
    try:
        text = path.read_text(encoding='ascii').strip()
    except (OSError, UnicodeDecodeError):
        return ''
    return text if is_salt(text) else ''


def is_salt(text: object) -> bool:
    return isinstance(text, str) and len(text) == 2 * SALT_BYTES and all(c in '0123456789abcdef' for c in text)
