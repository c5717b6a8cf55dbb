"""The pre-commit path stays light: no pydantic, pydantic-settings or detect_secrets imports,
and `guard scan --staged` parses its line without click, exactly as click would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from guard.cli import fastpath
from guard.cli.commands import COMMANDS, cli
from guard.cli.fastpath import parse_staged_scan
from guard.cli.scan import scan
from guard.cli.scanning import scan_args
from tests.conftest import commit_all, git, run_guard, write
from tests.secrets import random_body

HEAVY = ('pydantic', 'pydantic_settings', 'detect_secrets')
# Beyond those, what the staged scan has no use for: click (its line is parsed by hand),
# YAML and package resources (the rules come from the cache, checked by stat), the history
# audit's store and worker pools; the baseline (none configured here) and hashlib (nothing found);
# dataclasses, which imports inspect, ast and dis (~7 ms): the path's types are NamedTuples.
STAGED_NEVER = (
    *HEAVY,
    'click',
    'yaml',
    'importlib.resources',
    'sqlite3',
    'multiprocessing',
    'guard.history',
    'guard.audit',
    'dask',
    'distributed',
    'guard.history.store',
    'guard.pool',
    'guard.report.html',  # the HTML report and its assets are imported only when asked for
    'guard.cli.commands',
    'guard.cli.scan',
    'guard.baseline',
    'hashlib',
    'dataclasses',
    'inspect',
)
PROBE = """
import sys
from guard.cli import main
sys.stdin = open({stdin!r})
code = main({argv!r})
heavy = sorted(m for m in sys.modules if m in {heavy!r} or m.split('.')[0] in {heavy!r})
print(code, heavy)
"""


def probe(argv: list[str], stdin: Path, heavy: tuple[str, ...]) -> str:
    code = PROBE.format(stdin=str(stdin), argv=argv, heavy=heavy)
    return subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize(
    'argv',
    [
        ['scan', '--stdin', '-q'],
        ['scan', '-q', '.'],
    ],
)
def test_scan_path_imports_nothing_heavy(argv: list[str], repo: Path) -> None:
    (repo / 'a.txt').write_text('hello\n')
    out = probe(argv, repo / 'a.txt', HEAVY)
    assert out.split()[-1] == '[]', out
    assert out.startswith('0 ')


def test_staged_scan_imports_only_what_it_uses(repo: Path) -> None:
    write(repo / 'app.py', 'def main():\n    return 1\n')
    commit_all(repo)
    write(repo / 'app.py', 'def main():\n    token = read_token()\n    return 1\n')
    git('add', 'app.py', cwd=repo)
    run_guard('scan', '--staged', '-q', cwd=repo)  # a warm rule cache, as on every commit but the first
    out = probe(['scan', '--staged', '-q'], repo / 'app.py', STAGED_NEVER)
    assert out == '0 []\n', out


def test_every_lazy_command_resolves() -> None:
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.name == name


LINES = [
    ['--staged'],
    ['--staged', '-q'],
    ['-q', '--staged', 'a.py', 'docs/b.md'],
    ['a.py', '--staged', '--quiet', 'b.py'],
    ['--staged', '--format', 'json', '--format=sarif'],
    ['--staged', '--config', 'conf/guard.yaml', '--baseline=.guard-baseline.json', '--output', 'out.txt'],
    ['--staged', '--require-allow-reason', '--report-unused', '--fail-on-unused', '--no-gitignore'],
    ['--staged', '--', '-odd-name.py', '--staged'],
    ['--staged', 'name with spaces.py', 'naïve.py'],
]


def test_fast_path_tables_say_what_scan_declares() -> None:
    """The fast path's option tables against `scan`'s click declaration: the same flags, parameter
    names and kinds (a renamed option or parameter, or a path option made file-only, fails here)."""
    options = {flag: param for param in scan.params if isinstance(param, click.Option) for flag in param.opts}
    for flag, name in fastpath.FLAGS.items():
        assert options[flag].name == name and options[flag].is_flag, flag
    for flag, name in fastpath.VALUES.items():
        assert options[flag].name == name and not options[flag].is_flag, flag
    declared = {options[flag].name: options[flag].type for flag in fastpath.VALUES}
    assert {n for n, t in declared.items() if isinstance(t, click.Path)} == set(fastpath.PATHS)
    assert {n for n, t in declared.items() if isinstance(t, click.Path) and not t.dir_okay} == set(fastpath.FILE_ONLY)


@pytest.mark.parametrize('line', LINES)
def test_fast_path_reads_a_hook_line_as_click_does(line: list[str], repo: Path) -> None:
    fast = parse_staged_scan(['scan', *line])
    assert fast is not None
    assert fast == scan_args(scan.make_context('scan', list(line)).params)


@pytest.mark.parametrize(
    'line',
    [
        ['scan'],  # not the staged scan
        ['scan', '.'],
        ['scan', '--stdin', '--staged'],  # click reports the conflict
        ['scan', '--staged', '--format', 'yaml'],  # click reports the bad choice
        ['scan', '--staged', '--config'],  # a missing value
        ['scan', '--staged', '--config='],
        ['scan', '--staged', '-qq'],
        ['scan', '--staged', '--quiet=yes'],
        ['scan', '--staged', '-'],
        ['scan', '--staged', '--help'],
        ['scan', '--staged', '--baseline', '.'],  # a directory where click.Path wants a file
        ['--version'],
        ['scan-history'],
    ],
)
def test_fast_path_leaves_other_lines_to_click(line: list[str], repo: Path) -> None:
    assert parse_staged_scan(line) is None


def test_click_and_fast_path_agree_end_to_end(repo: Path) -> None:
    """The hook line through the fast path, and the same line forced through click: same output."""
    write(repo / 'app.py', 'x = 1\n')
    commit_all(repo)
    write(repo / 'app.py', f'x = 1\npassword = "{random_body(12)}#{random_body(4)}"\n')
    git('add', 'app.py', cwd=repo)
    fast = run_guard('scan', '--staged', '--format', 'json', cwd=repo)
    code = (
        'import sys; from guard.cli.commands import run_click; '
        "sys.exit(run_click(['scan', '--staged', '--format', 'json']))"
    )
    slow = subprocess.run([sys.executable, '-c', code], cwd=repo, capture_output=True, text=True, check=False)
    assert fast.returncode == slow.returncode == 1
    strip = lambda out: [line for line in out.splitlines() if '"seconds"' not in line]  # noqa: E731
    assert strip(fast.stdout) == strip(slow.stdout)
    assert 'generic-secret-assignment' in fast.stdout


def test_lazy_patterns_compile_on_first_use_and_leave_their_module_alone() -> None:
    code = """
