"""Native git hooks: the shims, `guard install` / `guard uninstall`, real commits and pushes."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from guard.cli.install import SHIMS
from tests.conftest import commit_all, git, run_guard, write
from tests.secrets import github_token

ROOT = Path(__file__).resolve().parent.parent
GUARD_BIN = Path(shutil.which('guard') or Path(sys.executable).parent / 'guard').parent


def with_guard_on_path() -> dict[str, str]:
    return {**os.environ, 'PATH': f'{GUARD_BIN}{os.pathsep}{os.environ["PATH"]}'}


def git_run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(['git', *args], cwd=cwd, capture_output=True, text=True, check=False,
                          env=env or with_guard_on_path())


@pytest.mark.parametrize('name', sorted(SHIMS))
def test_shims_in_the_repository_are_what_install_writes(name: str) -> None:
    path = ROOT / 'hooks' / name
    assert path.read_text(encoding='utf-8') == SHIMS[name]
    assert os.access(path, os.X_OK)
    assert subprocess.run(['sh', '-n', str(path)], check=False).returncode == 0


def test_commit_with_a_secret_is_blocked_and_a_clean_one_passes(repo: Path) -> None:
    assert run_guard('install').returncode == 0
    assert (repo / '.git' / 'hooks' / 'pre-commit').read_text() == SHIMS['pre-commit']
    token = github_token()
    write(repo / 'settings.py', f'TOKEN = "{token}"\n')
    git('add', 'settings.py')
    blocked = git_run('commit', '-m', 'add settings', cwd=repo)
    assert blocked.returncode == 1
    assert 'settings.py:1: github-pat' in blocked.stderr   # git shows hook output on stderr
    assert token not in blocked.stdout + blocked.stderr
    assert git_run('rev-parse', '--verify', '-q', 'HEAD', cwd=repo).returncode != 0   # nothing committed
    write(repo / 'settings.py', 'import os\nTOKEN = os.environ["TOKEN"]\n')
    git('add', 'settings.py')
    passed = git_run('commit', '-m', 'add settings', cwd=repo)
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_hook_without_guard_on_path_fails_closed_and_says_why(repo: Path) -> None:
    assert run_guard('install').returncode == 0
    write(repo / 'a.txt', 'hello\n')
    git('add', 'a.txt')
    result = git_run('commit', '-m', 'x', cwd=repo, env={**os.environ, 'PATH': '/usr/bin:/bin'})
    assert result.returncode == 1
    assert 'guard: command not found, so this commit was NOT checked' in result.stderr
    assert 'pip install guard' in result.stderr


def test_foreign_hook_is_kept_unless_forced_and_restored_on_uninstall(repo: Path) -> None:
    hook = repo / '.git' / 'hooks' / 'pre-commit'
    write(hook, '#!/bin/sh\necho mine\n')
    result = run_guard('install')
    assert result.returncode == 2
    assert 'is not guard\'s' in result.stderr and '--force' in result.stderr
    assert hook.read_text() == '#!/bin/sh\necho mine\n'
    assert run_guard('install', '--force').returncode == 0
    assert hook.read_text() == SHIMS['pre-commit']
    assert (hook.parent / 'pre-commit.guard-backup').read_text() == '#!/bin/sh\necho mine\n'
    result = run_guard('uninstall')
    assert result.returncode == 0
    assert 'restored your previous hook' in result.stderr
    assert hook.read_text() == '#!/bin/sh\necho mine\n'
    assert not (hook.parent / 'pre-commit.guard-backup').exists()


def test_install_twice_and_uninstall_leave_no_trace(repo: Path) -> None:
    hooks = repo / '.git' / 'hooks'
    before = sorted(p.name for p in hooks.iterdir())
    assert run_guard('install', '--pre-push').returncode == 0
    again = run_guard('install', '--pre-push')
    assert again.returncode == 0 and 'already installed' in again.stderr
    assert run_guard('uninstall').returncode == 0
    assert sorted(p.name for p in hooks.iterdir()) == before
    assert 'no guard hooks installed' in run_guard('uninstall').stderr


def test_core_hooks_path_is_honoured(repo: Path) -> None:
    git('config', 'core.hooksPath', '.githooks')
    assert run_guard('install').returncode == 0
    assert (repo / '.githooks' / 'pre-commit').read_text() == SHIMS['pre-commit']
    assert not (repo / '.git' / 'hooks' / 'pre-commit').exists()


def test_install_outside_a_repository_is_exit_2(tmp_path: Path) -> None:
    result = run_guard('install', cwd=tmp_path)
    assert result.returncode == 2
    assert 'not a git repository' in result.stderr


def test_pre_push_blocks_a_secret_and_passes_clean_pushes(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / 'remote.git'
    git('init', '-q', '--bare', str(remote))
    git('remote', 'add', 'origin', str(remote))
    write(repo / 'README', 'hello\n')
    commit_all(repo, 'first')
    assert run_guard('install', '--pre-push').returncode == 0
    first = git_run('push', '-q', 'origin', 'main', cwd=repo)          # new branch, clean
    assert first.returncode == 0, first.stderr
    write(repo / 'deploy.sh', f'export TOKEN={github_token()}\n')
    commit_all(repo, 'deploy script')                                   # --no-verify: only pre-push checks
    blocked = git_run('push', '-q', 'origin', 'main', cwd=repo)
    assert blocked.returncode != 0
    assert 'deploy.sh:1: github-pat' in blocked.stdout + blocked.stderr
    assert git('rev-parse', 'main', cwd=remote) != git('rev-parse', 'main')
    git('reset', '-q', '--hard', 'HEAD~1')
    write(repo / 'deploy.sh', 'export TOKEN="$DEPLOY_TOKEN"\n')
    commit_all(repo, 'deploy script, no secret')
    passed = git_run('push', '-q', 'origin', 'main', cwd=repo)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert git('rev-parse', 'main', cwd=remote) == git('rev-parse', 'main')
