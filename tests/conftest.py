from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

GUARD = shutil.which('guard') or f'{sys.executable} -m guard'


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(['git', *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def run_guard(
    *args: str, cwd: Path | None = None, stdin: str | bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed `guard` command, as a user or a hook runs it."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    proc = subprocess.run(
        [*GUARD.split(), *args],
        cwd=cwd,
        input=data,
        capture_output=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode('utf-8', 'replace'), proc.stderr.decode('utf-8', 'replace')
    )


GuardRun = Callable[..., 'subprocess.CompletedProcess[str]']


@pytest.fixture
def guard_main(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> GuardRun:
    """`run_guard`'s signature, in this process: `guard.cli.main([...])` with the output captured.
    For tests where a subprocess adds nothing (the process's exit status, signals, hooks and
    start-up imports are what run_guard is for)."""
    from guard.cli import main

    def run(
        *args: str, cwd: Path | None = None, stdin: str | bytes | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        with monkeypatch.context() as m:
            if cwd is not None:
                m.chdir(cwd)
            for name, value in (env or {}).items():
                m.setenv(name, value)
            data = stdin.encode() if isinstance(stdin, str) else stdin or b''
            m.setattr(sys, 'stdin', io.TextIOWrapper(io.BytesIO(data), encoding='utf-8'))
            capsys.readouterr()
            code = main(list(args))
            out, err = capsys.readouterr()
        return subprocess.CompletedProcess(['guard', *args], code, out, err)

    return run


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git config, and no hook environment leaking in."""
    home = tmp_path / 'home'
    home.mkdir()
    monkeypatch.setenv('HOME', str(home))
    monkeypatch.setenv('GIT_CONFIG_NOSYSTEM', '1')
    monkeypatch.setenv('GIT_AUTHOR_NAME', 'Test')
    monkeypatch.setenv('GIT_AUTHOR_EMAIL', 'test@example.com')
    monkeypatch.setenv('GIT_COMMITTER_NAME', 'Test')
    monkeypatch.setenv('GIT_COMMITTER_EMAIL', 'test@example.com')
    for var in ('GIT_DIR', 'GIT_INDEX_FILE', 'GIT_WORK_TREE', 'PRE_COMMIT'):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / 'repo'
    git('init', '-q', '-b', 'main', str(path))
    git('config', 'commit.gpgsign', 'false', cwd=path)
    monkeypatch.chdir(path)
    return path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding='utf-8')
    return path


def commit_all(repo: Path, message: str = 'change') -> str:
    git('add', '-A', cwd=repo)
    git('commit', '-q', '--no-verify', '-m', message, cwd=repo)
    return git('rev-parse', 'HEAD', cwd=repo).strip()
