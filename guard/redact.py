"""Turning a secret into things that are safe to print and store."""

from __future__ import annotations

PREVIEW_CHARS = 4


def preview(secret: str) -> str:
    """At most the first four characters and the length: 'ghp_…(40)'.

    Short secrets show less, so that a preview never reveals most of a secret.
    """
    shown = min(PREVIEW_CHARS, len(secret) // 4)
    return f'{secret[:shown]}…({len(secret)})'


# hashlib is imported on the first finding, not at start-up: loading it (OpenSSL's libcrypto)
# costs ~2.5 ms, and most pre-commit runs find nothing.


def sha256_hex(secret: str) -> str:
    import hashlib

    return hashlib.sha256(secret.encode('utf-8', 'surrogateescape')).hexdigest()


def sha1_hex(secret: str) -> str:
    import hashlib

    return hashlib.sha1(secret.encode('utf-8', 'surrogateescape')).hexdigest()
