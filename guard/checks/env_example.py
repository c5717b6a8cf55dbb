"""`guard check env-example`: templates parse cleanly, document every key, hold only
placeholders, and agree with the local env files and with the code.

Local env files are compared by key names only: their values are never read into a finding.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterable, Iterator, Sequence

from guard import dotenv
from guard.checks import env_usage as usage_mod
from guard.checks import exposure
from guard.checks.schema_model import Schema
from guard.checks.workspace import CheckResult, Workspace, join, parent
from guard.filters import glob_to_regex
from guard.models import Finding, Fragment, Severity
from guard.sources import decode_text

_DOC_ROW = re.compile(r'^\s*(?:\||[-*+]\s|\d+[.)]\s)')
_BACKTICKED = re.compile(r'`\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:=[^`]*)?`')
KEY_SHOWN = 60


def check(ws: Workspace) -> CheckResult:
    templates = ws.templates
    if not templates:
        names = ', '.join(ws.env.templates)
        return CheckResult(notes=(f'env-example: no env template found ({names})',))
    schema, notes = _schema(ws)
    parsed = {t: dotenv.parse_bytes(ws.read(t) or b'') for t in templates}
    docs = DocsIndex(ws)
    findings: list[Finding] = []
    usages = usage_mod.collect(ws)
    described = {u.name for u in usages.found if u.documented}
    for template, env in parsed.items():
        findings += lint(env, template)
        findings += undocumented(env, template, docs, schema, described)
        findings += local_drift(ws, template, env)
    findings += placeholder_findings(ws, templates)
    drift: list[str] = []
    findings += code_drift(ws, parsed, usages, drift)
    if schema is not None:
        findings += schema_drift(ws, schema, parsed)
    findings += exposure.public_findings(ws, [*templates, *ws.env_files], usages.found)
    findings += exposure.default_findings(usages.found, schema)
    return CheckResult(findings=tuple(findings), notes=(*notes, *drift))


def _schema(ws: Workspace) -> tuple[Schema | None, tuple[str, ...]]:
    """The schema, when one is configured or present: descriptions count as documentation."""
    from guard.checks.env_schema import schema_path
    from guard.checks.schema_model import load_schema

    path = schema_path(ws)
    if path is None or not path.is_file():
        return None, ()
    return load_schema(path, ws.relative(path)), ()


# --- lint -----------------------------------------------------------------------------------


def lint(env: dotenv.DotEnv, path: str) -> Iterator[Finding]:
    """What dotenv-linter flags, plus every statement python-dotenv would skip."""
    for problem in env.problems:
        yield _finding('env-example-lint-parse', Severity.MEDIUM, problem.message, path, problem.line)
    first: dict[str, int] = {}
    for entry in env.entries:
        key = _shown(entry.key)
        if entry.key in first:
            yield _finding(
                'env-example-lint-duplicate',
                Severity.MEDIUM,
                f'{key} is set again (first at line {first[entry.key]}): the last one wins',
                path,
                entry.line,
            )
        first.setdefault(entry.key, entry.line)
        if not dotenv.VALID_NAME.fullmatch(entry.key):
            yield _finding(
                'env-example-lint-invalid-name',
                Severity.MEDIUM,
                f'{key} is not a valid variable name: use letters, digits and _, not starting with a digit',
                path,
                entry.line,
            )
        elif entry.key != entry.key.upper():
            yield _finding(
                'env-example-lint-lowercase',
                Severity.LOW,
                f'{key} has lowercase letters: env names are upper case by convention',
                path,
                entry.line,
            )
        if entry.spaced:
            yield _finding(
                'env-example-lint-spaces',
                Severity.LOW,
                f'{key}: spaces around `=`: write {key}=value (shells and docker reject the spaced form)',
                path,
                entry.line,
            )
        if entry.value is None:
            yield _finding(
                'env-example-lint-no-value',
                Severity.LOW,
                f'{key} has no `=`: write {key}= for an empty value (python-dotenv reads it as unset)',
                path,
                entry.line,
            )
        elif not entry.quote and re.search(r'\s', entry.value):
            yield _finding(
                'env-example-lint-unquoted',
                Severity.LOW,
                f'{key}: value with spaces is not quoted: wrap it in double quotes',
                path,
                entry.line,
            )


# --- documentation --------------------------------------------------------------------------


class DocsIndex:
    """Keys that docs files name in backticks in a table row or a list item."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.patterns = list(ws.env.docs)
        self._keys: dict[str, set[str]] = {}

    @functools.cached_property
    def candidates(self) -> list[str]:
        """Files whose name could match a docs glob: the only ones worth matching paths against."""
        names = [p.rsplit('/', 1)[-1] for p in self.patterns]
        return [f for f in self.ws.files if any(fnmatch.fnmatchcase(f.rsplit('/', 1)[-1], n) for n in names)]

    def files_for(self, template: str) -> list[str]:
        """Docs files at the root and beside the template, matching the configured globs."""
        directory = parent(template)
        regexes = [re.compile(glob_to_regex('/' + p.lstrip('/'))) for p in self.patterns]
        if directory != '.':
            regexes += [re.compile(glob_to_regex('/' + join(directory, p.lstrip('/')))) for p in self.patterns]
        return [f for f in self.candidates if any(r.match(f) for r in regexes)]

    def keys(self, path: str) -> set[str]:
        if path not in self._keys:
            data = self.ws.read(path)
            text = decode_text(data) if data is not None else None
            self._keys[path] = documented_keys(text or '')
        return self._keys[path]


