"""What every check looks at: the Workspace (root, files, settings, the scanner the caller
hands over), the options and config it carries, and the result a check returns.

Apart from the registry (guard/checks/__init__.py), so the checks import this module and
never the package that imports them; and the scanner comes in through the Workspace, so no
check imports guard.api.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guard import git
from guard.checks.envfiles import file_kind
from guard.config import Config
from guard.models import Finding

if TYPE_CHECKING:
    from guard.scanner import Scanner

TEMPLATE_NAMES = ('.env.example', '.env.sample', '.env.template', '.env.dist')
ENV_FILE_PROBES = ('.env', '.env.local', '.env.development.local', '.env.production.local', '.env.test.local')
KEY_FILE_PATTERNS = (
    '*.pem',
    '*.key',
    '*.p12',
    '*.pfx',
    'id_rsa',
    'id_ecdsa',
    'id_ed25519',
    'service-account*.json',
    '*-service-account.json',
)
LOCAL_FILES = ('.env', '.env.local')
DOCS = ('README.md', 'docs/**/*.md')
SCHEMA_FILE = 'env.schema.yaml'
# Never walked outside git (and skipped inside it): dependencies and build output, not the project.
SKIP_DIRS = frozenset(
    {
        '.git',
        'node_modules',
        '.venv',
        'venv',
        '__pycache__',
        '.tox',
        '.nox',
        '.mypy_cache',
        '.ruff_cache',
        '.pytest_cache',
        'site-packages',
        'dist',
        'build',
        '.next',
        '.nuxt',
        'vendor',
        'bower_components',
        '.terraform',
        'target',
    }
)


@dataclasses.dataclass(frozen=True)
class CheckOptions:
    """Run options from the command line (None: take the config's value)."""

    fix: bool = False
    schema: Path | None = None
    settings: str | None = None
    settings_dir: Path | None = None
    env_files: tuple[Path, ...] = ()
    secrets_dirs: tuple[Path, ...] = ()  # read only when asked, here or in env.secrets_dir
    environ: bool | None = None
    environment: str | None = None
    explicit: bool = False  # the check was named: a missing input is an error, not a skip


@dataclasses.dataclass(frozen=True)
class EnvSettings:
    """The `env:` section of the config, with defaults filled in."""

    templates: tuple[str, ...] = TEMPLATE_NAMES
    files: tuple[str, ...] = ()  # more env files that must be ignored
    key_files: tuple[str, ...] = KEY_FILE_PATTERNS
    local_files: tuple[str, ...] = LOCAL_FILES
    docs: tuple[str, ...] = DOCS
    schema: str | None = None
    settings: str | None = None
    settings_dir: str | None = None  # where `settings` is imported from (default: found)
    env_files: tuple[str, ...] = ()
    secrets_dir: tuple[str, ...] = ()
    environment: str | None = None
    scopes: Mapping[str, str] = dataclasses.field(default_factory=dict)  # code directory → template
    ignore_keys: tuple[str, ...] = ()
    unused: bool = True
    exclude: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> EnvSettings:
        """From an `env:` mapping that guard.config has already validated."""
        fields = {f.name for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in fields}
        return cls(**values)


@dataclasses.dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...] = ()
    files: int = 0
    bytes: int = 0
    notes: tuple[str, ...] = ()


class Workspace:
    """What every check looks at, computed once: the root, its files, the settings.

    Paths are '/'-separated and relative to `root` (the work-tree top inside git)."""

    def __init__(
        self,
        config: Config,
        options: CheckOptions,
        cwd: Path | None = None,
        *,
        make_scanner: Callable[[Config], Scanner] | None = None,
    ) -> None:
        self.cwd = cwd or Path.cwd()
        self.git_top = git.toplevel(self.cwd)
        self.root = self.git_top or (config.root if config.source else self.cwd)
        self.config = config
        self.options = options
        self.env = EnvSettings.from_mapping(config.env)
        self.read_files = 0
        self.read_bytes = 0
        self._cache: dict[str, bytes | None] = {}
        self._make_scanner = make_scanner

    @functools.cached_property
    def scanner(self) -> Scanner:
        """The secret scanner as the config sets it up, built by the caller's factory (api's
        make_scanner) on first use: only the checks that look for secrets in values pay for it."""
        if self._make_scanner is None:
            raise RuntimeError('this Workspace was built without a scanner factory')
        return self._make_scanner(self.config)

    @functools.cached_property
    def files(self) -> list[str]:
        """Tracked and untracked files git does not ignore (a pruned walk outside git)."""
        listed = git.listed_files(self.root) if self.git_top is not None else None
        if listed is None:
            return list(_walk(self.root))
        return [p for p in listed if not SKIP_DIRS.intersection(p.split('/')[:-1])]

    @functools.cached_property
    def present_files(self) -> list[str]:
        """`files` plus the untracked files git ignores (a directory git ignores whole, such as
        node_modules/, is not walked): what exists in the work tree, as far as env files go."""
        if self.git_top is None:
            return self.files
        ignored = [p for p in git.ignored_files(self.root) if not p.endswith('/')]
        ignored = [p for p in ignored if not SKIP_DIRS.intersection(p.split('/')[:-1])]
        return list(dict.fromkeys([*self.files, *ignored]))

    @functools.cached_property
    def env_files(self) -> list[str]:
        """Every env-like file that exists (`.env`, `.env.production`, `prod.env`, ...), templates aside."""
        templates = set(self.templates)
        return [p for p in self.present_files if p not in templates and file_kind(p, self) == 'env']

    @functools.cached_property
    def templates(self) -> list[str]:
        names = set(self.env.templates)
        # present_files: templates git ignores exist too (a check reports them)
        return sorted(p for p in self.present_files if p.rsplit('/', 1)[-1] in names)

    def read(self, relative: str, max_size: int | None = None, *, keep: bool = True) -> bytes | None:
        """A file's bytes (None when missing, unreadable or over the cap), counted once for the
        receipt; `keep` holds them for the next check that asks (templates, docs; not all code)."""
        if relative in self._cache:
            return self._cache[relative]
        data = self._read(relative, max_size)
        if keep:
            self._cache[relative] = data
        return data

    def _read(self, relative: str, max_size: int | None) -> bytes | None:
        path = os.path.join(self.root, relative)
        try:  # one lstat and one open: thousands of code files are read per run
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > (max_size or self.config.max_file_size):
                return None
            with open(path, 'rb') as f:
                data = f.read()
        except (OSError, ValueError):
            return None
        self.read_files += 1
        self.read_bytes += len(data)
        return data

    def relative(self, path: Path) -> str:
        """A path as findings show it: relative to the root when below it."""
        absolute = path if path.is_absolute() else self.cwd / path
        try:
            return absolute.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def parent(path: str) -> str:
    return path.rsplit('/', 1)[0] if '/' in path else '.'


def join(directory: str, name: str) -> str:
    return name if directory in ('', '.') else f'{directory}/{name}'


def _walk(root: Path) -> list[str]:
    out: list[str] = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        rel = os.path.relpath(directory, root).replace(os.sep, '/')
        out.extend(name if rel == '.' else f'{rel}/{name}' for name in sorted(files))
    return out
