"""The built-in rules, parsed once per change of the rule files rather than once per run.

Parsing guard/rules/*.yaml and validating every pattern (a re.compile each) costs
~55 ms per start-up with 135 rules, a fifth of a pre-commit run's wall time; reading
the same rules back from JSON costs ~2 ms. The cache lives in the user's cache
directory and is only ever an optimisation: any problem reading or writing it falls
back to parsing, silently. JSON, not pickle: a cache file must never be able to run code.
GUARD_CACHE_DIR overrides the location; set it empty to turn the cache off.

The key names every file that decides the parsed rules (the YAML files, the parser, the
validators) by path, size and modification time in nanoseconds, as Python keys its .pyc
files by a source's size and mtime: a stat per file, where hashing their contents cost
a read of every rule file and a package-resources import on every commit. Since the key
names the installation's path, each installation has its own file (a hook's environment
and a dev venv used in turns would otherwise rewrite one file on every run); files no run
has rewritten for PRUNE_DAYS are removed when a new one is written. Rules are stored as
rows in field order, with one type tag per field rather than per value, so reading them
back is a loop of constructor calls.
"""

from __future__ import annotations

import enum
import json
import os
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from guard import __version__
from guard.models import Confidence, Severity

ENUMS: dict[str, type[enum.IntEnum]] = {'Severity': Severity, 'Confidence': Confidence}
FORMAT = 2
PACKAGE = Path(__file__).resolve().parent
RULES_DIR = PACKAGE / 'rules'
PARSER_SOURCES = (PACKAGE / 'detectors' / 'rules.py', PACKAGE / 'detectors' / 'validators.py')
# how a field's values are stored (JSON has lists, not tuples or sets) and read back; None stays None
_CONTAINERS: dict[str, Callable[[Any], Any]] = {'tuple': tuple, 'frozenset': frozenset}
_PLAIN = (str, int, float, bool, type(None))
PRUNE_DAYS = 30


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


def source_key() -> str:
    """Everything that decides the parsed rules: versions, and each source file's path, size
    and mtime (the Rule fields are checked by `decode`, against the names the file lists).
    OSError when a source cannot be listed or stat'ed (then there is no cache: an
    installation that is not plain files, such as a zip)."""
    parts = [f'{FORMAT} {__version__} {sys.version_info[:2]}']
    names = sorted(n for n in os.listdir(RULES_DIR) if n.endswith('.yaml'))
    for path in (*(RULES_DIR / n for n in names), *PARSER_SOURCES):
        st = os.stat(path)
        parts.append(f'{path} {st.st_size} {st.st_mtime_ns}')
    return '\n'.join(parts)


def cached(rule_type: type[Any], parse: Callable[[], tuple[Any, ...]]) -> tuple[Any, ...]:
    """`parse()`, or its result from the cache when the rule sources have not changed."""
    try:
        directory = cache_dir()
        key = source_key()
    except (OSError, RuntimeError):
        return parse()
    if directory is None:
        return parse()
    path = directory / cache_name()
    try:
        with open(path, encoding='utf-8') as fh:
            data = json.load(fh)
        if data.get('key') == key:
            return decode(rule_type, data)
    except (OSError, ValueError, TypeError, KeyError, AttributeError, IndexError):
        pass
    rules = parse()
    try:
        payload = json.dumps({'key': key, **encode(rule_type, rules)})
        directory.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f'{path.name}.{os.getpid()}.tmp')
        temporary.write_text(payload, encoding='utf-8')
        os.replace(temporary, path)  # atomic: a concurrent run reads the old file or the new one
        _prune(directory)
    except (OSError, TypeError, ValueError):
        pass
    return rules


def cache_name() -> str:
    """This installation's cache file: named by its package directory."""
    return f'builtin-rules-{zlib.crc32(str(PACKAGE).encode("utf-8", "surrogateescape")):08x}.json'


def _prune(directory: Path) -> None:
    """Remove cache files no run has rewritten for PRUNE_DAYS: other installations' (most
    likely gone; if not, they parse their rules once again) and temporary files a killed run
    left. The file just written is newer than that."""
    cutoff = time.time() - PRUNE_DAYS * 86400
    for entry in os.scandir(directory):
        if entry.name.startswith('builtin-rules'):
            try:
                if entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
            except OSError:
                pass


def encode(rule_type: type[Any], rules: tuple[Any, ...]) -> dict[str, Any]:
    """{'fields': names, 'kinds': one tag per field, 'rules': one row of values per rule}.
    TypeError for a value that has no tag (then nothing is cached)."""
    fields = list(rule_type._fields)
    kinds = [_kind(name, [getattr(r, name) for r in rules]) for name in fields]
    rows = [[_plain(getattr(r, name), kind) for name, kind in zip(fields, kinds, strict=True)] for r in rules]
    return {'fields': fields, 'kinds': kinds, 'rules': rows}


def decode(rule_type: type[Any], data: dict[str, Any]) -> tuple[Any, ...]:
    fields = list(rule_type._fields)
    if data['fields'] != fields or len(data['kinds']) != len(fields):
        raise ValueError('the cache was written for other Rule fields')
    readers = [(i, _reader(kind)) for i, kind in enumerate(data['kinds']) if kind != 'plain']
    rules = []
    for row in data['rules']:
        if len(row) != len(fields):
            raise ValueError('a cached rule has the wrong number of fields')
        for i, read in readers:
            if row[i] is not None:
                row[i] = read(row[i])
        rules.append(rule_type(*row))
    return tuple(rules)


def _kind(name: str, values: list[Any]) -> str:
    kinds = {_value_kind(v) for v in values if v is not None} or {'plain'}
    if len(kinds) > 1:
        raise TypeError(f'cannot cache field {name}: it holds {", ".join(sorted(kinds))}')
    return kinds.pop()


def _value_kind(value: Any) -> str:
    if isinstance(value, enum.IntEnum):
        if type(value).__name__ not in ENUMS:
            raise TypeError(f'cannot cache a {type(value).__name__}')
        return type(value).__name__
    if isinstance(value, (tuple, frozenset)):
        if not all(isinstance(v, _PLAIN) and not isinstance(v, enum.Enum) for v in value):
            raise TypeError('cannot cache nested values')
        return 'tuple' if isinstance(value, tuple) else 'frozenset'
    if isinstance(value, _PLAIN):
        return 'plain'
    raise TypeError(f'cannot cache a {type(value).__name__}')


def _plain(value: Any, kind: str) -> Any:
    if value is None or kind == 'plain':
        return value
    if kind == 'frozenset':
        return sorted(value)
    if kind == 'tuple':
        return list(value)
    return int(value)


def _reader(kind: str) -> Callable[[Any], Any]:
    if kind in _CONTAINERS:
        return _CONTAINERS[kind]
    if kind in ENUMS:
        return ENUMS[kind]
    raise ValueError(f'unknown cache tag {kind!r}')
