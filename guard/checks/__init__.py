"""Config hygiene checks: each takes a Workspace (guard/checks/workspace.py) and returns
findings, like a detector does.

The registry is explicit. No module here imports pydantic at import time: the env-schema
check imports it inside the functions that build and validate models.
"""

from __future__ import annotations

from collections.abc import Callable

from guard.checks.envfiles import ENV_FILE_PATTERNS
from guard.checks.workspace import (
    DOCS,
    ENV_FILE_PROBES,
    KEY_FILE_PATTERNS,
    LOCAL_FILES,
    SCHEMA_FILE,
    SKIP_DIRS,
    TEMPLATE_NAMES,
    CheckOptions,
    CheckResult,
    EnvSettings,
    Workspace,
    join,
    parent,
)

__all__ = [
    'CHECK_NAMES',
    'DOCS',
    'ENV_FILE_PATTERNS',
    'ENV_FILE_PROBES',
    'KEY_FILE_PATTERNS',
    'LOCAL_FILES',
    'SCHEMA_FILE',
    'SKIP_DIRS',
    'TEMPLATE_NAMES',
    'Check',
    'CheckOptions',
    'CheckResult',
    'EnvSettings',
    'Workspace',
    'join',
    'parent',
    'registry',
]

Check = Callable[[Workspace], CheckResult]


def registry() -> dict[str, Check]:
    """Check name → function, in the order `guard check all` runs them."""
    # imported on first use: most commands run no check
    from guard.checks import env_example, env_schema, gitignore

    return {'gitignore': gitignore.check, 'env-example': env_example.check, 'env-schema': env_schema.check}


CHECK_NAMES = ('gitignore', 'env-example', 'env-schema')
