"""`env.schema.yaml`: loading and validating the file, without pydantic.

The schema is the single source for validation (env_schema builds a pydantic-settings
model from it), for the documentation check and for `guard env example`. This module
only reads YAML into frozen values, so the env-example check stays light.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from guard.brief import brief, clip
from guard.dotenv import VALID_NAME
from guard.errors import ConfigError

TYPE_KEYS: dict[str, tuple[str, ...]] = {
    'str': ('min_length', 'max_length', 'pattern'),
    'int': ('min', 'max'),
    'float': ('min', 'max'),
    'bool': (),
    'port': (),
    'url': ('schemes',),
    'email': (),
    'enum': ('choices', 'case_sensitive'),
    'list': ('separator', 'items', 'min_items', 'max_items'),
    'json': (),
    'secret': ('min_length', 'max_length', 'min_entropy', 'pattern'),
    'database_url': ('schemes', 'tls', 'tls_hosts', 'pooled'),
}
TYPE_ALIASES = {
    'string': 'str',
    'integer': 'int',
    'number': 'float',
    'boolean': 'bool',
    'dsn': 'database_url',
    'database-url': 'database_url',
    'postgres_dsn': 'database_url',
}
ITEM_TYPES = ('str', 'int', 'float', 'bool', 'port', 'url', 'email')
COMMON_KEYS = ('type', 'description', 'required', 'default', 'secret', 'example', 'environments')
PROFILE_KEYS = ('required', 'default')
TOP_KEYS = ('variables', 'environments', 'environment_variable')
TLS_POLICIES = ('required', 'non-local', 'optional')
SCALAR = str | int | float | bool


@dataclasses.dataclass(frozen=True)
class Variable:
    name: str
    type: str = 'str'
    description: str = ''
    required: bool = True
    default: Any = None
    secret: bool = False
    example: str | None = None
    line: int = 0
    constraints: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    profiles: Mapping[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    profile: str | None = None  # the environment whose requirements were applied, if it changed any

    def for_environment(self, environment: str | None) -> Variable:
        """This variable with `environment`'s requirements applied."""
        override = self.profiles.get(environment or '')
        if not override:
            return self
        constraints = {k: v for k, v in override.items() if k not in PROFILE_KEYS}
        return dataclasses.replace(
            self,
            required=override.get('required', self.required),
            default=override.get('default', self.default),
            constraints={**self.constraints, **constraints},
            profile=environment,
        )


@dataclasses.dataclass(frozen=True)
class Schema:
    path: str
    variables: tuple[Variable, ...]
    environments: tuple[str, ...] = ()
    environment_variable: str | None = None

    def names(self) -> list[str]:
        return [v.name for v in self.variables]

    def get(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.name == name), None)


def load_schema(path: Path, shown: str | None = None) -> Schema:
    shown = shown or path.as_posix()
    try:
        text = path.read_text(encoding='utf-8-sig')
    except FileNotFoundError:
        raise ConfigError(f'{shown}: schema file not found; pass --schema FILE or set env.schema') from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f'{shown}: cannot read the schema: {e}') from None
    return parse_schema(text, shown)


def parse_schema(text: str, source: str) -> Schema:
    from guard import yamlio

    data = yamlio.load(text, source)
    lines = _key_lines(text)
    where = _Where(source, lines)
    if not isinstance(data, Mapping) or not isinstance(data.get('variables'), Mapping):
        raise ConfigError(f'{source}: expected a mapping with `variables:` (NAME: {{type: str, ...}})')
    _known(data, TOP_KEYS, where, ())
    environments = data.get('environments') or []
    if not isinstance(environments, list) or not all(isinstance(e, str) for e in environments):
        raise ConfigError(f'{where.at("environments")}: environments must be a list of names')
    selector = data.get('environment_variable')
    if selector is not None and not isinstance(selector, str):
        raise ConfigError(f'{where.at("environment_variable")}: environment_variable must be a variable name')
    variables = tuple(
        _variable(str(name), spec, where, tuple(environments)) for name, spec in data['variables'].items()
    )
    return Schema(source, variables, tuple(environments), selector)


def _variable(name: str, spec: Any, where: _Where, environments: tuple[str, ...]) -> Variable:
    at = where.at('variables', name)
    if not VALID_NAME.fullmatch(name):
        raise ConfigError(f'{at}: {brief(name)} is not a valid variable name (letters, digits, _)')
    if isinstance(spec, str):
        spec = {'type': spec}
    if spec is None:
        spec = {}
    if not isinstance(spec, Mapping):
        raise ConfigError(f'{at}: {name} must be a mapping (type, description, required, default, ...)')
    kind = TYPE_ALIASES.get(str(spec.get('type', 'str')), str(spec.get('type', 'str')))
    if kind not in TYPE_KEYS:
        raise ConfigError(
            f'{where.at("variables", name, "type")}: unknown type {brief(kind)}; known: {", ".join(TYPE_KEYS)}'
        )
    _known(spec, (*COMMON_KEYS, *TYPE_KEYS[kind]), where, ('variables', name), f'for type {kind}')
    constraints = {k: spec[k] for k in TYPE_KEYS[kind] if k in spec}
    _check_constraints(constraints, kind, where, ('variables', name))
    profiles = _profiles(spec.get('environments'), kind, where, name, environments)
    default = spec.get('default')
    required = spec.get('required', default is None)
    secret = spec.get('secret', kind == 'secret')
    description = spec.get('description', '')
    example = spec.get('example')
    for key, value, ok in (
        ('required', required, isinstance(required, bool)),
        ('secret', secret, isinstance(secret, bool)),
        ('description', description, isinstance(description, str)),
        ('example', example, example is None or isinstance(example, str | int | float | bool)),
        ('default', default, default is None or isinstance(default, SCALAR | list)),
    ):
        if not ok:
            raise ConfigError(
                f'{where.at("variables", name, key)}: {clip(name, 60)}.{key} has the wrong type ({brief(value)})'
            )
    if kind == 'enum' and 'choices' not in constraints:
        raise ConfigError(f'{at}: {name} is an enum: list its values in `choices`')
    return Variable(
        name=name,
        type=kind,
        description=description.strip(),
        required=required,
        default=default,
        secret=secret,
        example=None if example is None else str(example),
        line=where.line('variables', name),
        constraints=constraints,
        profiles=profiles,
    )


