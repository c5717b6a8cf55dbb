"""The checks sit below api: no check imports it (the scanner comes in through the
Workspace), and the Workspace lives apart from the registry that imports the checks.
Imports inside functions count; those under `if TYPE_CHECKING:` do not."""

from __future__ import annotations

import ast
from pathlib import Path

import guard

GUARD = Path(guard.__file__).parent
CHECKS = GUARD / 'checks'


def imported(path: Path) -> set[str]:
    """Every guard module `path` imports at run time, at any depth."""
    tree = ast.parse(path.read_text(encoding='utf-8'))
    typing_only = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and 'TYPE_CHECKING' in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from guard.checks import exposure` imports the module guard.checks.exposure;
            # `from guard.checks import Workspace` takes a name from guard.checks itself
            names = {f'{node.module}.{a.name}' for a in node.names}
            out.update(names)
            if not all(is_module(n) for n in names):
                out.add(node.module)
    return {name for name in out if name == 'guard' or name.startswith('guard.')}


def is_module(name: str) -> bool:
    base = GUARD.parent.joinpath(*name.split('.'))
    return base.with_suffix('.py').is_file() or (base / '__init__.py').is_file()


def module_name(path: Path) -> str:
    parts = path.relative_to(GUARD.parent).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def test_no_check_imports_api() -> None:
    offenders = {
        module_name(p): sorted(n for n in imported(p) if n.startswith('guard.api')) for p in CHECKS.glob('*.py')
    }
    assert {m: names for m, names in offenders.items() if names} == {}


def test_the_checks_import_the_workspace_not_the_registry() -> None:
    # `from guard.checks import settings_class` names a sibling module, which is fine;
    # `from guard.checks import Workspace` would go through the registry's package
    registry_names = {'guard.checks.Workspace', 'guard.checks.CheckResult', 'guard.checks.CheckOptions'}
    for path in CHECKS.glob('*.py'):
        if path.name != '__init__.py':
            assert not imported(path) & registry_names, path.name
    assert not {n for n in imported(CHECKS / 'workspace.py') if n.startswith('guard.checks')} - {
        'guard.checks.envfiles',
        'guard.checks.envfiles.file_kind',
        'guard.checks.envfiles.ENV_FILE_PATTERNS',
    }


def test_no_import_cycle_through_the_checks() -> None:
    modules = {module_name(p): p for p in [*CHECKS.glob('*.py'), GUARD / 'api.py']}
    graph = {m: {n for n in imported(p) if n in modules and n != m} for m, p in modules.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and (seen.add(nxt) or reaches(nxt, goal, seen))):
                return True
        return False

    assert sorted(m for m in graph if reaches(m, m, set())) == []
