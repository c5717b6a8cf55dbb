"""Your own secrets, anywhere: the values of the developer's local, untracked env files.

A token pasted from `.env` into a test or a notebook has whatever entropy it has;
no rule may know its format. Knowing the values is enough: they are read at the
start of a run, kept only in memory (an ahocorasick_rs automaton for the exact,
case-sensitive match, overlaps included) and reported like any secret, by preview and hash.

Cheap on the pre-commit path: one directory listing of the repository top, and one
`git ls-files` only when env files exist there.
"""

from __future__ import annotations

import fnmatch
import os
import re
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import ahocorasick_rs

from guard import git
from guard.detectors.base import secret_finding
from guard.detectors.lazyre import lazy
from guard.detectors.placeholders import is_placeholder
from guard.models import Confidence, Finding, Fragment, Severity
from guard.redact import sha256_hex
from guard.scanner import ascii_lower, dfa_worthwhile

if TYPE_CHECKING:
    from guard.config import Config

RULE_ID = 'own-secret'
MIN_LENGTH = 8
# A value is looked for by its first PREFIX characters, then compared whole: the automaton and the
# prefilter's keywords stay small whatever the env file holds (a 1 MB value once took minutes to build).
PREFIX = 64
DEFAULT_FILES = ('.env', '.env.*', '*.env')
TEMPLATE_SUFFIXES = ('.example', '.sample', '.template', '.tmpl', '.dist', '.defaults', '.schema', '.md')
# Compiled on first use (an env file exists): most repositories have none at their top.
# Keys that name a secret: their value is blocked whatever it looks like.
_SECRET_KEY = lazy(r'(?i)pass|pwd|secret|token|key|auth|cred|private|salt|sign|dsn|cookie|session|cert')
# Values that are plainly configuration, not secrets, when the key does not say otherwise:
# numbers, booleans, lowercase words/hosts/regions ('development', 'eu-west-1'), paths, e-mails.
_MUNDANE = lazy(r"""(?x)^(?:
    [-+]?\d+(?:[.,:]\d+)*[a-zA-Z]{0,3}
  | (?i:true|false|yes|no|on|off|none|null)
  | [a-z]+(?:[._-][a-z0-9]+)*
  | [A-Z]+(?:_[A-Z0-9]+)*
  | (?:~|\.{1,2})?/[^\s:@]*
  | [\w.+-]+@[\w-]+(?:\.[\w-]+)+
)$""")


def env_files(top: Path, patterns: Sequence[str]) -> list[str]:
    """Untracked env files at the repository top matching `patterns`, templates excluded."""
    try:
        names = os.listdir(top)
    except OSError:
        return []
    wanted = re.compile('|'.join(fnmatch.translate(p) for p in patterns))  # one regex: the top may hold 1000s
    found = sorted(
        n for n in names if wanted.match(n) and not n.lower().endswith(TEMPLATE_SUFFIXES) and (top / n).is_file()
    )
    if not found:
        return []
    tracked = git.tracked(found, top)
    return [n for n in found if n not in tracked]


def parse_env(text: str) -> Iterator[tuple[str, str]]:
    """(key, value) pairs of a dotenv file as guard/dotenv.py reads it (python-dotenv's syntax);
    a multi-line value (a PEM key) gives one pair per line: a line can leak on its own."""
    from guard import dotenv  # only when an env file exists

    for entry in dotenv.parse(text).entries:
        if entry.value is None:
            continue
        if '\n' not in entry.value:
            yield entry.key, entry.value
            continue
        for line in entry.value.split('\n'):
            yield entry.key, line.strip()


def blockable(key: str, value: str) -> list[tuple[str, str]]:
    """(what, string) pairs of this value worth blocking: the value, and a URL's password."""
    out = []
    if _worth(key, value):
        out.append((f'the value of {key}', value))
    if '://' in value:
        try:
            password = urllib.parse.urlsplit(value).password
        except ValueError:
            password = None
        if password and _worth('password', urllib.parse.unquote(password)):
            out.append((f'the password in {key}', urllib.parse.unquote(password)))
    return out


