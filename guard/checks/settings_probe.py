"""A project's pydantic-settings class, imported and validated in a child process that sees
exactly the values under test.

`guard check env-schema --settings module:Class` and `guard env example --settings` run
`python -I -m guard.checks.settings_probe` with a request on stdin; the child empties
os.environ, sets it to the given values, turns off every dotenv and secrets-dir source, and
imports the module. A module that builds `settings = Settings()` on import is validated by
that very call: its ValidationError is recorded and the instance is built without
validation, so the import can go on. The answer on stdout is JSON holding only error
locations, types and messages, field names and descriptions: never an input value.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import json
import os
import sys
from typing import Any

Recorded = list[tuple[type[Any], list[dict[str, Any]]]]


def main() -> int:
    request = json.loads(sys.stdin.read())
    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):  # the project's prints are not the answer
        answer = handle(request)
    out.write('\n' + json.dumps(answer) + '\n')  # the last line: a stray write to fd 1 comes before it
    out.flush()
    return 0


def handle(request: dict[str, Any]) -> dict[str, Any]:
    os.environ.clear()
    for key, value in request['values'].items():
        with contextlib.suppress(ValueError):  # a NUL byte or '=' no environment can hold
            os.environ[key] = value
    sys.path.insert(0, request['app_dir'])
    recorded: Recorded = []
    isolate(recorded)
    module_name, _, attribute = request['ref'].partition(':')
    target: Any = None
    problem = None
    try:
        target = importlib.import_module(module_name)
        for part in attribute.split('.'):
            target = getattr(target, part)
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # the project's code: anything can happen, reported not raised
        problem = describe_problem(e)
        target = next((cls for cls, _ in recorded if cls.__qualname__ == attribute), None)
    if target is None:
        return {'problem': problem or f'{request["ref"]} not found'}
    from pydantic_settings import BaseSettings

    if not (isinstance(target, type) and issubclass(target, BaseSettings)):
        return {'not_settings': True}
    answer: dict[str, Any] = {'class': describe_class(target), 'import_problem': problem}
    if request.get('mode') == 'describe':
        answer['fields'] = fields(target)
        return answer
    errors = validate(target)
    if errors is None:  # validation raised something else: taken from the import, if any
        errors = next((e for cls, e in recorded if cls is target), [])
    answer['errors'] = errors
    answer['others'] = [
        {'class': describe_class(cls), 'errors': e} for cls, e in _unique(recorded) if cls is not target
    ]
    return answer


_STRICT = [False]  # True while guard validates: the error is the answer, not to be recorded


def isolate(recorded: Recorded) -> None:
    """No dotenv file and no secrets directory, whatever model_config says; an instance that
    fails validation during the import is recorded and built unvalidated, so the import goes on."""
    from pydantic import ValidationError
    from pydantic_settings import BaseSettings, DotEnvSettingsSource, SecretsSettingsSource

    DotEnvSettingsSource.__call__ = lambda self: {}  # type: ignore[method-assign]
    SecretsSettingsSource.__call__ = lambda self: {}  # type: ignore[method-assign]
    original = BaseSettings.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            original(self, *args, **kwargs)
        except ValidationError as e:
            if _STRICT[0]:
                raise
            recorded.append((type(self), safe_errors(e)))
            built = type(self).model_construct()
            for name in ('__dict__', '__pydantic_fields_set__', '__pydantic_extra__', '__pydantic_private__'):
                object.__setattr__(self, name, getattr(built, name, None))

    BaseSettings.__init__ = init  # type: ignore[method-assign,assignment]


def validate(cls: type[Any]) -> list[dict[str, Any]] | None:
    """The class built from the environment set above, as the app builds it: its errors, or
    None when it raised something other than a ValidationError."""
    from pydantic import ValidationError

    _STRICT[0] = True
    try:
        cls()
    except ValidationError as e:
        return safe_errors(e)
    except KeyboardInterrupt:
        raise
    except BaseException:
        return None
    finally:
        _STRICT[0] = False
    return []


def safe_errors(error: Any) -> list[dict[str, Any]]:
    return [
        {'loc': [str(p) if not isinstance(p, int) else p for p in e.get('loc', ())], 'type': e['type'], 'msg': e['msg']}
        for e in error.errors(include_input=False, include_url=False)
    ]


def describe_class(cls: type[Any]) -> dict[str, Any]:
    from guard.checks.env_schema import _field_keys

    config = cls.model_config
    prefix = str(config.get('env_prefix') or '')
    case_sensitive = bool(config.get('case_sensitive', False))
    env_names: dict[str, list[str]] = {}
    for name, field in cls.model_fields.items():
        keys = _field_keys(name, field, prefix)
        names = [env if case_sensitive else env.upper() for _, env in keys]
        env_names[name] = names
        for key, _ in keys:
            env_names.setdefault(key, names)
    try:
        source = inspect.getsourcefile(cls)
        line = inspect.getsourcelines(cls)[1]
    except (OSError, TypeError):
        source, line = None, None
    return {
        'name': f'{cls.__module__}.{cls.__qualname__}',
        'file': source,
        'line': line,
        'env_names': env_names,
        'case_sensitive': case_sensitive,
        'secret': sorted(name for name, field in cls.model_fields.items() if _secret_type(field.annotation)),
    }


def _secret_type(annotation: Any) -> bool:
    """SecretStr, SecretBytes, or a type that holds one (`SecretStr | None`)."""
    return 'Secret' in repr(annotation)


def fields(cls: type[Any]) -> list[dict[str, Any]]:
    """What `guard env example` writes: env name, description, required, a default that is
    safe to show (never for a secret), and whether the type is a list or a mapping (JSON)."""
    from pydantic import SecretBytes, SecretStr
    from pydantic_core import PydanticUndefined

    from guard.checks.env_schema import _field_keys
    from guard.checks.exposure import is_secret_name

    config = cls.model_config
    prefix = str(config.get('env_prefix') or '')
    case_sensitive = bool(config.get('case_sensitive', False))
    out = []
    for name, field in cls.model_fields.items():
        env = _field_keys(name, field, prefix)[0][1]
        env = env if case_sensitive else env.upper()
        annotation = field.annotation
        text = repr(annotation)
        secret = annotation in (SecretStr, SecretBytes) or 'Secret' in text or is_secret_name(env)
        default = field.default
        shown = None
        if not secret and default is not PydanticUndefined and default is not None and field.default_factory is None:
            shown = json.dumps(default) if isinstance(default, list | dict | tuple) else _scalar(default)
        out.append(
            {
                'env': env,
                'description': field.description or '',
                'required': field.is_required(),
                'default': shown,
                'secret': secret,
                'json': text.startswith(('list', 'dict', 'tuple', 'set', 'typing.List', 'typing.Dict')),
            }
        )
    return out


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(getattr(value, 'value', value))


def describe_problem(error: BaseException) -> str:
    if isinstance(error, ImportError | AttributeError | SyntaxError):
        return f'{type(error).__name__}: {error}'
    return f'{type(error).__name__} raised while importing'


def _unique(recorded: Recorded) -> Recorded:
    seen: set[type[Any]] = set()
    out = []
    for cls, errors in recorded:
        if cls not in seen:
            seen.add(cls)
            out.append((cls, errors))
    return out


if __name__ == '__main__':
    raise SystemExit(main())