def documented_keys(markdown: str) -> set[str]:
    return {m.group(1) for line in markdown.splitlines() if _DOC_ROW.match(line) for m in _BACKTICKED.finditer(line)}


def undocumented(
    env: dotenv.DotEnv, path: str, docs: DocsIndex, schema: Schema | None, fields: Iterable[str] = ()
) -> Iterator[Finding]:
    """Keys with no comment, docs row, schema description or settings Field(description=...)."""
    doc_files = docs.files_for(path)
    described = {v.name for v in schema.variables if v.description} if schema is not None else set()
    described.update(fields)
    documented = set().union(*(docs.keys(f) for f in doc_files)) if doc_files else set()
    for key, entry in env.last().items():
        if entry.comment or entry.inline_comment or key in documented or key in described:
            continue
        looked = ['a comment above or after it']
        shown_docs = ', '.join(doc_files[:4]) + (' …' if len(doc_files) > 4 else '')
        looked.append(
            f'a table or list row naming `{_shown(key)}` in {shown_docs}'
            if doc_files
            else f'docs files (none found: {", ".join(docs.patterns) or "env.docs is empty"})'
        )
        if schema is not None:
            looked.append(f'a description in {schema.path}')
        looked.append('a Field(description=...) in a settings class')
        yield _finding(
            'env-example-undocumented',
            Severity.LOW,
            f'{_shown(key)} is undocumented: looked for ' + '; '.join(looked),
            path,
            entry.line,
        )


# --- placeholders ---------------------------------------------------------------------------


def placeholder_findings(ws: Workspace, templates: Iterable[str]) -> Iterator[Finding]:
    """A value the secret scanner flags is a real secret in a template: the classic leak."""
    scanner = ws.scanner
    for template in templates:
        data = ws.read(template)
        text = decode_text(data) if data is not None else None
        if text is None:
            continue
        for found in scanner.scan(Fragment(path=template, text=text.replace('\r\n', '\n'))):
            yield Finding(
                rule_id='env-example-secret',
                severity=max(found.severity, Severity.HIGH),
                message=(
                    f'a real-looking secret ({found.rule_id}) in a template: replace it with a '
                    'placeholder, and rotate it if it was ever real'
                ),
                path=template,
                line=found.line,
                preview=found.preview,
                secret_hash=found.secret_hash,
                secret_sha1=found.secret_sha1,
                confidence=found.confidence,
                column=found.column,
                end_column=found.end_column,
                allowed=found.allowed,
            )


# --- drift ----------------------------------------------------------------------------------