def _profiles(
    value: Any, kind: str, where: _Where, name: str, environments: tuple[str, ...]
) -> dict[str, Mapping[str, Any]]:
    if value is None:
        return {}
    keys = ('variables', name, 'environments')
    if not isinstance(value, Mapping):
        raise ConfigError(f'{where.at(*keys)}: {name}.environments must map environment names to requirements')
    out: dict[str, Mapping[str, Any]] = {}
    for env, override in value.items():
        if environments and env not in environments:
            raise ConfigError(
                f'{where.at(*keys, str(env))}: unknown environment {env!r}; declared: {", ".join(environments)}'
            )
        if not isinstance(override, Mapping):
            raise ConfigError(f'{where.at(*keys, str(env))}: requirements for {env} must be a mapping')
        _known(override, (*PROFILE_KEYS, *TYPE_KEYS[kind]), where, (*keys, str(env)), f'for type {kind}')
        _check_constraints(override, kind, where, (*keys, str(env)))
        if not isinstance(override.get('required', False), bool):
            raise ConfigError(f'{where.at(*keys, str(env), "required")}: required must be true or false')
        out[str(env)] = dict(override)
    return out


def _check_constraints(values: Mapping[str, Any], kind: str, where: _Where, keys: tuple[str, ...]) -> None:
    for key, value in values.items():
        problem = _constraint_problem(key, value)
        if problem:
            raise ConfigError(f'{where.at(*keys, key)}: {key} {problem}')


def _constraint_problem(key: str, value: Any) -> str | None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if key in ('min_length', 'max_length', 'min_items', 'max_items'):
        return (
            None
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0
            else 'must be a whole number ≥ 0'
        )
    if key in ('min', 'max', 'min_entropy'):
        return None if number else 'must be a number'
    if key == 'pattern':
        try:
            re.compile(str(value))
        except re.error as e:
            return f'is not a valid regex: {clip(str(e), 80)}'
        return None
    if key in ('choices', 'schemes'):
        ok = isinstance(value, list) and value and all(isinstance(v, str | int | float | bool) for v in value)
        return None if ok else 'must be a non-empty list of values'
    if key in ('case_sensitive', 'pooled'):
        return None if isinstance(value, bool) else 'must be true or false'
    if key == 'separator':
        return None if isinstance(value, str) and value else 'must be a non-empty string'
    if key == 'items':
        return None if value in ITEM_TYPES else f'must be one of {", ".join(ITEM_TYPES)}'
    if key == 'tls':
        return None if value in TLS_POLICIES else f'must be one of {", ".join(TLS_POLICIES)}'
    if key == 'tls_hosts':
        ok = isinstance(value, Mapping) and all(v in TLS_POLICIES for v in value.values())
        return None if ok else f'must map host patterns to one of {", ".join(TLS_POLICIES)}'
    return None


def _known(
    data: Mapping[str, Any], known: tuple[str, ...], where: _Where, keys: tuple[str, ...], context: str = ''
) -> None:
    for key in data:
        if key not in known:
            suffix = f' {context}' if context else ''
            raise ConfigError(
                f'{where.at(*keys, str(key))}: unknown key {brief(key)}{suffix}; known: {", ".join(known)}'
            )


class _Where:
    def __init__(self, source: str, lines: dict[tuple[str, ...], int]) -> None:
        self.source = source
        self.lines = lines

    def line(self, *keys: str) -> int:
        for depth in range(len(keys), 0, -1):
            if keys[:depth] in self.lines:
                return self.lines[keys[:depth]]
        return 0

    def at(self, *keys: str) -> str:
        line = self.line(*keys)
        return f'{self.source}:{line}' if line else self.source


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Line of every mapping key down to four levels: ('variables', 'PORT', 'type') → 7."""
    import yaml

    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    out: dict[tuple[str, ...], int] = {}

    def walk(node: Any, keys: tuple[str, ...]) -> None:
        if not isinstance(node, yaml.MappingNode) or len(keys) > 4:
            return
        for key_node, value_node in node.value:
            path = (*keys, str(key_node.value))
            out[path] = key_node.start_mark.line + 1
            walk(value_node, path)

    walk(root, ())
    return out


def describe(variable: Variable) -> str:
    """What a variable must hold, in words: 'enum: development, staging, production'."""
    c = variable.constraints
    parts = [variable.type]
    if 'choices' in c:
        parts.append('one of ' + ', '.join(map(str, c['choices'])))
    if 'schemes' in c:
        parts.append('schemes ' + ', '.join(c['schemes']))
    if 'items' in c or 'separator' in c:
        parts.append(f'{c.get("items", "str")} items separated by {c.get("separator", ",")!r}')
    if 'min_length' in c:
        parts.append(f'at least {c["min_length"]} characters')
    if c.get('pooled'):
        parts.append('a pooled endpoint (Neon: -pooler)')
    for env, override in variable.profiles.items():
        if override.get('pooled'):
            parts.append(f'a pooled endpoint (Neon: -pooler) in {env}')
        if 'min_length' in override:
            parts.append(f'at least {override["min_length"]} characters in {env}')
        if override.get('required') and not variable.required:
            parts.append(f'required in {env}')
    return '; '.join(parts)
