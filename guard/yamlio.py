"""YAML reading with errors that name the file and line.

A config or rules file may come from the pull request under test, so it is composed
first and checked before anything is built from it: aliases may not expand it by more
than ALIAS_BUDGET nodes (a 370-byte alias bomb is a billion), no alias may contain
itself, and no mapping may name a key twice (YAML keeps the last one silently).
"""

from __future__ import annotations

from typing import Any

import yaml

from guard.brief import brief, clip
from guard.errors import ConfigError

# libyaml's loader is several times faster; PyYAML may be built without it.
_Loader: Any = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
ALIAS_BUDGET = 10_000  # nodes that aliases may add to a document, beyond its own


def load(text: str, where: str) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check(node, where)
        return loader.construct_document(node)
    except (ValueError, OverflowError) as e:  # a number past Python's digit limit, a date like 2026-13-40
        raise ConfigError(
            f'{where}: a value YAML cannot build ({clip(str(e), 80)}): quote it to make it a string'
        ) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        line = f':{mark.line + 1}' if mark is not None else ''
        raise ConfigError(f'{where}{line}: malformed YAML: {clip(str(e.problem))}') from None
    except yaml.YAMLError as e:
        raise ConfigError(f'{where}: malformed YAML: {clip(str(e))}') from None
    finally:
        loader.dispose()


def _check(root: yaml.Node, where: str) -> None:
    """Duplicate keys, recursive aliases and alias expansion beyond the budget, each with its line."""
    sizes: dict[int, int] = {}  # node id → nodes it expands to, once done
    open_: set[int] = set()  # nodes being expanded: meeting one again is a recursive alias
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            continue
        if key in sizes:
            continue
        if key in open_:
            raise ConfigError(f'{where}:{node.start_mark.line + 1}: an alias contains itself: remove the alias')
        open_.add(key)
        if isinstance(node, yaml.MappingNode):
            _reject_duplicates(node, where)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    if sizes[id(root)] > len(sizes) + ALIAS_BUDGET:
        raise ConfigError(
            f'{where}: aliases expand this file to {sizes[id(root)]:,} values '
            f'(at most {ALIAS_BUDGET:,} more than it holds): write the values out instead'
        )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _reject_duplicates(node: yaml.MappingNode, where: str) -> None:
    seen: set[tuple[str, str]] = set()
    for key, _value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == 'tag:yaml.org,2002:merge':
            continue
        if (key.tag, key.value) in seen:
            raise ConfigError(f'{where}:{key.start_mark.line + 1}: duplicate key {brief(key.value)}: keep one of them')
        seen.add((key.tag, key.value))


def line_of(text: str, keys: tuple[str | int, ...]) -> int | None:
    """The 1-based line of the value at `keys` (mapping keys, sequence indexes), or of the deepest
    one found; None when the text does not parse. For error messages only: it composes the text again."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None
    line = None
    for key in keys:
        if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == key:
                    line = key_node.start_mark.line + 1
                    node = value_node
                    break
            else:
                break
        else:
            break
    return line
