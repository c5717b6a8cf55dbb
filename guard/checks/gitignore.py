"""`guard check gitignore`: env files and keys are ignored, templates are not, nothing env is tracked.

git itself decides (`git check-ignore`), so nested .gitignore files, .git/info/exclude,
core.excludesFile and negations count exactly as git counts them.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Iterable, Sequence
from pathlib import Path

from guard import git
from guard.checks import (
    ENV_FILE_PATTERNS,
    ENV_FILE_PROBES,
    CheckResult,
    Workspace,
    join,
    parent,
)
from guard.models import Finding, Severity

APP_ROOT_MARKERS = frozenset(
    {
        'pyproject.toml',
        'setup.py',
        'setup.cfg',
        'requirements.txt',
        'Pipfile',
        'manage.py',
        'package.json',
        'go.mod',
        'Cargo.toml',
        'Gemfile',
        'composer.json',
        'pom.xml',
        'build.gradle',
        'build.gradle.kts',
        'mix.exs',
        'Dockerfile',
        'docker-compose.yml',
        'docker-compose.yaml',
        'compose.yml',
        'compose.yaml',
    }
)
BLOCK_BEGIN = '# >>> guard: keep env files and keys out of git (guard check gitignore --fix)'
BLOCK_END = '# <<< guard'
PROBE_STEM = 'guard-probe'


@dataclasses.dataclass(frozen=True, slots=True)
class Candidate:
    """A file that must be ignored in a directory: the name git is asked about, and the pattern
    that ignores it (the fix)."""

    directory: str
    probe: str
    pattern: str
    severity: Severity

    @property
    def path(self) -> str:
        return join(self.directory, self.probe)


def check(ws: Workspace) -> CheckResult:
    if ws.git_top is None:
        return CheckResult(notes=('gitignore: skipped, not a git repository',))
    findings, fixes, asked = evaluate(ws)
    notes = [f'gitignore: {asked} paths asked of git check-ignore']
    if ws.options.fix and fixes:
        notes += apply_fixes(ws.root, fixes)
        findings, _, _ = evaluate(ws)
    return CheckResult(findings=tuple(findings), notes=tuple(notes))


def evaluate(ws: Workspace) -> tuple[list[Finding], dict[str, list[str]], int]:
    """Findings, the patterns `--fix` would append to each .gitignore, and how many paths
    git was asked about."""
    directories = app_directories(ws.files, ws.templates, ws.env.templates)
    candidates = list(env_candidates(directories, [*ENV_FILE_PATTERNS, *ws.env.files], Severity.HIGH))
    candidates += env_candidates(directories, ws.env.key_files, Severity.MEDIUM)
    tracked = git.tracked_files(ws.root)
    tracked_env = [p for p in tracked if is_env_file(p, ws) and p not in ws.templates]
    asked = list(dict.fromkeys([*(c.path for c in candidates), *ws.templates, *tracked_env]))
    matches = git.check_ignore(ws.root, asked)
    fixes: dict[str, list[str]] = {}
    findings = list(missing_findings(candidates, matches, fixes))
    findings += template_findings(ws.templates, matches, set(tracked), fixes)
    findings += tracked_findings(tracked_env, matches)
    return findings, fixes, len(asked)


def app_directories(files: Iterable[str], templates: Iterable[str], template_names: Sequence[str]) -> list[str]:
    """The root, and every directory holding an env template or an app root marker."""
    found = {'.'}
    found.update(parent(p) for p in templates)
    found.update(parent(p) for p in files if p.rsplit('/', 1)[-1] in APP_ROOT_MARKERS)
    return sorted(found)


def env_candidates(directories: Iterable[str], patterns: Iterable[str], severity: Severity) -> list[Candidate]:
    out = []
    for directory in directories:
        for pattern in dict.fromkeys(patterns):
            for probe in probes(pattern):
                out.append(Candidate(directory, probe, pattern, severity))
    return out


def probes(pattern: str) -> list[str]:
    """Names to ask git about for a pattern: the pattern itself when literal, else examples."""
    if pattern == '.env.*.local':
        return [p for p in ENV_FILE_PROBES if fnmatch.fnmatchcase(p, pattern)]
    if any(c in pattern for c in '*?['):
        return [pattern.replace('**/', '').replace('*', PROBE_STEM).replace('?', 'x')]
    return [pattern.strip('/')]


def is_env_file(path: str, ws: Workspace) -> bool:
    name = path.rsplit('/', 1)[-1]
    patterns = (*ENV_FILE_PATTERNS, *ws.env.files, *ws.env.key_files)
    return any(fnmatch.fnmatchcase(path if '/' in p else name, p.lstrip('/')) for p in patterns)


def missing_findings(
    candidates: Sequence[Candidate], matches: dict[str, git.IgnoreMatch | None], fixes: dict[str, list[str]]
) -> Iterable[Finding]:
    """One finding per kind (env or key files), cause and set of directories, naming the
    patterns that are missing."""
    missing: dict[tuple[str, git.IgnoreMatch | None], list[Candidate]] = {}
    for candidate in candidates:
        match = matches.get(candidate.path)
        if match is None or not match.ignored:
            missing.setdefault((candidate.pattern, match), []).append(candidate)
    groups: dict[tuple[Severity, git.IgnoreMatch | None, tuple[str, ...]], list[str]] = {}
    for (pattern, negation), group in missing.items():
        directories = tuple(dict.fromkeys(c.directory for c in group))
        groups.setdefault((group[0].severity, negation, directories), []).append(pattern)
    for (severity, negation, directories), patterns in groups.items():
        where = _directories(directories)
        kind = 'key files' if severity < Severity.HIGH else 'env files'
        shown = ', '.join(f'`{p}`' for p in patterns)
        if negation is None:
            fixes.setdefault('.gitignore', []).extend(patterns)
            message = (
                f'{kind} {shown} are not ignored in {where}: add them to .gitignore '
                '(guard check gitignore --fix does it)'
            )
            path = '.gitignore'
            line = None
        else:
            message = (
                f'{kind} {shown} in {where} are re-included by `{negation.pattern}` '
                f'({negation.source}:{negation.line}): remove that line, they must stay ignored'
            )
            path, line = negation.source, negation.line
        yield Finding(rule_id='gitignore-missing', severity=severity, message=message, path=path, line=line)


def template_findings(
    templates: Iterable[str], matches: dict[str, git.IgnoreMatch | None], tracked: set[str], fixes: dict[str, list[str]]
) -> Iterable[Finding]:
    for template in templates:
        match = matches.get(template)
        if match is None or not match.ignored:
            continue
        name = template.rsplit('/', 1)[-1]
        status = (
            'it is tracked, so edits still reach git, but a fresh copy would not be added'
            if template in tracked
            else 'so it never reaches the repository'
        )
        fixes.setdefault(_negation_target(match), []).append(f'!{name}')
        yield Finding(
            rule_id='env-template-ignored',
            severity=Severity.MEDIUM,
            path=template,
            line=None,
            message=(
                f'env template is ignored by `{match.pattern}` ({match.source}:{match.line}), {status}: '
                f'add `!{name}` after that pattern'
            ),
        )


def tracked_findings(tracked_env: Iterable[str], matches: dict[str, git.IgnoreMatch | None]) -> Iterable[Finding]:
    for path in tracked_env:
        match = matches.get(path)
        covered = (
            ' .gitignore covers it now, but git keeps tracking files it already has;'
            if match is not None and match.ignored
            else ''
        )
        yield Finding(
            rule_id='env-file-tracked',
            severity=Severity.HIGH,
            path=path,
            line=None,
            message=(
                f'env file is tracked by git:{covered} run `git rm --cached {path}`, ignore it, '
                'and rotate every secret it held (it stays in history)'
            ),
        )


def _negation_target(match: git.IgnoreMatch) -> str:
    """Where a `!template` line re-includes a template: after the ignoring pattern in its own
    .gitignore; the root .gitignore beats .git/info/exclude and global excludes."""
    source = match.source
    if source.endswith('.gitignore') and not Path(source).is_absolute() and not source.startswith('..'):
        return source
    return '.gitignore'


def _directories(directories: Iterable[str]) -> str:
    names = [f'{d}/' if d != '.' else 'the root' for d in directories]
    shown = ', '.join(names[:5])
    return shown + (f' and {len(names) - 5} more' if len(names) > 5 else '')


def apply_fixes(root: Path, fixes: dict[str, list[str]]) -> list[str]:
    """Append each file's patterns in guard's marked block; returns notes of what changed."""
    notes = []
    for relative, patterns in sorted(fixes.items()):
        path = root / relative
        try:
            old = path.read_bytes().decode('utf-8', 'surrogateescape') if path.exists() else ''
            new = with_patterns(old, patterns)
            if new != old:
                path.write_bytes(new.encode('utf-8', 'surrogateescape'))
                added = [p for p in dict.fromkeys(patterns) if p not in _lines(old)]
                notes.append(f'fixed: added {", ".join(added)} to {relative}')
        except OSError as e:
            notes.append(f'could not fix {relative}: {e.strerror}')
    return notes


def with_patterns(text: str, patterns: Iterable[str]) -> str:
    """`text` with the patterns it lacks appended inside guard's block: idempotent, keeps the
    file's line endings, never removes a line."""
    present = _lines(text)
    todo = [p for p in dict.fromkeys(patterns) if p not in present]
    if not todo:
        return text
    newline = '\r\n' if text.count('\r\n') * 2 > text.count('\n') else '\n'
    lines = text.splitlines(keepends=True)
    end = next((i for i, line in enumerate(lines) if line.strip() == BLOCK_END), None)
    has_begin = any(line.strip() == BLOCK_BEGIN for line in lines[:end])
    if end is not None and has_begin:
        lines[end:end] = [p + newline for p in todo]
        return ''.join(lines)
    if text and not text.endswith(('\n', '\r')):
        text += newline
    block = [BLOCK_BEGIN, *todo, BLOCK_END]
    return text + ''.join(line + newline for line in block)


def _lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines()}
