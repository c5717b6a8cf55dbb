"""The built-in rules, parsed once per change of the rule files rather than once per run.

Parsing guard/rules/*.yaml and validating every pattern (a re.compile each) costs
~55 ms per start-up with 135 rules, a fifth of a pre-commit run's wall time; reading
the same rules back from JSON costs ~2 ms. The cache lives in the user's cache
directory, is keyed by a hash of the rule files and of the code that parses them,
and is only ever an optimisation: any problem reading or writing it falls back to
parsing, silently. JSON, not pickle: a cache file must never be able to run code.
GUARD_CACHE_DIR overrides the location; set it empty to turn the cache off.
"""
from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import os
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from guard import __version__
from guard.models import Confidence, Severity

ENUMS: dict[str, type[enum.IntEnum]] = {'Severity': Severity, 'Confidence': Confidence}
FORMAT = 1


def cache_dir() -> Path | None:
    configured = os.environ.get('GUARD_CACHE_DIR')
    if configured is not None:
        return Path(configured) if configured else None
    if sys.platform == 'win32':
        base = os.environ.get('LOCALAPPDATA')
        return Path(base) / 'guard' / 'Cache' if base else None
    if sys.platform == 'darwin':
        return Path.home() / 'Library' / 'Caches' / 'guard'
    xdg = os.environ.get('XDG_CACHE_HOME')
    return (Path(xdg) if xdg else Path.home() / '.cache') / 'guard'


def source_key(rule_type: type[Any]) -> str:
    """Hash of everything that decides the parsed rules: the YAML files, the parser, the Rule fields."""
    digest = hashlib.sha256(f'{FORMAT} {__version__} {sys.version_info[:2]}'.encode())
    digest.update(' '.join(f.name for f in dataclasses.fields(rule_type)).encode())
    for entry in sorted(resources.files('guard.rules').iterdir(), key=lambda p: p.name):
        if entry.name.endswith('.yaml'):
            digest.update(entry.name.encode() + b'\0' + entry.read_bytes() + b'\0')
    for module in ('rules.py', 'validators.py'):
        digest.update(resources.files('guard.detectors').joinpath(module).read_bytes())
    return digest.hexdigest()


def cached(rule_type: type[Any], parse: Callable[[], tuple[Any, ...]]) -> tuple[Any, ...]:
    """`parse()`, or its result from the cache when the rule sources have not changed."""
    try:
        directory = cache_dir()
        key = source_key(rule_type)
    except (OSError, RuntimeError):
        return parse()
    if directory is None:
        return parse()
    path = directory / 'builtin-rules.json'
    try:
        data = json.loads(path.read_text(encoding='utf-8'))
        if data.get('key') == key:
            return tuple(rule_type(**{k: _decode(v) for k, v in item.items()}) for item in data['rules'])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass
    rules = parse()
    try:
        payload = json.dumps({'key': key, 'rules': [
            {f.name: _encode(getattr(r, f.name)) for f in dataclasses.fields(r)} for r in rules]})
        directory.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f'{path.name}.{os.getpid()}.tmp')
        temporary.write_text(payload, encoding='utf-8')
        os.replace(temporary, path)       # atomic: a concurrent run reads the old file or the new one
    except (OSError, TypeError, ValueError):
        pass
    return rules


def _encode(value: Any) -> Any:
    if isinstance(value, enum.IntEnum):
        return {'$enum': type(value).__name__, 'value': int(value)}
    if isinstance(value, frozenset):
        return {'$frozenset': sorted(_encode(v) for v in value)}
    if isinstance(value, tuple):
        return {'$tuple': [_encode(v) for v in value]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f'cannot cache a {type(value).__name__}')


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if '$enum' in value:
            return ENUMS[value['$enum']](value['value'])
        if '$frozenset' in value:
            return frozenset(_decode(v) for v in value['$frozenset'])
        if '$tuple' in value:
            return tuple(_decode(v) for v in value['$tuple'])
        raise ValueError('unknown cache tag')
    return value
