"""Deciding which findings a user has accepted: inline allows and allowlists."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

from guard.models import Finding

_INLINE_ALLOW = re.compile(r'guard:allow\b[ \t:,-]*(.*)')
_COMMENT_END = re.compile(r'\s*(?:\*/|-->|#}|%>|\}\})?\s*$')


def inline_allow_reason(line: str) -> str | None:
    """The reason written after `guard:allow` on the line ('' when none), or None."""
    match = _INLINE_ALLOW.search(line)
    if match is None:
        return None
    return _COMMENT_END.sub('', match.group(1)).strip()


def glob_to_regex(glob: str) -> str:
    """gitignore-style globs on '/' paths: '*' stays in a segment, '**' crosses them,
    and a pattern without '/' matches a file name at any depth."""
    anchored = '/' in glob.rstrip('/')
    glob = glob.lstrip('/')
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith('**/', i):
            out.append('(?:.*/)?')
            i += 3
        elif glob.startswith('**', i):
            out.append('.*')
            i += 2
        elif glob[i] == '*':
            out.append('[^/]*')
            i += 1
        elif glob[i] == '?':
            out.append('[^/]')
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    body = ''.join(out)
    if glob.endswith('/'):
        body += '.*'
    prefix = '^' if anchored else '(?:^|.*/)'
    return f'{prefix}{body}(?:/.*)?$'


class Allowlist(NamedTuple):
    paths: tuple[str, ...] = ()  # globs: files never scanned
    regexes: tuple[str, ...] = ()  # searched in the line of a finding
    stopwords: tuple[str, ...] = ()  # lowercase; a finding whose line holds one is allowed

    def allows_path(self, path: str) -> bool:
        regex = _paths_regex(self.paths)
        return regex is not None and bool(regex.match(path))

    def line_reason(self, line: str) -> str | None:
        """Why the line is allowed (inline comment, stopword, regex), or None."""
        reason = inline_allow_reason(line)
        if reason is not None:
            return reason
        lowered = line.lower()
        for word in self.stopwords:
            if word in lowered:
                return f'stopword {word!r}'
        for regex in self.regexes:
            if _compiled(regex).search(line):
                return f'allowlisted by regex {regex!r}'
        return None

    @property
    def needs_lines(self) -> bool:
        return bool(self.stopwords or self.regexes)


@functools.cache
def _paths_regex(globs: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile('|'.join(glob_to_regex(g) for g in globs)) if globs else None


@functools.cache
def _compiled(regex: str) -> re.Pattern[str]:
    from guard.userregex import compile_user  # the user's regex: RE2, linear (validated with the config)

    pattern: re.Pattern[str] = compile_user(regex)
    return pattern


def partition(findings: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
    """Split into (reported, suppressed)."""
    reported: list[Finding] = []
    suppressed: list[Finding] = []
    for finding in findings:
        (reported if finding.allowed is None else suppressed).append(finding)
    return reported, suppressed