def local_drift(ws: Workspace, template: str, env: dotenv.DotEnv) -> Iterator[Finding]:
    """The local env files beside a template against it, by key name only."""
    directory = parent(template)
    local: dict[str, str] = {}
    present = []
    for name in ws.env.local_files:
        path = join(directory, name)
        data = ws.read(path)
        if data is None:
            continue
        present.append(path)
        for key in dotenv.parse_bytes(data).names():
            local.setdefault(key, path)
    if not present:
        return
    template_keys = set(env.names())
    for key, path in local.items():
        if key not in template_keys:
            yield _finding(
                'env-missing-in-template',
                Severity.MEDIUM,
                f'{_shown(key)} is set in {path} but missing from the template: add it with a placeholder',
                template,
                None,
            )
    unset = [_shown(key) for key in env.names() if key not in local]
    if unset:
        yield _finding(
            'env-missing-in-local',
            Severity.LOW,
            f'{len(unset)} keys of {template} are not set in {" or ".join(present)}: {", ".join(unset)}',
            present[0],
            None,
        )


def template_for(path: str, templates: Sequence[str], ws: Workspace) -> str | None:
    """The template that covers a code file: a configured scope, else the nearest one up the tree."""
    best = None
    for directory, template in ws.env.scopes.items():
        prefix = directory.strip('/')
        inside = prefix in ('', '.') or path == prefix or path.startswith(prefix + '/')
        if inside and (best is None or len(prefix) > len(best[0])):
            best = (prefix, template.strip('/'))
    if best is not None:
        return best[1]
    by_dir: dict[str, str] = {}
    for template in templates:
        by_dir.setdefault(parent(template), template)
    directory = parent(path)
    while True:
        if directory in by_dir:
            return by_dir[directory]
        if directory == '.':
            return None
        directory = parent(directory)


def code_drift(
    ws: Workspace, parsed: dict[str, dotenv.DotEnv], usages: usage_mod.Usages, notes: list[str]
) -> Iterator[Finding]:
    templates = sorted(
        parsed,
        key=lambda t: (
            [n for n in ws.env.templates].index(t.rsplit('/', 1)[-1])
            if t.rsplit('/', 1)[-1] in ws.env.templates
            else 99
        ),
    )
    scoped: dict[str, list[usage_mod.Usage]] = {t: [] for t in parsed}
    code_files: dict[str, int] = dict.fromkeys(parsed, 0)
    by_directory: dict[str, str | None] = {}

    def covering(path: str) -> str | None:
        directory = parent(path)
        if directory not in by_directory:
            by_directory[directory] = template_for(path, templates, ws)
        return by_directory[directory]

    outside_files = []
    for path in usages.code_files:
        template = covering(path)
        if template in code_files:
            code_files[template] += 1
        elif template is None:
            outside_files.append(path)
    outside: list[usage_mod.Usage] = []
    for found in usages.found:
        template = covering(found.path)
        if template in scoped:
            scoped[template].append(found)
        elif template is None:
            outside.append(found)
    weak_anywhere = [u for u in usages.found if not u.strong]
    for template, env in parsed.items():
        yield from _missing_reads(ws, template, env, scoped[template])
        if ws.env.unused and code_files[template]:
            used = [*scoped[template], *weak_anywhere, *outside]
            yield from _unused_keys(ws, template, env, used, code_files[template])
    if outside_files:
        yield from _outside_reads(ws, parsed, outside, outside_files, notes)


def _outside_reads(
    ws: Workspace,
    parsed: dict[str, dotenv.DotEnv],
    found: list[usage_mod.Usage],
    files: list[str],
    notes: list[str],
) -> Iterator[Finding]:
    """Code outside every template's folder (a root compose file, root scripts): each file is
    checked against the templates of the app directories it names (`apps/backend`), else
    against all of them; a strong read none of them holds is missing."""
    by_file: dict[str, list[usage_mod.Usage]] = {}
    for use in found:
        if use.strong and not usage_mod.is_platform_key(use.name.upper(), ws.env.ignore_keys):
            by_file.setdefault(use.path, []).append(use)
    against: set[str] = set()
    for path, uses in sorted(by_file.items()):
        data = ws.read(path, usage_mod.MAX_CODE_FILE, keep=False)
        text = decode_text(data) if data is not None else None
        named = [t for t in parsed if parent(t) != '.' and text is not None and parent(t) in text]
        candidates = named or list(parsed)
        against.update(candidates)
        keys = [k for t in candidates for k in parsed[t].names()]
        reported: set[str] = set()
        for use in sorted(uses, key=lambda u: u.line):
            if use.name in reported or any(use.matches(k) for k in keys):
                continue
            reported.add(use.name)
            shown = ', '.join(candidates)
            yield _finding(
                'env-missing-in-template',
                Severity.MEDIUM,
                f"{_shown(use.name)} is read here, outside every template's folder, but is in none of {shown}: "
                'add it to the template of the app that needs it',
                use.path,
                use.line,
            )
    listed = ', '.join(files[:5]) + (f' and {len(files) - 5} more' if len(files) > 5 else '')
    checked = f'checked against {", ".join(sorted(against))}' if against else 'no env reads in them'
    notes.append(f"env-example: {len(files)} code files outside every template's folder ({listed}): {checked}")


