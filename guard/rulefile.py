"""The built-in rules as one generated file, read at start-up instead of parsing guard/rules/*.yaml.

    python -m guard.rulefile          # after editing guard/rules/*.yaml (tests/test_rulefile.py fails until then)

guard/rules/builtin.json holds every rule as parsed and validated from the YAML, one row per line in
field order with one type tag per field, and beside each rule its keyword-window width
(guard/detectors/windows.py), which costs a regex parse per rule to work out. JSON, not pickle or
Python source: reading it can run no code, and it needs no bytecode cache to load fast.
"""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from guard.models import Confidence, Severity

FORMAT = 1
PATH = Path(__file__).resolve().parent / 'rules' / 'builtin.json'
ENUMS: dict[str, type[enum.IntEnum]] = {'Severity': Severity, 'Confidence': Confidence}
# how a field's values are stored (JSON has lists, not tuples or sets) and read back; None stays None
_CONTAINERS: dict[str, Callable[[Any], Any]] = {'tuple': tuple, 'frozenset': frozenset}
_PLAIN = (str, int, float, bool, type(None))

Windows = dict[str, int | None]  # rule id → its keyword-window width (None: it scans whole texts)


def load(rule_type: type[Any]) -> tuple[tuple[Any, ...], Windows]:
    """The rules and their window widths as generated. OSError or ValueError when the file is
    missing (an installation that is not plain files) or was written for other Rule fields."""
    with open(PATH, encoding='utf-8') as handle:
        return decode(rule_type, json.load(handle))


def render(rule_type: type[Any], rules: Sequence[Any], windows: Windows) -> str:
    """The file's text: the same rules give the same bytes, one rule per line (diffs stay readable)."""
    data = encode(rule_type, rules)
    head = json.dumps({'format': FORMAT, 'fields': data['fields'], 'kinds': data['kinds']})
    rows = [json.dumps([*row, windows.get(rule.id)]) for rule, row in zip(rules, data['rules'], strict=True)]
    return head[:-1] + ', "rules": [\n' + ',\n'.join(rows) + '\n]}\n'


def generate() -> str:
    """The file as the YAML rules make it now."""
    from guard.detectors.rules import Rule, parse_builtin_rules
    from guard.detectors.windows import window_width

    rules = parse_builtin_rules()
    return render(Rule, rules, {r.id: window_width(r.pattern, r.keywords) for r in rules})


def encode(rule_type: type[Any], rules: Sequence[Any]) -> dict[str, Any]:
    """{'fields': names, 'kinds': one tag per field, 'rules': one row of values per rule}.
    TypeError for a value that has no tag."""
    fields = list(rule_type._fields)
    kinds = [_kind(name, [getattr(r, name) for r in rules]) for name in fields]
    rows = [[_plain(getattr(r, name), kind) for name, kind in zip(fields, kinds, strict=True)] for r in rules]
    return {'fields': fields, 'kinds': kinds, 'rules': rows}


def decode(rule_type: type[Any], data: dict[str, Any]) -> tuple[tuple[Any, ...], Windows]:
    fields = list(rule_type._fields)
    if data.get('format') != FORMAT or data['fields'] != fields or len(data['kinds']) != len(fields):
        raise ValueError(f'{PATH} was written for other Rule fields: run python -m guard.rulefile')
    readers = [(i, _reader(kind)) for i, kind in enumerate(data['kinds']) if kind != 'plain']
    rules = []
    windows: Windows = {}
    for row in data['rules']:
        if len(row) != len(fields) + 1:
            raise ValueError(f'{PATH}: a rule has the wrong number of fields: run python -m guard.rulefile')
        for i, read in readers:
            if row[i] is not None:
                row[i] = read(row[i])
        rule = rule_type(*row[:-1])
        windows[rule.id] = row[-1]
        rules.append(rule)
    return tuple(rules), windows


def _kind(name: str, values: list[Any]) -> str:
    kinds = {_value_kind(v) for v in values if v is not None} or {'plain'}
    if len(kinds) > 1:
        raise TypeError(f'cannot store field {name}: it holds {", ".join(sorted(kinds))}')
    return kinds.pop()


def _value_kind(value: Any) -> str:
    if isinstance(value, enum.IntEnum):
        if type(value).__name__ not in ENUMS:
            raise TypeError(f'cannot store a {type(value).__name__}')
        return type(value).__name__
    if isinstance(value, (tuple, frozenset)):
        if not all(isinstance(v, _PLAIN) and not isinstance(v, enum.Enum) for v in value):
            raise TypeError('cannot store nested values')
        return 'tuple' if isinstance(value, tuple) else 'frozenset'
    if isinstance(value, _PLAIN):
        return 'plain'
    raise TypeError(f'cannot store a {type(value).__name__}')


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
    raise ValueError(f'unknown field tag {kind!r}: run python -m guard.rulefile')


def main(argv: Sequence[str] | None = None) -> int:
    text = generate()
    PATH.write_text(text, encoding='utf-8')
    print(f'wrote {PATH}: {text.count(chr(10)) - 2} rules')
    return 0


if __name__ == '__main__':
    raise SystemExit(main(sys.argv[1:]))
