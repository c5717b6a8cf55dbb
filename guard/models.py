"""The values that flow through guard: fragments in, findings out.

Every check (secret scan, gitignore, env template, env schema) emits the same
secret-free `Finding`, so reporters, baselines and exit codes handle one type.

They are NamedTuples, cheaper than dataclasses to define on the pre-commit path (docs/performance.md);
`_replace` and `_asdict` do what dataclasses.replace and asdict did.
"""

from __future__ import annotations

import enum
from typing import NamedTuple


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, name: str) -> Severity:
        try:
            return cls[name.upper()]
        except (KeyError, AttributeError):  # AttributeError: not a string (a number, a list from YAML)
            choices = ', '.join(str(s) for s in cls)
            shown = repr(name[:40]) if isinstance(name, str) else f'a {type(name).__name__}'
            raise ValueError(f'unknown severity {shown}: use one of {choices}') from None


class Confidence(enum.IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, name: str) -> Confidence:
        try:
            return cls[name.upper()]
        except (KeyError, AttributeError):  # AttributeError: not a string (a number, a list from YAML)
            choices = ', '.join(str(c) for c in cls)
            shown = repr(name[:40]) if isinstance(name, str) else f'a {type(name).__name__}'
            raise ValueError(f'unknown confidence {shown}: use one of {choices}') from None


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
    secret_hash: str = ''  # sha256 hex of the secret, '' for findings that are not secrets
    secret_sha1: str = ''  # sha1 hex, only to match detect-secrets baselines
    confidence: Confidence = Confidence.HIGH
    column: int | None = None
    end_column: int | None = None
    commit: Commit | None = None
    allowed: str | None = None  # why it is allowed ('' = no reason given); None = not allowed

    @property
    def fingerprint(self) -> str:
        """Identity across runs: no line number, so it survives code moving."""
        key = self.secret_hash[:16] if self.secret_hash else self.message
        return f'{self.rule_id}:{name_text(self.path)}:{key}'


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
