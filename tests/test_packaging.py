"""The distribution name: `guard` on PyPI is an unrelated 2013 package, so every install
instruction guard gives must name `guard-secrets` (the command and the import stay `guard`)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = 'guard-secrets'
# `pip install guard`, `pipx install guard`, `uv pip install guard`, `pip install -U guard`...,
# but not `guard-secrets`, `guard[...]`-less paths like `.[test]`, or `guard` as part of a longer word
WRONG = re.compile(r'\bpipx?\s+install\s+(?:-{1,2}[\w-]+\s+)*guard(?![\w-])')


def tracked_text_files() -> list[Path]:
    names = (
        subprocess.run(['git', 'ls-files', '-z'], cwd=ROOT, capture_output=True, check=True).stdout.decode().split('\0')
    )
    return [ROOT / n for n in names if n and (ROOT / n).is_file()]


def test_pattern_catches_the_wrong_instructions() -> None:
    for wrong in ('pip install guard', 'pipx install guard', 'uv pip install -U guard', '(pip install guard)'):
        assert WRONG.search(wrong), wrong
    for right in ('pip install guard-secrets', 'pipx install guard-secrets', "pip install '.[audit]'", 'pip install .'):
        assert not WRONG.search(right), right


def test_no_file_tells_users_to_install_the_wrong_guard() -> None:
    hits = []
    for path in tracked_text_files():
        try:
            text = path.read_text(encoding='utf-8')
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if WRONG.search(line) and path.name != 'test_packaging.py':
                hits.append(f'{path.relative_to(ROOT)}:{number}: {line.strip()}')
    assert hits == []


def test_the_distribution_is_guard_secrets_and_the_command_guard() -> None:
    project = tomllib.loads((ROOT / 'pyproject.toml').read_text(encoding='utf-8'))['project']
    assert project['name'] == DISTRIBUTION
    assert project['scripts'] == {'guard': 'guard.cli:main'}


def test_the_hook_shims_name_the_distribution() -> None:
    from guard.install import SHIMS

    for name, shim in SHIMS.items():
        assert f'pipx install {DISTRIBUTION}' in shim, name
        assert (ROOT / 'hooks' / name).read_text(encoding='utf-8') == shim
