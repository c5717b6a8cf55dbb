"""The secrets an application holds: its pydantic-settings values and its local env files.

Read by duck typing (`model_fields`, `get_secret_value`), so pydantic is never imported here:
an application that passes its settings has imported it already.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from guard.detectors.assignments import classify_key
from guard.own_secrets import DEFAULT_FILES, TEMPLATE_SUFFIXES, blockable, parse_env

MIN_SECRET = 4  # a SecretStr shorter than this would mask ordinary words
_DEPTH = 6


def secret_values(settings: object, env_files: Iterable[str] | None = None) -> list[str]:
    """Every SecretStr/SecretBytes value of `settings`, the secret-looking values of its fields whose
    names say secret (and passwords inside URLs), and the same from the env files it reads
    (its `env_file`, or else `.env`, `.env.*` and `*.env` in the working directory)."""
    found = dict.fromkeys(_walk('', settings, _DEPTH))
    for path in _env_files(settings) if env_files is None else env_files:
        found.update(dict.fromkeys(env_file_values(Path(path))))
    return list(found)


def env_file_values(path: Path) -> Iterator[str]:
    """The values guard's own-secrets detector would block in this env file."""
    try:
        text = path.read_text(encoding='utf-8', errors='replace')
    except OSError:
        return
    for key, value in parse_env(text):
        yield from _blockable(key, value)


def _blockable(key: str, value: str) -> list[str]:
    """What own-secrets blocks of this value; of a URL with a password, only the password (the
    rest of a logged DSN says which database, and is no secret)."""
    found = [secret for _what, secret in blockable(key, value)]
    return found[1:] if len(found) > 1 else found


def _walk(name: str, value: Any, depth: int) -> Iterator[str]:
    if depth < 0 or value is None or isinstance(value, (bool, int, float)):
        return
    reveal = getattr(value, 'get_secret_value', None)
    if callable(reveal):
        secret = reveal()
        if isinstance(secret, bytes):
            secret = secret.decode('utf-8', 'replace')
        if isinstance(secret, str) and len(secret) >= MIN_SECRET:
            yield secret
        elif secret is not None and not isinstance(secret, str):
            yield from _walk(name, secret, depth - 1)
        return
    fields = getattr(type(value), 'model_fields', None)
    if isinstance(fields, Mapping):
        for field in fields:
            yield from _walk(field, getattr(value, field, None), depth - 1)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(str(key), item, depth - 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _walk(name, item, depth - 1)
    else:
        text = value if isinstance(value, str) else str(value)
        if '://' in text:  # a DSN (a str, or pydantic's URL types): its password
            yield from (secret for secret in _blockable(name, text) if '://' not in secret)
        elif isinstance(value, str) and classify_key(name) is not None:
            # named like a secret: judged as a value under a neutral name, so that words stay
            # ('session_cookie_name' = 'session-id' is no secret)
            yield from _blockable('value', text)


def _env_files(settings: object) -> list[str]:
    config = getattr(settings, 'model_config', None)
    configured = config.get('env_file') if isinstance(config, Mapping) else None
    if isinstance(configured, (str, os.PathLike)):
        return [os.fspath(configured)]
    if isinstance(configured, (list, tuple)):
        return [os.fspath(p) for p in configured]
    try:
        names = os.listdir('.')
    except OSError:
        return []
    return sorted(
        n
        for n in names
        if any(fnmatch.fnmatch(n, p) for p in DEFAULT_FILES) and not n.lower().endswith(TEMPLATE_SUFFIXES)
    )
