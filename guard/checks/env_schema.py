"""`guard check env-schema`: validate the environment and env files against env.schema.yaml
(turned into a pydantic-settings model) or a project's own BaseSettings class.

pydantic and pydantic_settings are imported only inside the functions that need them: the
scan path imports guard.checks and must not pay for them. pydantic's raw error text is never
printed, because it echoes input values: messages are built from each error's location and
message, and every value shown is masked.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import ipaddress
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from guard import dotenv
from guard.brief import clip
from guard.checks import settings_class
from guard.checks.schema_model import Schema, Variable, describe, load_schema
from guard.checks.workspace import SCHEMA_FILE, CheckResult, Workspace
from guard.errors import InputError, UsageError
from guard.models import Finding, Severity
from guard.redact import preview

if TYPE_CHECKING:
    pass

DEFAULT_MIN_ENTROPY = 3.0  # bits per character; 32 random hex digits score about 3.8
TLS_PARAMS = ('sslmode', 'ssl', 'ssl-mode', 'ssl_mode', 'tls')
TLS_ON = ('require', 'required', 'verify-ca', 'verify-full', 'verify_ca', 'verify_full', 'verify_identity', 'true', '1')
NEON_SUFFIX = '.neon.tech'
GENERATE_HINT = "generate one: python -c 'import secrets; print(secrets.token_urlsafe(48))'"


@dataclasses.dataclass(frozen=True, slots=True)
class Supplied:
    """A value and where it came from: an env file and line, or 'environment'."""

    value: str
    source: str
    line: int | None = None
    secret_file: bool = False  # from a secrets directory, which holds more than the app reads

    @property
    def where(self) -> str:
        return f'{self.source}:{self.line}' if self.line else self.source


@dataclasses.dataclass(frozen=True)
class Sources:
    values: dict[str, Supplied]
    files: tuple[str, ...]  # env files read, in order
    environ: bool  # the process environment was included
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = list(self.files) + (['the environment'] if self.environ else [])
        return ', '.join(parts) or 'no source'


# --- entry point ----------------------------------------------------------------------------


def schema_path(ws: Workspace) -> Path | None:
    if ws.options.schema is not None:
        return ws.options.schema
    if ws.env.schema:
        return ws.config.root / ws.env.schema
    for base in dict.fromkeys((ws.cwd, ws.config.root, ws.root)):
        if (base / SCHEMA_FILE).is_file():
            return base / SCHEMA_FILE
    return None


def check(ws: Workspace) -> CheckResult:
    options = ws.options
    if options.schema is not None and options.settings:
        raise UsageError('pass either --schema or --settings, not both')
    settings = options.settings or (None if options.schema is not None else ws.env.settings)
    path = None if settings else schema_path(ws)
    if settings is None and path is None:
        # nothing to check passes, named or not: the recommended hook set runs this hook in
        # every repository, and one without a schema must still be able to commit
        return CheckResult(
            notes=(
                f'env-schema: skipped, no {SCHEMA_FILE} (nothing to check: add one, pass --schema FILE or '
                '--settings module:Class, or set env.schema / env.settings in .guard.yaml)',
            )
        )
    app_dir = settings_class.app_directory(ws, settings) if settings else None
    sources = gather(ws, app_dir)
    if settings:
        what = settings
    else:
        assert path is not None
        schema = load_schema(path, ws.relative(path))
        what = schema.path
    if not sources.files and not sources.environ:
        # --no-environ and no env file here (a pre-commit hook on a machine without a .env): the
        # schema or settings class is loaded, so a broken one fails, but no value is judged
        # missing: there is none to judge.
        if settings:
            assert app_dir is not None
            settings_class.probe(settings, app_dir, {}, 'describe')
        looked = ', '.join(ws.env.env_files or ws.env.local_files)
        return CheckResult(
            notes=(
                *sources.notes,
                f'env-schema: {what} loaded; no env file to validate ({looked} '
                'not found) and the environment is off (--no-environ)',
            )
        )
    if settings:
        assert app_dir is not None
        findings, extra = validate_settings_isolated(ws, settings, app_dir, sources)
        notes = (f'env-schema: {what} (from {ws.relative(app_dir)}) against {sources.describe()} only', *extra)
    else:
        environment = choose_environment(ws, schema, sources)
        findings = validate_schema(schema, sources, environment)
        profile = f' ({environment})' if environment else ''
        notes = (f'env-schema: {what}{profile} against {sources.describe()}',)
    return CheckResult(findings=(*sources.findings, *findings), notes=(*sources.notes, *notes))


def validate_settings_isolated(
    ws: Workspace, ref: str, app_dir: Path, sources: Sources
) -> tuple[list[Finding], list[str]]:
    """The class validated in a child that sees only `sources` (settings_probe.py)."""
    values = {name: s.value for name, s in sources.values.items()}
    answer = settings_class.probe(ref, app_dir, values, 'validate')
    if 'errors' not in answer:  # no verdict is never a pass
        raise InputError(f'cannot validate {ref!r}: the settings probe gave no result; run the app to see why')
    findings: list[Finding] = []
    notes: list[str] = []
    for described, outcome in [(answer['class'], answer), *((o['class'], o) for o in answer.get('others', []))]:
        names = settings_class.resolve_names(described['env_names'], values, bool(described.get('case_sensitive')))
        path, line = settings_class.declared_path(ws, described)
        errors = outcome.get('errors') or []
        findings += _error_findings(errors, names, sources, {}, Declared(path, line=line), foreign=True)
        if outcome.get('crash'):
            findings.append(settings_class.crash_finding(ws, described, outcome['crash'], sources.describe()))
    if answer.get('import_problem'):
        from guard.redact import redact_secrets

        notes.append(
            f'env-schema: importing {ref} stopped after its settings failed validation '
            f'({clip(redact_secrets(str(answer["import_problem"])))}); the failures are reported'
        )
    notes += settings_class.source_notes(answer.get('overridden_sources') or [])
    return findings, notes


def choose_environment(ws: Workspace, schema: Schema, sources: Sources) -> str | None:
    """--environment, else the config's, else the value of the schema's environment_variable."""
    environment = ws.options.environment or ws.env.environment
    if environment is None and schema.environment_variable:
        supplied = sources.values.get(schema.environment_variable)
        environment = supplied.value if supplied is not None else None
        if environment is not None and schema.environments and environment not in schema.environments:
            return None  # an invalid ENVIRONMENT is reported by its own validation
    elif environment is not None and schema.environments and environment not in schema.environments:
        raise UsageError(
            f'unknown environment {environment!r}: {schema.path} declares {", ".join(schema.environments)}'
        )
    return environment


# --- sources --------------------------------------------------------------------------------


def gather(ws: Workspace, app_dir: Path | None = None) -> Sources:
    """Env files in order (later wins), then the process environment over them, as
    pydantic-settings ranks them. Files are parsed with interpolation off. A settings class's
    local files are the ones in its app directory."""
    explicit = bool(ws.options.env_files)
    paths = list(ws.options.env_files) or [ws.config.root / p for p in ws.env.env_files]
    local = not paths and ws.options.environ is False
    if local:
        # Without the environment, the files the app reads locally (env.local_files at the root)
        # that exist: the pre-commit hook's default, since a hook's environment is the developer's shell.
        paths = [(app_dir or ws.root) / p for p in ws.env.local_files]
    values: dict[str, Supplied] = {}
    files: list[str] = []
    findings: list[Finding] = []
    notes: list[str] = []
    asked = secrets_dirs(ws)
    for directory in asked:  # lowest first: every env file wins over them
        values.update(read_secrets_dir(ws, directory))
        files.append(f'{ws.relative(directory)}/')
    for path in paths:
        shown = ws.relative(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            if explicit:
                raise InputError(f'{shown}: env file not found; pass an existing file to --env-file') from None
            if not local:
                notes.append(f'env-schema: {shown} not found, skipped')
            continue
        except OSError as e:
            raise InputError(f'{shown}: cannot read env file: {e.strerror}') from None
        ws.read_files += 1
        ws.read_bytes += len(data)
        files.append(shown)
        parsed = dotenv.parse_bytes(data)
        findings += [
            Finding(rule_id='env-file-malformed', severity=Severity.MEDIUM, message=p.message, path=shown, line=p.line)
            for p in parsed.problems
        ]
        for entry in parsed.entries:
            if entry.value is not None:
                values[entry.key] = Supplied(entry.value, shown, entry.line)
    use_environ = ws.options.environ if ws.options.environ is not None else len(files) == len(asked)
    if use_environ:
        values.update({k: Supplied(v, 'environment') for k, v in os.environ.items()})
    return Sources(values, tuple(files), use_environ, tuple(findings), tuple(notes))


def secrets_dirs(ws: Workspace) -> list[Path]:
    """--secrets-dir, else env.secrets_dir (relative to the config): none unless asked."""
    if ws.options.secrets_dirs:
        return [ws.cwd / d for d in ws.options.secrets_dirs]
    return [ws.config.root / d for d in ws.env.secrets_dir]


def read_secrets_dir(ws: Workspace, directory: Path) -> dict[str, Supplied]:
    """A secrets directory as pydantic-settings reads one: each regular file (a symlink to
    one too, as Kubernetes mounts them) is a variable named by the file, its text stripped."""
    shown = ws.relative(directory)
    try:
        names = sorted(os.listdir(directory))
    except FileNotFoundError:
        raise InputError(f'{shown}: secrets directory not found; pass an existing directory to --secrets-dir') from None
    except OSError as e:
        raise InputError(f'{shown}: cannot read the secrets directory: {e.strerror}') from None
    values: dict[str, Supplied] = {}
    for name in names:
        path = directory / name
        if name.startswith('..') or not path.is_file():  # Kubernetes' ..data and its timestamped dirs
            continue
        try:
            with open(path, 'rb') as f:
                data = f.read(ws.config.max_file_size + 1)
        except OSError as e:
            raise InputError(f'{ws.relative(path)}: cannot read the secret file: {e.strerror}') from None
        if len(data) > ws.config.max_file_size:
            continue  # not a value: the receipt's byte count says it was seen
        ws.read_files += 1
        ws.read_bytes += len(data)
        values[name] = Supplied(data.decode('utf-8', 'replace').strip(), ws.relative(path), secret_file=True)
    return values


# --- the schema as a pydantic-settings model --------------------------------------------------


def build_model(schema: Schema, environment: str | None) -> type[Any]:
    from pydantic import Field, create_model

    fields: dict[str, Any] = {}
    for index, variable in enumerate(schema.variables):
        applied = variable.for_environment(environment)
        annotation = field_type(applied)
        if applied.required:
            fields[f'v{index}'] = (annotation, Field(validation_alias=applied.name))
        else:
            fields[f'v{index}'] = (annotation | None, Field(default=applied.default, validation_alias=applied.name))
    return create_model('EnvSchema', __base__=_base_class(), **fields)


def _base_class() -> type[Any]:
    from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

    class GuardSettings(BaseSettings):
        """Validates only the data it is given: no environment, no dotenv, no secrets dir."""

        model_config = SettingsConfigDict(extra='ignore', case_sensitive=True, env_file=None)

        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (init_settings,)

    return GuardSettings


def field_type(variable: Variable) -> Any:
    """The pydantic annotation for one variable, constraints included."""
    from typing import Annotated

    from pydantic import AfterValidator, BeforeValidator, Field, Json, SecretStr

    c = variable.constraints
    kind = variable.type
    if kind == 'list':
        item = _item_type(str(c.get('items', 'str')))
        sizes = {
            k: v for k, v in (('min_length', c.get('min_items')), ('max_length', c.get('max_items'))) if v is not None
        }
        return Annotated[
            list[item],  # type: ignore[valid-type]
            BeforeValidator(_splitter(str(c.get('separator', ',')))),
            Field(**sizes),
        ]
    if kind == 'json':
        return Json
    if kind == 'secret':
        return Annotated[SecretStr, AfterValidator(_secret_check(variable))]
    if kind == 'database_url':
        return Annotated[str, AfterValidator(_database_url_check(c))]
    if kind == 'url':
        return Annotated[str, AfterValidator(_url_check(c.get('schemes')))]
    if kind == 'enum':
        return Annotated[str, AfterValidator(_choice_check(c['choices'], bool(c.get('case_sensitive', True))))]
    if kind == 'str':
        limits = {k: c[k] for k in ('min_length', 'max_length', 'pattern') if k in c}
        return Annotated[str, Field(**limits)] if limits else str
    if kind in ('int', 'float'):
        bounds = {k: c[m] for k, m in (('ge', 'min'), ('le', 'max')) if m in c}
        base: Any = int if kind == 'int' else float
        return Annotated[base, Field(**bounds)] if bounds else base
    return _item_type(kind)


def _item_type(kind: str) -> Any:
    from typing import Annotated

    from pydantic import AfterValidator, Field

    simple: dict[str, Any] = {
        'str': str,
        'int': int,
        'float': float,
        'bool': bool,
        'port': Annotated[int, Field(ge=1, le=65535)],
        'url': Annotated[str, AfterValidator(_url_check(None))],
        'email': Annotated[str, AfterValidator(_email_check)],
    }
    return simple[kind]


def _splitter(separator: str) -> Callable[[Any], Any]:
    def split(value: Any) -> Any:
        if isinstance(value, str) and value.lstrip().startswith('['):
            # pydantic-settings reads lists as JSON: an app's env file holds ["a", "b"]
            try:
                decoded = json.loads(value)
            except ValueError:
                raise ValueError('starts with [ but is not a JSON array: write ["a", "b"] or a, b') from None
            if not isinstance(decoded, list):
                raise ValueError('not a JSON array')
            return decoded
        if isinstance(value, str):
            return [part.strip() for part in value.split(separator) if part.strip()]
        return value

    return split


def _choice_check(choices: Iterable[Any], case_sensitive: bool) -> Callable[[str], str]:
    allowed = [str(c) for c in choices]

    def check(value: str) -> str:
        if value in allowed or (not case_sensitive and value.lower() in {a.lower() for a in allowed}):
            return value
        raise ValueError(f'must be one of {", ".join(allowed)}')

    return check


def _email_check(value: str) -> str:
    if not re.fullmatch(r'[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+', value):
        raise ValueError('not an email address (name@example.com)')
    return value


def _url_check(schemes: Iterable[str] | None) -> Callable[[str], str]:
    allowed = list(schemes) if schemes else None

    def check(value: str) -> str:
        parts = urlsplit(value)
        if not parts.scheme or not (parts.netloc or parts.path):
            raise ValueError('not a URL (scheme://host/...)')
        if allowed and parts.scheme not in allowed:
            raise ValueError(f'scheme {parts.scheme!r} is not allowed: use {", ".join(allowed)}')
        if not allowed and not parts.netloc:
            raise ValueError('not a URL: no host (scheme://host/...)')
        return value

    return check


def _secret_check(variable: Variable) -> Callable[[Any], Any]:
    from guard.detectors.entropy import shannon_entropy
    from guard.detectors.placeholders import is_placeholder

    c = variable.constraints
    floor = float(c.get('min_entropy', DEFAULT_MIN_ENTROPY))

    def check(secret: Any) -> Any:
        value = secret.get_secret_value()
        if 'min_length' in c and len(value) < c['min_length']:
            raise ValueError(f'too short: {len(value)} characters, at least {c["min_length"]}; {GENERATE_HINT}')
        if 'max_length' in c and len(value) > c['max_length']:
            raise ValueError(f'too long: {len(value)} characters, at most {c["max_length"]}')
        if is_placeholder(value):
            raise ValueError(f'a placeholder, not a secret; {GENERATE_HINT}')
        if 'pattern' in c and not re.search(str(c['pattern']), value):
            raise ValueError(f'does not match the pattern {c["pattern"]!r}')
        entropy = shannon_entropy(value)
        if entropy < floor:
            raise ValueError(
                f'too predictable: {entropy:.1f} bits per character, at least {floor:.1f}; {GENERATE_HINT}'
            )
        return secret

    return check


def _database_url_check(c: Mapping[str, Any]) -> Callable[[str], str]:
    schemes = [str(s) for s in c.get('schemes', [])]
    policy = str(c.get('tls', 'non-local'))
    host_policies = {str(k): str(v) for k, v in (c.get('tls_hosts') or {}).items()}

    def check(value: str) -> str:
        try:
            parts = urlsplit(value)
            host = parts.hostname or ''
        except ValueError:
            raise ValueError('not a database URL (scheme://user:password@host:port/name)') from None
        if not parts.scheme or '://' not in value:
            raise ValueError('not a database URL (scheme://user:password@host:port/name)')
        if schemes and parts.scheme not in schemes:
            raise ValueError(f'scheme {parts.scheme!r} is not allowed: use {", ".join(schemes)}')
        if parts.scheme.startswith('sqlite'):
            return value
        if c.get('pooled') and host.endswith(NEON_SUFFIX) and not host.split('.', 1)[0].endswith('-pooler'):
            raise ValueError(
                f"host {host} is Neon's direct endpoint: use the pooled one (the endpoint id with "
                '-pooler: ep-…-pooler.<region>.neon.tech), as Neon advises for production'
            )
        rule = next((p for pattern, p in host_policies.items() if fnmatch.fnmatch(host, pattern)), policy)
        needs_tls = rule == 'required' or (rule == 'non-local' and not is_local_host(host))
        if needs_tls and not _has_tls(parts.query):
            why = f'host {host} is not local' if rule == 'non-local' else f'host {host} requires TLS'
            raise ValueError(f'{why}: add ?sslmode=require (or ssl=require for asyncpg)')
        return value

    return check


def is_local_host(host: str) -> bool:
    """Hosts a connection never leaves the machine or the compose network for."""
    if not host or host == 'localhost' or host.endswith(('.localhost', '.local', '.internal')):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return '.' not in host  # a compose service name such as `db`
    return address.is_loopback or address.is_private or address.is_unspecified


def _has_tls(query: str) -> bool:
    params = {k.lower(): [v.lower() for v in vs] for k, vs in parse_qs(query).items()}
    return any(v in TLS_ON for key in TLS_PARAMS for v in params.get(key, []))


# --- validation -----------------------------------------------------------------------------


def validate_schema(schema: Schema, sources: Sources, environment: str | None) -> list[Finding]:
    from pydantic import ValidationError

    model = build_model(schema, environment)
    data = {name: s.value for name, s in sources.values.items() if _given(schema.get(name), s.value, environment)}
    findings = list(_unknown_keys(schema, sources))
    try:
        model.model_validate(data)
    except ValidationError as e:
        profiles = {v.name: v.for_environment(environment).profile for v in schema.variables}
        declared = Declared(schema.path, {v.name: v.line for v in schema.variables})
        errors = e.errors(include_input=False, include_url=False)
        findings += _error_findings(errors, {n: [n] for n in schema.names()}, sources, profiles, declared)
    return findings


def _given(variable: Variable | None, value: str, environment: str | None) -> bool:
    """Whether a value counts as set: an empty value leaves an optional variable unset, as
    `.env.example` copies leave them (pydantic-settings' env_ignore_empty)."""
    if variable is None:
        return False
    return value != '' or variable.for_environment(environment).required


def _unknown_keys(schema: Schema, sources: Sources) -> Iterator[Finding]:
    """Keys an env file sets that the schema does not declare: usually a typo."""
    for name, supplied in sources.values.items():
        if supplied.source != 'environment' and not supplied.secret_file and schema.get(name) is None:
            yield Finding(
                rule_id='env-schema-unknown',
                severity=Severity.LOW,
                path=supplied.source,
                line=supplied.line,
                message=f'{name} is not declared in {schema.path} (a typo?)',
            )


@dataclasses.dataclass(frozen=True)
class Declared:
    """Where the variables are declared (the schema, or the settings class's module): the
    location of findings about values that have no file of their own."""

    path: str
    lines: Mapping[str, int] = dataclasses.field(default_factory=dict)
    line: int | None = None

    def at(self, name: str) -> int | None:
        return self.lines.get(name) or self.line


def _error_findings(
    errors: Iterable[Mapping[str, Any]],
    env_names: Mapping[str, list[str]],
    sources: Sources,
    profiles: Mapping[str, str | None],
    declared: Declared,
    *,
    foreign: bool = False,
) -> list[Finding]:
    """Findings from a ValidationError's locations and messages. `foreign`: the validators are
    the project's own and may echo the value, so it is masked in their messages too."""
    findings = []
    for item in errors:
        loc = item.get('loc', ())
        key = str(loc[0]) if loc else ''
        names = env_names.get(key, [key])
        given = next((n for n in names if n in sources.values), None)
        supplied = sources.values[given] if given is not None else None
        name = given or (names[0] if names else key)
        profile = profiles.get(name)
        in_profile = f' in {profile}' if profile else ''
        if item.get('type') == 'missing' or supplied is None:
            findings.append(
                Finding(
                    rule_id='env-schema-missing',
                    severity=Severity.HIGH,
                    path=declared.path,
                    line=declared.at(name),
                    message=f'{name} is required{in_profile} but not set (looked in {sources.describe()})',
                )
            )
            continue
        if supplied.value == '':
            findings.append(
                Finding(
                    rule_id='env-schema-missing',
                    severity=Severity.HIGH,
                    path=supplied.source,
                    line=supplied.line,
                    message=f'{name} is required{in_profile} but empty in {supplied.source}',
                )
            )
            continue
        position = f' (item {loc[1] + 1})' if len(loc) > 1 and isinstance(loc[1], int) else ''
        message = _safe_message(str(item.get('msg', 'invalid')), supplied.value if foreign else '')
        from_file = supplied.source != 'environment'
        findings.append(
            Finding(
                rule_id='env-schema-invalid',
                severity=Severity.HIGH,
                path=supplied.source if from_file else declared.path,
                line=supplied.line if from_file else declared.at(name),
                message=f'{name}{position}{in_profile}: {message} (value {preview(supplied.value)} '
                f'from {supplied.where})',
            )
        )
    return findings


def _safe_message(message: str, value: str) -> str:
    """pydantic's message for the error, with the value masked should a validator echo it."""
    message = message.removeprefix('Value error, ').removeprefix('Assertion failed, ')
    if len(value) >= 4 and value in message:
        message = message.replace(value, preview(value))
    return clip(message, 160)


# --- a project's own BaseSettings class (validated in settings_probe.py) --------------------


def _field_keys(name: str, field: Any, prefix: str) -> list[tuple[str, str]]:
    """(key for model_validate, env name) pairs, in pydantic-settings' order of preference."""
    from pydantic import AliasChoices, AliasPath

    alias = field.validation_alias
    if isinstance(alias, str):
        return [(alias, alias)]
    if isinstance(alias, AliasChoices | AliasPath):
        choices = alias.choices if isinstance(alias, AliasChoices) else [alias]
        keys = []
        for choice in choices:
            first = choice.path[0] if isinstance(choice, AliasPath) else choice
            if isinstance(first, str):
                keys.append((first, first))
        if keys:
            return keys
    if field.alias:
        return [(field.alias, field.alias)]
    return [(name, prefix + name)]


# --- guard env example ----------------------------------------------------------------------


def example_text(schema: Schema) -> str:
    """A documented .env.example: descriptions as comments, defaults or placeholders as values."""
    lines = [
        f'# Generated by `guard env example` from {schema.path}.',
        '# Copy it to .env and fill in the values; never commit the copy.',
        '',
    ]
    for variable in schema.variables:
        lines.extend(f'# {line}'.rstrip() for line in variable.description.splitlines())
        status = 'required' if variable.required else 'optional'
        if not variable.required and variable.default is not None and not variable.secret:
            status += f' (default: {_as_text(variable.default, variable)})'
        secret = ', secret' if variable.secret else ''
        lines.append(f'# {status}{secret}; {describe(variable)}')
        lines.append(f'{variable.name}={dotenv.quote_value(_placeholder(variable))}')
        lines.append('')
    return '\n'.join(lines)


def _placeholder(variable: Variable) -> str:
    if variable.example is not None:
        return variable.example
    if variable.default is not None and not variable.secret:
        return _as_text(variable.default, variable)
    return ''


def _as_text(value: Any, variable: Variable) -> str:
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, list):
        return str(variable.constraints.get('separator', ',')).join(map(str, value))
    return str(value)


def settings_example_text(ref: str, fields: Iterable[Mapping[str, Any]]) -> str:
    """A documented .env.example from a settings class: descriptions as comments, safe defaults
    as values (lists and mappings as JSON, as pydantic-settings reads them), never a secret's."""
    lines = [
        f'# Generated by `guard env example --settings {ref}`.',
        '# Copy it to .env and fill in the values; never commit the copy.',
        '',
    ]
    for field in fields:
        lines.extend(f'# {line}'.rstrip() for line in str(field['description']).splitlines())
        status = 'required' if field['required'] else 'optional'
        if field['default'] is not None and not field['required']:
            status += f' (default: {field["default"]})'
        kind = ', secret' if field['secret'] else ''
        kind += ', JSON' if field['json'] else ''
        lines.append(f'# {status}{kind}')
        value = '' if field['secret'] or field['default'] is None else str(field['default'])
        lines.append(f'{field["env"]}={dotenv.quote_value(value)}')
        lines.append('')
    return '\n'.join(lines)
