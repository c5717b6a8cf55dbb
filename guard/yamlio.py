"""YAML reading with errors that name the file and line."""

from __future__ import annotations

from typing import Any

import yaml

from guard.errors import ConfigError

# libyaml's loader is several times faster; PyYAML may be built without it.
_Loader: Any = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)


def load(text: str, where: str) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        line = f':{mark.line + 1}' if mark is not None else ''
        raise ConfigError(f'{where}{line}: malformed YAML: {e.problem}') from None
    except yaml.YAMLError as e:
        raise ConfigError(f'{where}: malformed YAML: {e}') from None
