"""The values that flow through guard: fragments in, findings out.

Every check (secret scan, gitignore, env template, env schema) emits the same
secret-free `Finding`, so reporters, baselines and exit codes handle one type.

They are NamedTuples, cheaper than dataclasses to define on the pre-commit path (docs/performance.md);
`_replace` and `_asdict` do what dataclasses.replace and asdict did.
"""

from __future__ import annotations

import enum
from typing import NamedTuple, TypeVar

from guard.fingerprint import fingerprint

L = TypeVar('L', bound='Level')


class Level(enum.IntEnum):
    """An ordered scale named by lowercase words in config, rules and output."""

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls: type[L], name: str) -> L:
        try:
            return cls[name.upper()]
        except (KeyError, AttributeError):  # AttributeError: not a string (a number, a list from YAML)
            choices = ', '.join(str(level) for level in cls)
            shown = repr(name[:40]) if isinstance(name, str) else f'a {type(name).__name__}'
            raise ValueError(f'unknown {cls.__name__.lower()} {shown}: use one of {choices}') from None


class Severity(Level):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4


class Confidence(Level):
    LOW = 1
    MEDIUM = 2
    HIGH = 3


class Commit(NamedTuple):
    sha: str
    author: str = ''
    date: str = ''  # ISO 8601, as git prints it with %aI


class Fragment(NamedTuple):
    """A piece of text to scan: a whole file, or the added lines of one diff hunk."""

    path: str
    text: str
    start_line: int = 1  # line number of the text's first line in the file
    commit: Commit | None = None


class Finding(NamedTuple):
    rule_id: str  # 'github-pat', 'env-file-tracked', 'env-schema-invalid'
    severity: Severity
    message: str
    path: str
    line: int | None
    preview: str = ''  # 'ghp_…(40)'; the raw secret never leaves the detector
    # the sealed digest (guard/fingerprint.py), '' for findings that are not secrets; the sha256
    # hex of the secret from a detector until the scanner seals it, never written so
    secret_hash: str = ''
    secret_sha1: str = ''  # sha1 hex, in memory only: to match detect-secrets baselines
    confidence: Confidence = Confidence.HIGH
    column: int | None = None
    end_column: int | None = None
    commit: Commit | None = None
    allowed: str | None = None  # why it is allowed ('' = no reason given); None = not allowed
    low_entropy: bool = False  # a guessable secret (a password): sealed with scrypt
    plain_hash: str = ''  # in memory only: sha256 prefix, as version-1 baselines hold it

    @property
    def fingerprint(self) -> str:
        """Identity across runs: no line number, so it survives code moving."""
        return fingerprint(self.rule_id, name_text(self.path), self.secret_hash, self.message)


def name_text(path: str) -> str:
    """A path as text that can be written anywhere: git's names are bytes, kept here as str
    with each byte that is not UTF-8 as a lone surrogate (surrogateescape), which no UTF-8
    writer, JSON file or SQLite accepts; such a byte is spelled `\\xNN` instead."""
    if path.isascii() or path.isprintable():
        return path
    import re  # rarely needed: names that are not UTF-8

    return re.sub('[\udc80-\udcff]', lambda m: f'\\x{ord(m.group()) - 0xDC00:02x}', path)


class Receipt(NamedTuple):
    """What a run looked at, so a run that scanned nothing can say so."""

    mode: str
    files: int = 0
    commits: int = 0
    bytes: int = 0
    skipped: int = 0
    seconds: float = 0.0
    notes: tuple[str, ...] = ()
    empty: str = ''  # why the run scanned nothing, '' when it scanned something (--fail-on-empty)
    unreadable: int = 0  # files and directories it could not read (exit 2 without --skip-unreadable)


class Report(NamedTuple):
    findings: tuple[Finding, ...]
    receipt: Receipt
    suppressed: tuple[Finding, ...] = ()  # allowed inline, by allowlist or by baseline

    @property
    def exit_code(self) -> int:
        return 1 if self.findings else 0
