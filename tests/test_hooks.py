"""Native git hooks: the shims, `guard install` / `guard uninstall`, real commits and pushes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from guard.install import SHIMS
from tests.conftest import commit_all, git, run_guard, write
from tests.secrets import github_token

ROOT = Path(__file__).resolve().parent.parent
GUARD_BIN = Path(shutil.which('guard') or Path(sys.executable).parent / 'guard').parent


def with_guard_on_path() -> dict[str, str]:
    return {**os.environ, 'PATH': f'{GUARD_BIN}{os.pathsep}{os.environ["PATH"]}'}


def git_run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ['git', *args], cwd=cwd, capture_output=True, text=True, check=False, env=env or with_guard_on_path()
    )


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
    assert 'settings.py:1: github-pat' in blocked.stderr  # git shows hook output on stderr
    assert token not in blocked.stdout + blocked.stderr
    assert git_run('rev-parse', '--verify', '-q', 'HEAD', cwd=repo).returncode != 0  # nothing committed
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
    assert 'pipx install guard-secrets' in result.stderr


def test_foreign_hook_is_kept_unless_forced_and_restored_on_uninstall(repo: Path) -> None:
    hook = repo / '.git' / 'hooks' / 'pre-commit'
    write(hook, '#!/bin/sh\necho mine\n')
    result = run_guard('install')
    assert result.returncode == 2
    assert "is not guard's" in result.stderr and '--force' in result.stderr
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


def test_install_and_uninstall_are_plain_functions_that_say_what_they_did(repo: Path) -> None:
    """The use cases without click: what the CLI prints comes from them, line by line."""
    from guard import install

    said: list[str] = []
    install.install(pre_push=True, force=False, hooks_path='.githooks', say=said.append)
    hooks = repo / '.githooks'
    assert said == [
        f'installed {hooks / "pre-commit"}',
        f'installed {hooks / "pre-push"}',
        'set core.hooksPath to .githooks',
    ]
    assert git('config', '--local', 'core.hooksPath').strip() == '.githooks'
    assert install.uninstall() == [
        f'removed {hooks / "pre-commit"}',
        f'removed {hooks / "pre-push"}',
        'unset core.hooksPath',
        f'removed {hooks}',
    ]
    assert install.uninstall() == ['no guard hooks installed']


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
    first = git_run('push', '-q', 'origin', 'main', cwd=repo)  # new branch, clean
    assert first.returncode == 0, first.stderr
    write(repo / 'deploy.sh', f'export TOKEN={github_token()}\n')
    commit_all(repo, 'deploy script')  # --no-verify: only pre-push checks
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


# ---- --hooks-path: core.hooksPath pointed at a directory of shims -----------------------------


def hooks_path_config(repo: Path) -> str | None:
    proc = git_run('config', '--local', '--get', 'core.hooksPath', cwd=repo)
    return proc.stdout.strip() if proc.returncode == 0 else None


def test_hooks_path_blocks_commits_and_pushes_and_uninstall_undoes_it(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / 'remote.git'
    git('init', '-q', '--bare', str(remote))
    git('remote', 'add', 'origin', str(remote))
    git_dir_before = sorted(str(p.relative_to(repo)) for p in (repo / '.git').rglob('*') if 'objects' not in p.parts)
    result = run_guard('install', '--pre-push', '--hooks-path')  # no value: .githooks
    assert result.returncode == 0, result.stderr
    assert 'set core.hooksPath to .githooks' in result.stderr
    assert hooks_path_config(repo) == '.githooks'
    assert {p.name for p in (repo / '.githooks').iterdir()} == {'pre-commit', 'pre-push'}
    assert not (repo / '.git' / 'hooks' / 'pre-commit').exists()
    write(repo / 'settings.py', f'TOKEN = "{github_token()}"\n')
    git('add', 'settings.py')
    blocked = git_run('commit', '-m', 'settings', cwd=repo)
    assert blocked.returncode == 1 and 'settings.py:1: github-pat' in blocked.stderr
    write(repo / 'settings.py', 'import os\n')
    commit_all(repo, 'clean')  # --no-verify
    assert git_run('push', '-q', 'origin', 'main', cwd=repo).returncode == 0
    write(repo / 'deploy.sh', f'export TOKEN={github_token()}\n')
    commit_all(repo, 'deploy')
    pushed = git_run('push', '-q', 'origin', 'main', cwd=repo)
    assert pushed.returncode != 0 and 'deploy.sh:1: github-pat' in pushed.stdout + pushed.stderr
    undone = run_guard('uninstall')
    assert undone.returncode == 0, undone.stderr
    assert 'unset core.hooksPath' in undone.stderr
    assert hooks_path_config(repo) is None
    assert not (repo / '.githooks').exists()  # guard created it: gone
    after = sorted(str(p.relative_to(repo)) for p in (repo / '.git').rglob('*') if 'objects' not in p.parts)
    # no install record left behind; the fingerprint salt the blocked commit made stays (a scan's, not
    # the install's: the store's and baselines' fingerprints depend on it)
    assert [p for p in after if 'guard' in p and p not in ('.git/guard', '.git/guard/salt')] == []
    assert set(git_dir_before) <= set(after)
    assert git_run('push', '-q', 'origin', 'main', cwd=repo).returncode == 0  # no hook any more


def test_a_committed_hooks_directory_is_shared_and_kept_on_uninstall(repo: Path) -> None:
    shared = repo / 'tools' / 'hooks'
    write(shared / 'pre-commit', SHIMS['pre-commit']).chmod(0o755)
    commit_all(repo, 'shared hooks')
    result = run_guard('install', '--hooks-path', 'tools/hooks')
    assert result.returncode == 0, result.stderr
    assert 'is already installed' in result.stderr and hooks_path_config(repo) == 'tools/hooks'
    write(repo / 'a.py', f'A = "{github_token()}"\n')
    git('add', 'a.py')
    assert git_run('commit', '-m', 'a', cwd=repo).returncode == 1
    assert run_guard('uninstall').returncode == 0
    assert hooks_path_config(repo) is None
    assert (shared / 'pre-commit').read_text() == SHIMS['pre-commit']  # not guard install's to remove
    assert git('status', '--porcelain', '--', 'tools') == ''


def test_hooks_path_never_switches_off_a_foreign_hook_without_force(repo: Path) -> None:
    mine = write(repo / '.git' / 'hooks' / 'pre-commit', '#!/bin/sh\necho mine-ran >&2\n')
    mine.chmod(0o755)
    refused = run_guard('install', '--hooks-path', '.githooks')
    assert refused.returncode == 2
    assert 'would stop running (pre-commit)' in refused.stderr and '--force' in refused.stderr
    assert hooks_path_config(repo) is None and not (repo / '.githooks').exists()  # nothing half-done
    assert run_guard('install', '--hooks-path', '.githooks', '--force').returncode == 0
    write(repo / 'a.txt', 'hello\n')
    git('add', 'a.txt')
    forced = git_run('commit', '-m', 'a', cwd=repo)
    assert forced.returncode == 0 and 'mine-ran' not in forced.stderr  # guard's hook runs, not mine
    assert run_guard('uninstall').returncode == 0
    assert mine.read_text() == '#!/bin/sh\necho mine-ran >&2\n'
    write(repo / 'b.txt', 'hello\n')
    git('add', 'b.txt')
    again = git_run('commit', '-m', 'b', cwd=repo)
    assert again.returncode == 0 and 'mine-ran' in again.stderr  # mine runs again


def test_hooks_path_set_by_another_manager_is_restored(repo: Path) -> None:
    git('config', 'core.hooksPath', '.husky/_')
    refused = run_guard('install', '--hooks-path')
    assert refused.returncode == 2 and "core.hooksPath is already '.husky/_'" in refused.stderr
    assert hooks_path_config(repo) == '.husky/_'
    installed = run_guard('install', '--hooks-path', '--force')
    assert installed.returncode == 0 and '(was .husky/_)' in installed.stderr
    assert run_guard('install', '--hooks-path', '--force', '--pre-push').returncode == 0  # again: same record
    assert hooks_path_config(repo) == '.githooks'
    undone = run_guard('uninstall')
    assert 'set core.hooksPath back to .husky/_' in undone.stderr
    assert hooks_path_config(repo) == '.husky/_'
    assert not (repo / '.githooks').exists()


def test_uninstall_leaves_a_hooks_path_someone_changed_since(repo: Path) -> None:
    assert run_guard('install', '--hooks-path').returncode == 0
    git('config', 'core.hooksPath', 'elsewhere')
    undone = run_guard('uninstall')
    assert 'core.hooksPath was changed since guard set it (elsewhere): left alone' in undone.stderr
    assert hooks_path_config(repo) == 'elsewhere'
    assert not (repo / '.githooks').exists()


def test_copying_into_a_missing_core_hooks_path_directory_is_undone(repo: Path) -> None:
    git('config', 'core.hooksPath', 'ci/git-hooks')
    assert run_guard('install').returncode == 0
    assert (repo / 'ci' / 'git-hooks' / 'pre-commit').read_text() == SHIMS['pre-commit']
    assert run_guard('uninstall').returncode == 0
    assert not (repo / 'ci').exists()
    assert hooks_path_config(repo) == 'ci/git-hooks'  # the user's setting, untouched


def test_hooks_path_guard_set_moves_without_force_and_uninstall_undoes_both(repo: Path) -> None:
    assert run_guard('install', '--hooks-path').returncode == 0
    moved = run_guard('install', '--hooks-path', 'tools/hooks')  # guard's own setting: no other manager
    assert moved.returncode == 0, moved.stderr
    assert 'set core.hooksPath to tools/hooks (was .githooks)' in moved.stderr
    assert hooks_path_config(repo) == 'tools/hooks'
    write(repo / 'tools' / 'hooks' / 'post-merge', '#!/bin/sh\n').chmod(0o755)  # a hook git runs now
    refused = run_guard('install', '--hooks-path')
    assert refused.returncode == 2 and 'would stop running (post-merge)' in refused.stderr
    (repo / 'tools' / 'hooks' / 'post-merge').unlink()
    undone = run_guard('uninstall')
    assert undone.returncode == 0 and 'unset core.hooksPath' in undone.stderr
    assert hooks_path_config(repo) is None
    assert not (repo / '.githooks').exists() and not (repo / 'tools').exists()
