"""`guard check gitignore`: env files and keys are ignored, templates are not, nothing env is tracked.

git itself decides (`git check-ignore`), so nested .gitignore files, .git/info/exclude,
core.excludesFile and negations count exactly as git counts them.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from guard import git
from guard.checks.envfiles import ENV_FILE_PATTERNS, file_kind, is_local_name
from guard.checks.workspace import (
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
    result = evaluate(ws)
    notes = [f'gitignore: {result.asked} paths asked of git check-ignore ({result.existing} env or key files found)']
    if ws.options.fix and result.fixes:
        notes += apply_fixes(ws.root, result.fixes)
        result = evaluate(ws)
    return CheckResult(findings=tuple(result.findings), notes=(*notes, *result.notes))


@dataclasses.dataclass(frozen=True)
class Evaluation:
    findings: list[Finding]
    fixes: dict[str, list[str]]  # .gitignore file → patterns `--fix` appends
    notes: list[str]
    asked: int  # paths asked of git check-ignore
    existing: int  # env and key files found in the work tree and the index


def evaluate(ws: Workspace) -> Evaluation:
    """What exists first (every env-like and key file in the work tree and the index, judged
    by git), then the patterns the seeds' layout needs in each app directory. Key-file patterns
    for files that do not exist are advice in the receipt, not findings."""
    directories = app_directories(ws.files, ws.templates, ws.env.templates)
    candidates = env_candidates(directories, [*ENV_FILE_PATTERNS, *ws.env.files], Severity.HIGH)
    advice = env_candidates(directories, ws.env.key_files, Severity.MEDIUM)
    tracked = set(git.tracked_files(ws.root))
    templates = set(ws.templates)
    existing = [p for p in ws.present_files if p not in templates and file_kind(p, ws) is not None]
    asked = list(dict.fromkeys([*(c.path for c in (*candidates, *advice)), *ws.templates, *existing]))
    matches = git.check_ignore(ws.root, asked)
    fixes: dict[str, list[str]] = {}
    notes: list[str] = []
    findings = list(missing_findings(candidates, matches, fixes))
    findings += template_findings(ws.templates, matches, tracked, fixes)
    findings += existing_findings(ws, existing, tracked, matches, fixes, notes)
    notes += personal_notes([c for c in candidates if c.path not in tracked], matches)
    notes += advice_notes(advice, matches)
    return Evaluation(findings, fixes, notes, len(asked), len(existing))


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


def fix_pattern(path: str, ws: Workspace) -> str:
    """The .gitignore line that ignores a file of this kind: the configured key-file pattern
    that matches it, else its own name (`.env.*` would ignore the templates too)."""
    name = path.rsplit('/', 1)[-1]
    for pattern in ws.env.key_files:
        if fnmatch.fnmatchcase(name, pattern.strip('/')):
            return pattern
    return name


def is_shared(match: git.IgnoreMatch) -> bool:
    """A pattern every clone has: a committed .gitignore, not .git/info/exclude or a global
    excludes file (those are personal, so a teammate is not covered)."""
    source = match.source
    return (
        source.rsplit('/', 1)[-1] == '.gitignore'
        and not Path(source).is_absolute()
        and not source.startswith(('../', '.git/'))
    )


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


def existing_findings(
    ws: Workspace,
    existing: Iterable[str],
    tracked: set[str],
    matches: dict[str, git.IgnoreMatch | None],
    fixes: dict[str, list[str]],
    notes: list[str],
) -> Iterator[Finding]:
    """Each env or key file that exists, judged by the pattern git says decides it."""
    for path in existing:
        match = matches.get(path)
        kind = 'key file' if file_kind(path, ws) == 'key' else 'env file'
        deliberate = match is not None and not match.ignored and kind == 'env file' and not is_local_name(path, ws)
        if path in tracked:
            if deliberate:
                assert match is not None
                notes.append(
                    f'gitignore: {path} is tracked on purpose (re-included by `{match.pattern}`, '
                    f'{match.source}:{match.line}); guard scan judges its values'
                )
                continue
            yield _tracked(path, kind, match)
        elif match is None:
            pattern = fix_pattern(path, ws)
            fixes.setdefault('.gitignore', []).append(pattern)
            yield Finding(
                rule_id='env-file-not-ignored',
                severity=Severity.HIGH if kind == 'env file' else Severity.MEDIUM,
                path=path,
                line=None,
                message=(
                    f'{kind} is not ignored: `git status` lists it as untracked (??) and `git add .` '
                    f'would commit it: add `{pattern}` to .gitignore (guard check gitignore --fix does it)'
                ),
            )
        elif not match.ignored:
            if deliberate:
                notes.append(
                    f'gitignore: {path} is not ignored on purpose (re-included by `{match.pattern}`, '
                    f'{match.source}:{match.line}): it is meant to be committed'
                )
                continue
            yield Finding(
                rule_id='env-file-not-ignored',
                severity=Severity.HIGH if kind == 'env file' else Severity.MEDIUM,
                path=match.source,
                line=match.line,
                message=(
                    f'{kind} {path} is re-included by `{match.pattern}` ({match.source}:{match.line}) '
                    'and `git add .` would commit it: remove that line'
                ),
            )
        elif not is_shared(match):
            notes.append(
                f'gitignore: {path} is ignored only by {match.source}:{match.line} (`{match.pattern}`), '
                f'a personal ignore file: a teammate is not covered; add `{fix_pattern(path, ws)}` to .gitignore'
            )


def _tracked(path: str, kind: str, match: git.IgnoreMatch | None) -> Finding:
    covered = (
        ' .gitignore covers it now, but git keeps tracking files it already has;'
        if match is not None and match.ignored
        else ''
    )
    return Finding(
        rule_id='env-file-tracked',
        severity=Severity.HIGH,
        path=path,
        line=None,
        message=(
            f'{kind} is tracked by git:{covered} run `git rm --cached {path}`, ignore it, '
            'and rotate every secret it held (it stays in history)'
        ),
    )


def personal_notes(candidates: Sequence[Candidate], matches: dict[str, git.IgnoreMatch | None]) -> Iterator[str]:
    """Required patterns that only a personal ignore file supplies."""
    personal: dict[tuple[str, str], list[str]] = {}
    for candidate in candidates:
        match = matches.get(candidate.path)
        if match is not None and match.ignored and not is_shared(match):
            personal.setdefault((candidate.pattern, match.source), []).append(candidate.directory)
    for (pattern, source), directories in personal.items():
        yield (
            f'gitignore: `{pattern}` in {_directories(dict.fromkeys(directories))} is ignored only by {source}, '
            'a personal ignore file: a teammate is not covered; add it to .gitignore'
        )


def advice_notes(advice: Sequence[Candidate], matches: dict[str, git.IgnoreMatch | None]) -> Iterator[str]:
    """Key-file patterns .gitignore lacks, while no such file exists (one that exists is a finding)."""
    missing = [c.pattern for c in advice if (m := matches.get(c.path)) is None or not m.ignored]
    if missing:
        shown = ', '.join(f'`{p}`' for p in dict.fromkeys(missing))
        yield f'gitignore: advice: no key file exists, but .gitignore does not cover {shown} should one appear'


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
