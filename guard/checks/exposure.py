"""Secrets configured to leak: behind a public prefix (bundled into the browser), or with a
default in code (a deployment that forgets the variable runs on a known key).

Part of `guard check env-example`: it reads the same templates, env files and code usages.
Values are judged by the secret scanner; no value ever reaches a message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from guard import dotenv
from guard.checks.env_usage import Usage
from guard.checks.schema_model import Schema
from guard.checks.workspace import Workspace
from guard.models import Finding, Fragment, Severity
from guard.sources import decode_text

# Frameworks inline every variable with these prefixes into the client bundle.
PUBLIC_PREFIXES = ('NEXT_PUBLIC_', 'NUXT_PUBLIC_', 'EXPO_PUBLIC_', 'REACT_APP_', 'VITE_', 'GATSBY_', 'PUBLIC_')
# Words that make a public-prefixed name a server secret. API_KEY and TOKEN are left out on
# purpose: publishable keys (Stripe pk_, Firebase, Mapbox) are meant for the browser, and
# their values, not their names, tell them apart (the by-value check).
_SECRET_WORDS = frozenset({'SECRET', 'PASSWORD', 'PASSWD', 'PRIVATE'})
_SERVER_ONLY = re.compile(
    r'(?:^|_)(?:(?:DATABASE|DB|POSTGRES|POSTGRESQL|PG|MYSQL|MONGO|MONGODB|REDIS)_(?:URL|URI|DSN)'
    r'|SERVICE_ROLE(?:_KEY)?|CONNECTION_STRING)(?:_|$)'
)
# A name that holds a secret: the secret word ends it (`JWT_SECRET`, `DB_PASSWORD`,
# `STRIPE_API_KEY`), so `ACCESS_TOKEN_EXPIRE_MINUTES` or `PASSWORD_MIN_LENGTH` do not count.
_SECRET_NAME = re.compile(
    r'(?:^|_)(?:SECRET|SECRET_KEY|PASSWORD|PASSWD|PASS|PWD|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|'
    r'SIGNING_?KEY|AUTH_?KEY|ENCRYPTION_?KEY|CLIENT_SECRET|CREDENTIALS?|SALT)$'
)
GENERATE_HINT = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def public_prefix(name: str) -> str | None:
    upper = name.upper()
    return next((p for p in PUBLIC_PREFIXES if upper.startswith(p) and len(upper) > len(p)), None)


def is_secret_name(name: str) -> bool:
    return _SECRET_NAME.search(name.upper()) is not None


def is_public_secret_name(name: str) -> bool:
    prefix = public_prefix(name)
    if prefix is None:
        return False
    rest = name.upper()[len(prefix) :]
    return bool(_SECRET_WORDS.intersection(rest.split('_'))) or _SERVER_ONLY.search(rest) is not None


# --- public prefixes --------------------------------------------------------------------------


def public_findings(ws: Workspace, env_files: Iterable[str], usages: Iterable[Usage]) -> Iterator[Finding]:
    """By name in env files and in code, and by value in env files: a real-looking secret under
    any public prefix. One finding per file and key."""
    seen: set[tuple[str, str]] = set()
    by_value = _values_flagged(ws, env_files)
    for path, entries in _entries(ws, env_files).items():
        for entry in entries:
            prefix = public_prefix(entry.key)
            if prefix is None or (path, entry.key) in seen:
                continue
            flagged = by_value.get((path, entry.line))
            if flagged is None and not is_public_secret_name(entry.key):
                continue
            seen.add((path, entry.key))
            yield _public(entry.key, prefix, path, entry.line, flagged)
    for use in usages:
        prefix = public_prefix(use.name)
        if prefix is None or (use.path, use.name) in seen or not is_public_secret_name(use.name):
            continue
        seen.add((use.path, use.name))
        yield _public(use.name, prefix, use.path, use.line, None)


def _public(key: str, prefix: str, path: str, line: int, flagged: Finding | None) -> Finding:
    why = (
        f'its value is a real-looking secret ({flagged.rule_id})'
        if flagged is not None
        else 'its name says it is a secret'
    )
    return Finding(
        rule_id='env-public-secret',
        severity=Severity.HIGH,
        path=path,
        line=line,
        message=(
            f'{key}: the {prefix} prefix puts the value in the browser bundle, and {why}: read it on the '
            f'server under a name without {prefix}, and rotate it if a build ever shipped it'
        ),
        preview=flagged.preview if flagged is not None else '',
        secret_hash=flagged.secret_hash if flagged is not None else '',
    )


def _entries(ws: Workspace, paths: Iterable[str]) -> dict[str, list[dotenv.Entry]]:
    out = {}
    for path in paths:
        data = ws.read(path)
        if data is not None:
            out[path] = list(dotenv.parse_bytes(data).entries)
    return out


def _values_flagged(ws: Workspace, paths: Iterable[str]) -> dict[tuple[str, int], Finding]:
    """(path, line) → the scanner's finding, for lines that set a public-prefixed key."""
    todo = []
    for path in paths:
        data = ws.read(path)
        text = decode_text(data) if data is not None else None
        if text is not None and any(p in text.upper() for p in PUBLIC_PREFIXES):
            todo.append((path, text.replace('\r\n', '\n')))
    if not todo:
        return {}
    scanner = ws.scanner
    out: dict[tuple[str, int], Finding] = {}
    for path, text in todo:
        for found in scanner.scan(Fragment(path=path, text=text)):
            if found.line is not None:
                out.setdefault((path, found.line), found)
    return out


# --- secret defaults --------------------------------------------------------------------------


def default_findings(usages: Iterable[Usage], schema: Schema | None) -> Iterator[Finding]:
    """Secret-named variables the code (or the schema) gives a literal default."""
    seen: set[tuple[str, str]] = set()
    for use in usages:
        if not use.default or not is_secret_name(use.name) or (use.path, use.name) in seen:
            continue
        seen.add((use.path, use.name))
        how = 'a settings field default' if use.kind == 'settings' else 'a fallback literal'
        yield Finding(
            rule_id='env-secret-default',
            severity=Severity.HIGH,
            path=use.path,
            line=use.line,
            message=(
                f'{use.name} has {how} in code: a deployment that does not set it runs on that known value; '
                f'remove the default so a missing {use.name} fails at start-up (generate one: {GENERATE_HINT})'
            ),
        )
    if schema is None:
        return
    for variable in schema.variables:
        if (variable.secret or is_secret_name(variable.name)) and variable.default not in (None, ''):
            yield Finding(
                rule_id='env-secret-default',
                severity=Severity.HIGH,
                path=schema.path,
                line=variable.line or None,
                message=(
                    f'{variable.name} is a secret with a default in {schema.path}: remove `default:` '
                    'so a deployment without it fails instead of running on a known value'
                ),
            )