def _missing_reads(ws: Workspace, template: str, env: dotenv.DotEnv, found: list[usage_mod.Usage]) -> Iterator[Finding]:
    keys = set(env.names())
    upper = {k.upper() for k in keys}
    reported: dict[str, list[usage_mod.Usage]] = {}
    for use in sorted(found, key=lambda u: (u.path, u.line)):
        if not use.strong or usage_mod.is_platform_key(use.name.upper(), ws.env.ignore_keys):
            continue
        names = (use.name, *use.alternatives)
        if not any(n in keys if use.case_sensitive else n.upper() in upper for n in names):
            reported.setdefault(use.name, []).append(use)
    for name, uses in reported.items():
        more = f' (and {len(uses) - 1} more places)' if len(uses) > 1 else ''
        first = uses[0]
        yield _finding(
            'env-missing-in-template',
            Severity.MEDIUM,
            f'{_shown(name)} is read here but missing from {template}{more}: '
            'add it there with a placeholder and a comment',
            first.path,
            first.line,
        )


def _unused_keys(
    ws: Workspace, template: str, env: dotenv.DotEnv, found: list[usage_mod.Usage], files: int
) -> Iterator[Finding]:
    interpolated = {name for e in env.entries if e.value for name in dotenv.references(e.value)}
    directory = parent(template)
    scope = 'the repository' if directory == '.' else f'{directory}/'
    # the names read, as sets: Usage.matches per key and use costs keys × uses
    exact = {n for use in found if use.case_sensitive for n in (use.name, *use.alternatives)}
    folded = {n.upper() for use in found if not use.case_sensitive for n in (use.name, *use.alternatives)}
    for key, entry in env.last().items():
        if key in interpolated or usage_mod.is_platform_key(key, ws.env.ignore_keys):
            continue
        if key in exact or key.upper() in folded:
            continue
        yield _finding(
            'env-unused',
            Severity.LOW,
            f'{_shown(key)} is in the template but nothing reads it (looked in {files} code files under '
            f'{scope}): remove it, or list it in env.ignore_keys',
            template,
            entry.line,
        )


def schema_drift(ws: Workspace, schema: Schema, parsed: dict[str, dotenv.DotEnv]) -> Iterator[Finding]:
    """Required schema variables missing from the template beside the schema (or the root one)."""
    schema_dir = parent(schema.path)
    template = next((t for t in parsed if parent(t) == schema_dir), None) or next(
        (t for t in parsed if parent(t) == '.'), None
    )
    if template is None:
        return
    keys = set(parsed[template].names())
    for variable in schema.variables:
        if variable.name not in keys and (
            variable.required or any(p.get('required') for p in variable.profiles.values())
        ):
            yield _finding(
                'env-missing-in-template',
                Severity.MEDIUM,
                f'{variable.name} is required by {schema.path} but missing from the template '
                '(guard env example writes one from the schema)',
                template,
                None,
            )


def _finding(rule_id: str, severity: Severity, message: str, path: str, line: int | None) -> Finding:
    return Finding(rule_id=rule_id, severity=severity, message=message, path=path, line=line)


def _shown(key: str) -> str:
    key = key.encode('ascii', 'backslashreplace').decode()
    return key if len(key) <= KEY_SHOWN else key[:KEY_SHOWN] + '…'
