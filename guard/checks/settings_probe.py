"""A project's pydantic-settings class, imported and validated in a child process that sees
exactly the values under test.

`guard check env-schema --settings module:Class` and `guard env example --settings` run
`python -I -m guard.checks.settings_probe` with a request on stdin; the child empties
os.environ, sets it to the given values, turns off every dotenv and secrets-dir source, and
imports the module. A module that builds `settings = Settings()` on import is validated by
that very call: its ValidationError (or any other exception its validators raise) is
recorded and the instance is built without validation, so the import can go on. Whatever
sources a class chooses in `settings_customise_sources`, only its init arguments and the
environment count (the override is not called). The answer on stdout is JSON holding only error locations, types and
messages, field names and descriptions, and for a crash the exception's type, place and
text with every value under test masked: never an input value.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import json
import os
import sys
import traceback
from collections.abc import Iterable
from typing import Any

# Each class built during the import, with what its validation gave: {'errors': [...]} or,
# when its code raised something other than a ValidationError, {'crash': {...}}.
Recorded = list[tuple[type[Any], dict[str, Any]]]
CRASH_TEXT = 300  # characters of an exception's text kept (masked) for the message


def main() -> int:
    request = json.loads(sys.stdin.read())
    out = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):  # the project's prints are not the answer
        try:
            answer = handle(request)
        except KeyboardInterrupt:
            raise
        except BaseException as e:  # never an answer that reads as a pass
            answer = {'problem': f'guard could not evaluate the class ({type(e).__name__})'}
    # on a line of its own after the nonce: the project may write to fd 1 before and after (atexit)
    out.write(f'\n{request.get("nonce", "")}{json.dumps(answer)}\n')
    out.flush()
    return 0


def handle(request: dict[str, Any]) -> dict[str, Any]:
    os.environ.clear()
    for key, value in request['values'].items():
        with contextlib.suppress(ValueError):  # a NUL byte or '=' no environment can hold
            os.environ[key] = value
    sys.path.insert(0, request['app_dir'])
    recorded: Recorded = []
    crashes = _Crashes(request['app_dir'], request['values'].values())
    isolate(recorded, crashes)
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
    answer.update(validate(target, crashes))
    answer['others'] = [
        {'class': describe_class(cls), **outcome} for cls, outcome in _unique(recorded) if cls is not target
    ]
    answer['overridden_sources'] = sorted(_OVERRIDDEN)
    return answer


_STRICT = [False]  # True while guard validates: the error is the answer, not to be recorded
_ISOLATED: set[type[Any]] = set()  # classes whose sources are narrowed to the values under test
_OVERRIDDEN: set[str] = set()  # classes whose own settings_customise_sources was set aside


class _Crashes:
    """Turns an exception from the project's code into what the answer may hold."""

    def __init__(self, app_dir: str, values: Iterable[str]) -> None:
        self.app_dir = os.path.abspath(app_dir) + os.sep
        self.values = list(values)

    def describe(self, error: BaseException) -> dict[str, Any]:
        from guard.redact import mask_values

        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if os.path.abspath(f.filename).startswith(self.app_dir)]
        candidates = ours or [f for f in frames if f.filename != __file__]
        frame = candidates[-1] if candidates else None
        try:
            text = str(error)[: CRASH_TEXT * 4]
        except Exception:  # a __str__ that raises: the type and place still say enough
            text = ''
        return {
            'type': type(error).__name__,
            'file': frame.filename if frame else None,
            'line': frame.lineno if frame else None,
            'function': frame.name if frame else None,
            'text': mask_values(text, self.values)[:CRASH_TEXT],
        }


def isolate(recorded: Recorded, crashes: _Crashes) -> None:
    """Only the values under test, whatever model_config and settings_customise_sources say;
    an instance that fails validation during the import (a ValidationError or anything else
    its validators raise) is recorded and built unvalidated, so the import goes on."""
    from pydantic import ValidationError
    from pydantic_settings import BaseSettings, DotEnvSettingsSource, SecretsSettingsSource

    # also for sources a class builds itself; values from a secrets directory guard was asked
    # to read arrive in the environment
    DotEnvSettingsSource.__call__ = lambda self: {}  # type: ignore[method-assign]
    SecretsSettingsSource.__call__ = lambda self: {}  # type: ignore[method-assign]
    original = BaseSettings.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        narrow_sources(type(self))
        kwargs.pop('_build_sources', None)  # sources built outside the hook above
        try:
            original(self, *args, **kwargs)
        except Exception as e:
            if _STRICT[0]:
                raise
            outcome = {'errors': safe_errors(e)} if isinstance(e, ValidationError) else {'crash': crashes.describe(e)}
            recorded.append((type(self), outcome))
            built = type(self).model_construct()
            for name in ('__dict__', '__pydantic_fields_set__', '__pydantic_extra__', '__pydantic_private__'):
                object.__setattr__(self, name, getattr(built, name, None))

    BaseSettings.__init__ = init  # type: ignore[method-assign,assignment]


def narrow_sources(cls: type[Any]) -> None:
    """Only init arguments and the environment (which holds the values under test), whatever
    the class's settings_customise_sources chooses. Its own choice is not even called: the
    sources it builds may read a JSON or TOML file, a dotenv file, a secrets directory, or a
    cloud vault over the network. (A custom env source's own parsing is lost with it.)"""
    if cls in _ISOLATED:
        return
    _ISOLATED.add(cls)
    from pydantic_settings import BaseSettings

    overrides = [
        c
        for c in cls.__mro__
        if c is not BaseSettings
        and 'settings_customise_sources' in vars(c)
        and getattr(vars(c)['settings_customise_sources'], '__func__', None) is not _values_under_test
    ]
    if overrides:
        _OVERRIDDEN.add(f'{overrides[0].__module__}.{overrides[0].__qualname__}')
    cls.settings_customise_sources = classmethod(_values_under_test)


def _values_under_test(_: type[Any], settings_cls: type[Any], *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    names = ('init_settings', 'env_settings', 'dotenv_settings', 'file_secret_settings')
    given = {**dict(zip(names, args, strict=False)), **kwargs}
    return (given['init_settings'], given['env_settings'])


def validate(cls: type[Any], crashes: _Crashes) -> dict[str, Any]:
    """The class built from the environment set above, as the app builds it: its errors, or
    the crash when its code raised something other than a ValidationError."""
    from pydantic import ValidationError

    _STRICT[0] = True
    try:
        cls()
    except ValidationError as e:
        return {'errors': safe_errors(e)}
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # the project's validators: a KeyError is a failure, not a pass
        return {'errors': [], 'crash': crashes.describe(e)}
    finally:
        _STRICT[0] = False
    return {'errors': []}


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
    }


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
        from guard.brief import clip

        return clip(f'{type(error).__name__}: {error}', 160)  # redacted on guard's side
    return f'{type(error).__name__} raised while importing'


def _unique(recorded: Recorded) -> Recorded:
    seen: set[type[Any]] = set()
    out = []
    for cls, outcome in recorded:
        if cls not in seen:
            seen.add(cls)
            out.append((cls, outcome))
    return out


if __name__ == '__main__':
    raise SystemExit(main())
