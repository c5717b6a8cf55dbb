"""Which files are env files and which are key files, by name and by the `env:` settings:
asked of every file of the tree, by the Workspace and by the gitignore check."""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from guard.checks.workspace import Workspace

# `.env`, `.env.local` and `.env.*.local`: a developer's own values, never committed
ENV_FILE_PATTERNS = ('.env', '.env.local', '.env.*.local')
# `.env`, `.env.production`, `prod.env`, `env/staging.env`: the names env files are given
ENV_NAME = re.compile(r'\.env(?:\.[^/]+)?|[^/]+\.env')
# a word of the name that makes it a template, or code and docs about env files
NOT_ENV_WORDS = frozenset(
    {'example', 'sample', 'template', 'dist', 'schema', 'd', 'ts', 'js', 'mjs', 'cjs', 'py', 'md', 'json', 'sh'}
)


def file_kind(path: str, ws: Workspace) -> str | None:
    """'env' for an env-like file (`.env`, `.env.*`, `*.env`, `env.files`), 'key' for a key or
    credential file (`env.key_files`), None for anything else: templates, and code or docs
    that only carry the name (`.env.d.ts`, `docs/.env.md`)."""
    name = path.rsplit('/', 1)[-1]
    if matcher(ws.env.key_files)(path, name):
        return 'key'
    if matcher(ws.env.files)(path, name):
        return 'env'
    if not ENV_NAME.fullmatch(name) or name in ws.env.templates:
        return None
    words = set(name.lower().split('.'))
    return None if words & NOT_ENV_WORDS else 'env'


def is_local_name(path: str, ws: Workspace) -> bool:
    """Names that hold a developer's own values and must never be committed, whatever a
    negation says (a `.env.production` of committed defaults may be re-included on purpose)."""
    return matches(path, path.rsplit('/', 1)[-1], (*ENV_FILE_PATTERNS, *ws.env.files))


def matches(path: str, name: str, patterns: Iterable[str]) -> bool:
    return matcher(tuple(patterns))(path, name)


@functools.cache
def matcher(patterns: tuple[str, ...]) -> Callable[[str, str], bool]:
    """One regex for the name patterns and one for the path patterns: asked of every file."""
    by_name = [fnmatch.translate(p.strip('/')) for p in patterns if '/' not in p.strip('/')]
    by_path = [fnmatch.translate(p.strip('/')) for p in patterns if '/' in p.strip('/')]
    name_re = re.compile('|'.join(by_name)) if by_name else None
    path_re = re.compile('|'.join(by_path)) if by_path else None
    return lambda path, name: bool(
        (name_re is not None and name_re.match(name)) or (path_re is not None and path_re.match(path))
    )
