"""`.guard.yaml` / `[tool.guard]` loading and validation.

Validated by hand rather than with pydantic: config is read on every commit, and
pydantic's import alone costs more than the whole pre-commit budget.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from guard.brief import brief, clip
from guard.detectors.rules import Rule, rule_from_mapping, rules_from_file
from guard.errors import ConfigError
from guard.filters import Allowlist
from guard.models import Confidence, Severity

CONFIG_FILE = '.guard.yaml'
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
KNOWN_DETECTORS = ('detect-secrets',)

# key → what it holds, for messages naming the fix
SCHEMA: dict[str, str] = {
    'rules': 'mapping: disable (rule ids), extra (a YAML rules file or a list of rules), min_severity, min_confidence',
    'allow': 'mapping: paths (globs), regexes, stopwords',
    'max_file_size': 'bytes, or a size such as 10MB',
    'baseline': 'path of the baseline file',
    'detectors': f'list of extra detectors: {", ".join(KNOWN_DETECTORS)}',
    'own_secrets': 'true/false, or a list of the local env files (globs) whose values are blocked anywhere',
    'require_allow_reason': 'true/false: an inline guard:allow without a reason does not allow',
    'fail_on_empty': 'true/false: a run that scanned nothing exits 2 (CI jobs that must not pass vacuously)',
    'env': 'mapping for the hygiene checks (see README)',
}
ENV_KEYS: dict[str, str] = {
    'templates': 'list of env template names (default .env.example, .env.sample, .env.template, .env.dist)',
    'files': 'list of more env file names or globs that must be ignored',
    'key_files': 'list of key file globs that must be ignored ([] turns that off)',
    'local_files': 'list of local env files compared with the template (default .env, .env.local)',
    'docs': 'list of docs files or globs that document keys (default README.md, docs/**/*.md)',
    'schema': 'path of the env schema (default env.schema.yaml)',
    'settings': 'a pydantic-settings class, module:Class',
    'settings_dir': 'the directory env.settings is imported from (default: the one holding the module)',
    'env_files': 'list of env files env-schema validates (later wins)',
    'secrets_dir': 'a secrets directory (or a list) env-schema reads, one file per variable (default: none)',
    'environment': 'the environment whose schema requirements apply',
    'scopes': 'mapping of code directory to the env template it reads',
    'ignore_keys': 'list of keys (globs) never reported missing or unused',
    'unused': 'true/false: report template keys nothing reads',
    'exclude': 'list of globs of code not read for env usage',
}
ENV_LISTS = ('templates', 'files', 'key_files', 'local_files', 'docs', 'env_files', 'ignore_keys', 'exclude')
RULES_KEYS = ('disable', 'extra', 'min_severity', 'min_confidence')
ALLOW_KEYS = ('paths', 'regexes', 'stopwords')


class Config(NamedTuple):
    root: Path  # paths in the config are relative to this
    source: str = ''  # where it came from; '' = built-in defaults
    disabled_rules: frozenset[str] = frozenset()
    extra_rules: tuple[Rule, ...] = ()
    min_severity: Severity = Severity.LOW
    min_confidence: Confidence = Confidence.LOW
    allow: Allowlist = Allowlist()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    baseline: str | None = None
    detectors: tuple[str, ...] = ()
    own_secrets: bool = True
    own_secret_files: tuple[str, ...] = ()  # globs at the repository top; () = the defaults
    require_allow_reason: bool = False
    report_unused: bool = False  # run options (CLI), not settings
    fail_on_unused: bool = False
    unused_scope: tuple[str, ...] = ()  # run option: paths the run reads whole (guard.baseline.unused_scope)
    env: Mapping[str, Any] = MappingProxyType({})  # read-only: a NamedTuple default is shared
    fail_on_empty: bool = False


def find_config_file(start: Path) -> Path | None:
    """The nearest .guard.yaml or pyproject.toml with [tool.guard], up to the repository top."""
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = directory / 'pyproject.toml'
        if pyproject.is_file() and '[tool.guard' in _read(pyproject):
            return pyproject
        if (directory / '.git').exists():
            return None
    return None


def load_config(path: Path | None = None, start: Path | None = None) -> Config:
    """Load the named file, or discover one from `start` (default: cwd), or defaults."""
    start = start or Path.cwd()
    if path is None:
        path = find_config_file(start)
        if path is None:
            return Config(root=start)
    elif not path.is_file():
        raise ConfigError(f'{path}: config file not found; pass an existing file to --config')
    text = _read(path)
    if path.name == 'pyproject.toml':
        data = _tool_guard(text, path)
    else:
        from guard import yamlio

        data = yamlio.load(text, str(path))
    return parse_config(data or {}, source=str(path), root=path.parent, text=text)


def parse_config(data: Any, *, source: str, root: Path, text: str = '') -> Config:
    where = _Where(source, text)
    if not isinstance(data, Mapping):
        raise ConfigError(f'{source}: expected a mapping of settings ({", ".join(SCHEMA)})')
    _reject_unknown(data, SCHEMA, where, ())
    rules = _mapping(data.get('rules'), 'rules', where)
    _reject_unknown(rules, RULES_KEYS, where, ('rules',))
    allow = _mapping(data.get('allow'), 'allow', where)
    _reject_unknown(allow, ALLOW_KEYS, where, ('allow',))
    detectors = tuple(_strings(data.get('detectors'), 'detectors', where))
    for name in detectors:
        if name not in KNOWN_DETECTORS:
            raise ConfigError(
                f'{where.at(("detectors",))}: unknown detector {brief(name)}; known: {", ".join(KNOWN_DETECTORS)}'
            )
    min_severity = _level(Severity, rules, 'min_severity', where)
    min_confidence = _level(Confidence, rules, 'min_confidence', where)
    regexes = tuple(_strings(allow.get('regexes'), 'allow.regexes', where))
    for index, regex in enumerate(regexes):
        try:
            re.compile(regex)
            from guard.userregex import compile_user  # allowlist regexes run on RE2 (guard/filters.py)

            compile_user(regex)
        except (re.error, ValueError) as e:
            at = where.at(('allow', 'regexes', index))
            raise ConfigError(f'{at}: bad regex {brief(regex)}: {clip(str(e), 80)}') from None
    own_secrets = data.get('own_secrets', True)
    own_secret_files: tuple[str, ...] = ()
    if isinstance(own_secrets, list):
        own_secret_files = tuple(_strings(own_secrets, 'own_secrets', where))
        own_secrets = bool(own_secret_files)
    if not isinstance(own_secrets, bool):
        raise ConfigError(f'{where.at(("own_secrets",))}: own_secrets must be true, false or a list of env files')
    require_allow_reason = data.get('require_allow_reason', False)
    if not isinstance(require_allow_reason, bool):
        raise ConfigError(f'{where.at(("require_allow_reason",))}: require_allow_reason must be true or false')
    fail_on_empty = data.get('fail_on_empty', False)
    if not isinstance(fail_on_empty, bool):
        raise ConfigError(f'{where.at(("fail_on_empty",))}: fail_on_empty must be true or false')
    baseline = data.get('baseline')
    if baseline is not None and not isinstance(baseline, str):
        raise ConfigError(f'{where.at(("baseline",))}: baseline must be a path')
    return Config(
        root=root,
        source=source,
        disabled_rules=frozenset(_strings(rules.get('disable'), 'rules.disable', where)),
        extra_rules=_extra_rules(rules.get('extra'), root, where),
        min_severity=min_severity,
        min_confidence=min_confidence,
        allow=Allowlist(
            paths=tuple(_strings(allow.get('paths'), 'allow.paths', where)),
            regexes=regexes,
            stopwords=tuple(w.lower() for w in _strings(allow.get('stopwords'), 'allow.stopwords', where)),
        ),
        max_file_size=_size(data.get('max_file_size', DEFAULT_MAX_FILE_SIZE), where),
        baseline=baseline,
        detectors=detectors,
        own_secrets=own_secrets,
        own_secret_files=own_secret_files,
        require_allow_reason=require_allow_reason,
        env=_env_section(data.get('env'), where),
        fail_on_empty=fail_on_empty,
    )


def _level(kind: type[Severity] | type[Confidence], rules: Mapping[str, Any], key: str, where: _Where) -> Any:
    value = rules.get(key, 'low')
    choices = ', '.join(str(level) for level in kind)
    if not isinstance(value, str):
        raise ConfigError(f'{where.at(("rules", key))}: rules.{key} must be one of {choices}, not {brief(value)}')
    try:
        return kind.parse(value)
    except ValueError:
        raise ConfigError(
            f'{where.at(("rules", key))}: rules.{key} must be one of {choices}, not {brief(value)}'
        ) from None


def _env_section(value: Any, where: _Where) -> Mapping[str, Any]:
    """The `env:` mapping for the hygiene checks, each key checked for its type."""
    env = _mapping(value, 'env', where)
    _reject_unknown(env, ENV_KEYS, where, ('env',))
    out: dict[str, Any] = {}
    for key, item in env.items():
        at = where.at(('env', key))
        if key in ENV_LISTS:
            out[key] = _strings(item, f'env.{key}', where)
        elif key == 'secrets_dir':
            out[key] = [item] if isinstance(item, str) and item else _strings(item, 'env.secrets_dir', where)
        elif key == 'unused':
            if not isinstance(item, bool):
                raise ConfigError(f'{at}: env.unused must be true or false')
            out[key] = item
        elif key == 'scopes':
            if not isinstance(item, Mapping) or not all(isinstance(v, str) for v in item.values()):
                raise ConfigError(f'{at}: env.scopes must map code directories to template paths')
            out[key] = {str(k): v for k, v in item.items()}
        elif not isinstance(item, str) or not item:
            raise ConfigError(f'{at}: env.{key} must be {ENV_KEYS[key]}')
        elif key == 'settings' and ':' not in item:
            raise ConfigError(f'{at}: env.settings must be module:Class, e.g. app.config:Settings')
        else:
            out[key] = item
    return out


def parse_size(value: object) -> int:
    """10485760, '10MB', '512 KiB' → bytes."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = (
        re.fullmatch(r'\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)\s*', value, re.IGNORECASE) if isinstance(value, str) else None
    )
    if not match:
        raise ValueError(f'{brief(value)} is not a size: use bytes or e.g. 10MB')
    unit = match.group(2).lower().rstrip('b').rstrip('i')
    factor = {'': 1, 'k': 1024, 'm': 1024**2, 'g': 1024**3}[unit]
    size = int(float(match.group(1)) * factor)
    if size <= 0:
        raise ValueError(f'{brief(value)} would skip every file: use a size above 0, e.g. 10MB')
    return size