def _worth(key: str, value: str) -> bool:
    if len(value) < MIN_LENGTH or '\n' in value or value.startswith('-----') or is_placeholder(value):
        return False
    if _SECRET_KEY.search(key):
        return True
    if _MUNDANE.match(value):
        return False
    return not _is_url_without_password(value)


def _is_url_without_password(value: str) -> bool:
    if not re.match(r'^[a-zA-Z][\w+.-]*://', value) or re.search(r'\s', value):
        return False
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:
        return False
    return parts.password is None and not parts.query


class _Version(NamedTuple):
    """What the history store keys its cache on (api.rules_version reads `rule.pattern`): a digest
    of the values' hashes, so changing .env rescans instead of trusting stale results."""

    pattern: str


class OwnSecretsDetector:
    """Exact values of local env files, wherever they appear (except in those files)."""

    id = RULE_ID
    reports = {RULE_ID: 'A value of your local env files (.env…) found anywhere else'}

    def __init__(self, values: dict[str, tuple[str, str]], sources: frozenset[str]) -> None:
        # value → (what it is, file); lowercase keywords feed the scanner's prefilter, which lowers
        # ASCII letters only (it matches lowercased UTF-8 bytes): 'Ä' must stay 'Ä' in the keyword.
        # A value whose name says secret is critical: it is the real thing, known exactly (and
        # outranks the generic rules in the scanner's dedupe).
        self.keywords = frozenset(ascii_lower(v[:PREFIX]) for v in values)
        self._sources = sources
        self._values = list(values)
        self._origins = [values[v] for v in self._values]
        by_prefix: dict[str, list[int]] = {}
        for index, value in enumerate(self._values):
            by_prefix.setdefault(value[:PREFIX], []).append(index)
        self._prefixes = list(by_prefix)
        self._holders = list(by_prefix.values())  # by prefix index: the values starting with it
        kind = ahocorasick_rs.Implementation
        self._automaton = ahocorasick_rs.AhoCorasick(
            self._prefixes, implementation=kind.DFA if dfa_worthwhile(self._prefixes) else kind.ContiguousNFA
        )
        self.rule = _Version(sha256_hex('\0'.join(sorted(sha256_hex(v) for v in values))))

    accepts_path = None  # reads every file (see Detector.accepts_path)

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        if _normal(fragment.path) in self._sources:
            return
        # overlapping: one value inside another ('abc123…' in 'xabc123…') is found as itself too
        text = fragment.text
        for prefix, start, _end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            for index in self._holders[prefix]:
                value = self._values[index]
                if len(value) > PREFIX and not text.startswith(value, start):
                    continue
                what, origin = self._origins[index]
                severity = Severity.CRITICAL if _SECRET_KEY.search(what) else Severity.HIGH
                yield secret_finding(
                    fragment,
                    start,
                    value,
                    rule_id=RULE_ID,
                    severity=severity,
                    confidence=Confidence.HIGH,
                    message=f'{what} from your local {origin}: reference the variable instead',
                )


def own_secrets_detector(config: Config) -> OwnSecretsDetector | None:
    top = repository_top(Path.cwd())
    if top is None:
        return None
    names = env_files(top, config.own_secret_files or DEFAULT_FILES)
    values: dict[str, tuple[str, str]] = {}
    for name in names:
        try:
            text = (top / name).read_text(encoding='utf-8', errors='replace')
        except OSError:
            continue
        for key, value in parse_env(text):
            for what, secret in blockable(key, value):
                values.setdefault(secret, (what, name))
    if not values:
        return None
    return OwnSecretsDetector(values, _source_names(top, names))


def repository_top(start: Path) -> Path | None:
    """The work tree top, found on disk (no subprocess: this runs on every commit)."""
    for directory in (start, *start.parents):
        if (directory / '.git').exists():
            return directory
    return None


def _source_names(top: Path, names: Sequence[str]) -> frozenset[str]:
    """The env files as fragments may name them: from the top, from cwd, absolute."""
    cwd = Path.cwd()
    out = set()
    for name in names:
        absolute = top / name
        out.update({name, str(absolute), _normal(os.path.relpath(absolute, cwd))})
    return frozenset(out)


def _normal(path: str) -> str:
    return path.replace('\\', '/').removeprefix('./')