import re
import guard.detectors.assignments as a
from guard.detectors.lazyre import LazyPattern
stand_in = a._AFTER
try:
    LazyPattern.match.__get__(stand_in, LazyPattern)  # the slot itself: no __getattr__, no compiling
    before = 'compiled'
except AttributeError:
    before = 'uncompiled'
hit = a._AFTER.match('word = 1', 4)
after = isinstance(a._AFTER.match.__self__, re.Pattern)  # re's own bound method in the slot
print(before, hit is not None and hit.group(3) == '=', after, a._AFTER is stand_in)
"""
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ['uncompiled', 'True', 'True', 'True']


def test_ctrl_c_inside_a_click_command_exits_130() -> None:
    """click turns a KeyboardInterrupt inside a command into click.Abort: still 'interrupted', 130."""
    code = """
import io, sys
class CtrlC(io.RawIOBase):
    def readable(self): return True
    def readinto(self, buffer): raise KeyboardInterrupt
sys.stdin = io.TextIOWrapper(io.BufferedReader(CtrlC()))
from guard.cli import main
sys.exit(main(['scan', '--stdin']))
"""
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=False)
    assert result.returncode == 130, result.stderr
    assert result.stderr.rstrip().endswith('guard: interrupted')
    assert 'internal error' not in result.stderr


MASK_PROBE = """
import sys
import guard.mask
at_import = sorted(m for m in sys.modules if m.split('.')[0] in {never!r} or m.startswith('guard.cli'))
guard.mask.mask('token ' + 'ghp_' + 'x' * 36)
after_use = sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r} or m.startswith('guard.cli'))
print(at_import, after_use)
"""


def test_guard_mask_imports_nothing_heavy_nor_the_cli() -> None:
    """An application imports guard.mask at start-up: no pydantic, click, detect_secrets or YAML then,
    and none but YAML (which parses the rules when their cache is cold) once it masks."""
    code = MASK_PROBE.format(never=(*HEAVY, 'click', 'yaml', 'ahocorasick_rs'), heavy=(*HEAVY, 'click'))
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout
    assert out == '[] []\n', out