class _Where:
    """Turns a key path into 'file:line' for error messages."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.text = text

    def at(self, keys: tuple[str | int, ...]) -> str:
        line = _key_line(self.text, keys) if self.text and not self.source.endswith('.toml') else None
        return f'{self.source}:{line}' if line else self.source


def _key_line(text: str, keys: tuple[str | int, ...]) -> int | None:
    from guard import yamlio

    return yamlio.line_of(text, keys)


def _reject_unknown(
    data: Mapping[str, Any], known: Mapping[str, str] | tuple[str, ...], where: _Where, parent: tuple[str, ...]
) -> None:
    for key in data:
        if key not in known:
            name = '.'.join((*parent, str(key) if isinstance(key, str) and len(key) < 80 else '…'))
            at = where.at((*parent, key)) if isinstance(key, str) else where.source
            raise ConfigError(f'{at}: unknown setting {brief(name)}; known: {", ".join(known)}')


def _mapping(value: Any, name: str, where: _Where) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f'{where.at(tuple(name.split(".")))}: {name} must be a mapping')
    return value


def _strings(value: Any, name: str, where: _Where) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{where.at(tuple(name.split(".")))}: {name} must be a list of strings')
    return value


def _size(value: Any, where: _Where) -> int:
    try:
        return parse_size(value)
    except ValueError as e:
        raise ConfigError(f'{where.at(("max_file_size",))}: {clip(str(e))}') from None


def _extra_rules(value: Any, root: Path, where: _Where) -> tuple[Rule, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(rules_from_file(root / value))
    if isinstance(value, list):
        rules = []
        for index, item in enumerate(value):
            try:
                rules.append(rule_from_mapping(item, where.source, user=True))
            except ConfigError as e:  # the rule's own line
                raise ConfigError(where.at(('rules', 'extra', index)) + str(e)[len(where.source) :]) from None
        return tuple(rules)
    raise ConfigError(f'{where.at(("rules", "extra"))}: rules.extra must be a rules file path or a list of rules')


def _tool_guard(text: str, path: Path) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f'{path}: malformed TOML: {clip(str(e))}') from None
    tool = data.get('tool', {})
    section = tool.get('guard', {}) if isinstance(tool, dict) else None
    if not isinstance(section, dict):
        raise ConfigError(f'{path}: [tool.guard] must be a table of settings ({", ".join(SCHEMA)})')
    return section


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding='utf-8-sig')
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f'{path}: cannot read config: {e}') from None
