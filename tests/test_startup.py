"""The pre-commit path stays light: no pydantic, pydantic-settings or detect_secrets imports."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ('pydantic', 'pydantic_settings', 'detect_secrets')
PROBE = """
import sys
from guard.cli import main
sys.stdin = open({stdin!r})
code = main({argv!r})
heavy = sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})
print(code, heavy)
"""


@pytest.mark.parametrize('argv', [
    ['scan', '--stdin', '-q'],
    ['scan', '-q', '.'],
])
def test_scan_path_imports_nothing_heavy(argv: list[str], repo: Path) -> None:
    (repo / 'a.txt').write_text('hello\n')
    probe = PROBE.format(stdin=str(repo / 'a.txt'), argv=argv, heavy=HEAVY)
    out = subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True, check=True).stdout
    assert out.split()[-1] == '[]', out
    assert out.startswith('0 ')
