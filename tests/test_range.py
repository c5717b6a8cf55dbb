"""`guard scan --range/--since/--pre-push`: every commit of a range, as CI and pre-push see it."""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GUARD, commit_all, git, run_guard, write
from tests.secrets import github_token

ZERO = '0' * 40


def findings(*args: str, cwd: Path | None = None, stdin: str | None = None) -> tuple[int, list[dict], str]:
    result = run_guard('scan', '--format', 'json', *args, cwd=cwd, stdin=stdin)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)['findings'], result.stderr


@pytest.fixture
def origin(tmp_path: Path, repo: Path) -> Path:
    """`repo` with a bare remote `origin` holding its first commit."""
    write(repo / 'README', 'hello\n')
    commit_all(repo, 'initial')
    bare = tmp_path / 'origin.git'
    git('init', '-q', '--bare', str(bare))
    git('remote', 'add', 'origin', str(bare))
    git('push', '-q', 'origin', 'main')
    return bare


def test_secret_added_then_removed_inside_the_range_is_caught(repo: Path) -> None:
    write(repo / 'a.txt', 'a\n')
    base = commit_all(repo, 'base')
    token = github_token()
    write(repo / 'conf.py', f'x = 1\nT = "{token}"\n')
    added = commit_all(repo, 'add token')
    write(repo / 'conf.py', 'x = 1\n')
    commit_all(repo, 'remove token')
    code, found, stderr = findings('--range', f'{base}..HEAD')
    assert code == 1
    assert [(f['path'], f['line'], f['commit']['sha']) for f in found] == [('conf.py', 2, added)]
    assert found[0]['commit']['author'] == 'Test <test@example.com>'
    assert 'guard scan --range' in stderr and '2 commits' in stderr
    assert findings('--since', base)[1] == found


def test_commit_messages_are_scanned(repo: Path) -> None:
    write(repo / 'a.txt', 'a\n')
    base = commit_all(repo)
    write(repo / 'a.txt', 'b\n')
    sha = commit_all(repo, f'rotate the token\n\nold one was {github_token()}')
    _code, found, _ = findings('--range', f'{base}..HEAD')
    assert [(f['path'], f['line'], f['commit']['sha']) for f in found] == [('<commit-message>', 3, sha)]


def test_empty_range_exits_0_and_says_so(repo: Path) -> None:
    write(repo / 'a.txt', f'{github_token()}\n')
    commit_all(repo)
    result = run_guard('scan', '--range', 'HEAD..HEAD')
    assert result.returncode == 0
    assert 'empty range' in result.stderr


def test_unknown_head_is_exit_2(repo: Path) -> None:
    write(repo / 'a.txt', 'a\n')
    commit_all(repo)
    result = run_guard('scan', '--range', 'HEAD..nope')
    assert result.returncode == 2
    assert "'nope' is not a commit" in result.stderr


def test_a_range_in_a_repository_without_commits_says_so(repo: Path) -> None:
    result = run_guard('scan', '--range', 'HEAD~1..HEAD')
    assert result.returncode == 2
    assert 'no commits yet' in result.stderr and 'fetch' not in result.stderr


def test_zero_base_scans_commits_not_on_any_remote(repo: Path, origin: Path) -> None:
    write(repo / 'pushed.txt', f'{github_token()}\n')
    commit_all(repo, 'pushed')
    git('push', '-q', 'origin', 'main')
    git('checkout', '-q', '-b', 'feature')
    write(repo / 'new.txt', f'{github_token()}\n')
    sha = commit_all(repo, 'feature work')
    _code, found, stderr = findings('--range', f'{ZERO}..HEAD')
    assert [(f['path'], f['commit']['sha']) for f in found] == [('new.txt', sha)]
    assert 'new branch' in stderr


def test_force_push_base_missing_falls_back_to_unpushed_commits(repo: Path, origin: Path) -> None:
    write(repo / 'x.txt', f'{github_token()}\n')
    sha = commit_all(repo, 'rewritten')
    missing = 'deadbeef' * 5
    _code, found, stderr = findings('--range', f'{missing}..HEAD')
    assert [(f['path'], f['commit']['sha']) for f in found] == [('x.txt', sha)]
    assert 'not in this repository' in stderr


def test_shallow_clone_without_the_base_names_the_fetch(repo: Path, tmp_path: Path) -> None:
    for i in range(3):
        write(repo / f'f{i}.txt', f'{i}\n')
        commit_all(repo, f'c{i}')
    base = git('rev-parse', 'HEAD~2').strip()
    clone = tmp_path / 'shallow'
    git('clone', '-q', '--depth', '1', f'file://{repo}', str(clone))
    result = run_guard('scan', '--range', f'{base}..HEAD', cwd=clone)
    assert result.returncode == 2
    assert 'git fetch --unshallow origin' in result.stderr
    # `--since` a zero SHA would cross the shallow boundary: refuse too rather than blame the tree
    git('remote', 'remove', 'origin', cwd=clone)
    result = run_guard('scan', '--range', f'{ZERO}..HEAD', cwd=clone)
    assert result.returncode == 2
    assert 'git fetch --unshallow' in result.stderr


def test_pre_push_stdin_scans_exactly_the_pushed_commits(repo: Path, origin: Path) -> None:
    remote_sha = git('rev-parse', 'HEAD').strip()
    write(repo / 'a.txt', f'{github_token()}\n')
    sha = commit_all(repo, 'to push')
    lines = f'refs/heads/main {sha} refs/heads/main {remote_sha}\n(delete) {ZERO} refs/heads/old {remote_sha}\n'
    code, found, stderr = findings('--pre-push', 'origin', str(origin), stdin=lines)
    assert (code, [(f['path'], f['commit']['sha']) for f in found]) == (1, [('a.txt', sha)])
    assert 'deletion, nothing to scan' in stderr
    assert '1 commits' in stderr
    # a new branch: zero remote oid → commits not on origin
    code, found, _ = findings('--pre-push', 'origin', stdin=f'refs/heads/main {sha} refs/heads/new {ZERO}\n')
    assert [f['commit']['sha'] for f in found] == [sha]
    assert findings('--pre-push', stdin='')[0] == 0


def test_pre_push_malformed_input_is_exit_2(repo: Path) -> None:
    result = run_guard('scan', '--pre-push', stdin='garbage\n')
    assert result.returncode == 2
    assert 'pre-push input line' in result.stderr


def test_real_push_is_blocked_by_the_hook(repo: Path, origin: Path) -> None:
    hook = repo / '.git' / 'hooks' / 'pre-push'
    hook.write_text(f'#!/bin/sh\nexec {GUARD} scan --pre-push "$@"\n')
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    write(repo / 'leak.txt', f'{github_token()}\n')
    commit_all(repo, 'leak')
    write(repo / 'leak.txt', 'gone\n')
    commit_all(repo, 'remove leak')
    push = subprocess.run(['git', 'push', '-q', 'origin', 'main'], capture_output=True, text=True, check=False)
    assert push.returncode != 0
    assert 'leak.txt:1: github-pat' in push.stdout + push.stderr
    assert git('rev-parse', 'main', cwd=origin).strip() != git('rev-parse', 'HEAD').strip()


@pytest.mark.parametrize('read_size', [1, 3, 7, 15, 64, 1 << 20])
def test_log_records_survive_any_read_boundary(read_size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A commit marker split across two reads must still split records (1 MB reads in real use)."""
    import io

    from guard import git as guard_git

    records = [b'a' * 10 + b'\0x\0y\0msg\0\n\ndiff', b'', b'b\0c\0d\0e\0', b'\xff' * 40]
    stream = b''.join(guard_git.COMMIT_MARK + r for r in records)
    monkeypatch.setattr(guard_git, 'READ_SIZE', read_size)
    assert list(guard_git.commit_records(io.BytesIO(stream))) == [r for r in records if r]


# ---- CI-shaped clones: a bare remote, branches pushed, a fresh clone -------------------------


@pytest.fixture
def ci_clone(tmp_path: Path) -> tuple[Path, str]:
    """A fresh clone of a bare remote holding `main` and `feat` (a token commit on top of main),
    checked out on `feat` as a CI runner checks out a pushed branch; and that commit's sha."""
    bare = tmp_path / 'remote.git'
    git('init', '-q', '--bare', '-b', 'main', str(bare))
    seed = tmp_path / 'seed'
    git('clone', '-q', str(bare), str(seed))
    write(seed / 'README', 'hello\n')
    git('add', '-A', cwd=seed)
    git('commit', '-q', '-m', 'first', cwd=seed)
    git('push', '-q', 'origin', 'main', cwd=seed)
    git('checkout', '-q', '-b', 'feat', cwd=seed)
    write(seed / 'deploy.py', f'TOKEN = "{github_token()}"\n')
    git('add', '-A', cwd=seed)
    git('commit', '-q', '-m', 'token', cwd=seed)
    git('push', '-q', 'origin', 'feat', cwd=seed)
    clone = tmp_path / 'clone'
    git('clone', '-q', str(bare), str(clone))
    git('checkout', '-q', 'feat', cwd=clone)
    return clone, git('rev-parse', 'HEAD', cwd=clone).strip()


def test_zero_base_in_a_ci_clone_scans_what_the_default_branch_lacks(ci_clone: tuple[Path, str]) -> None:
    clone, leak = ci_clone
    code, found, stderr = findings('--range', f'{ZERO}..HEAD', cwd=clone)
    assert (code, [(f['path'], f['commit']['sha']) for f in found]) == (1, [('deploy.py', leak)])
    assert 'not on origin/main' in stderr and 'empty range' not in stderr
    git('checkout', '-q', '--detach', cwd=clone)  # a detached checkout of the pushed tip: the same
    assert findings('--range', f'{ZERO}..HEAD', cwd=clone)[0] == 1


def test_force_pushed_full_object_id_in_a_ci_clone_scans_what_the_remote_lacks(ci_clone: tuple[Path, str]) -> None:
    clone, leak = ci_clone
    code, found, stderr = findings('--range', f'{"ab" * 20}..HEAD', cwd=clone)
    assert (code, [f['commit']['sha'] for f in found]) == (1, [leak])
    assert 'force-push' in stderr


def test_ci_clone_that_cannot_tell_what_is_new_stops_and_names_what_to_pass(ci_clone: tuple[Path, str]) -> None:
    clone, _leak = ci_clone
    git('remote', 'set-head', 'origin', '-d', cwd=clone)
    git('update-ref', '-d', 'refs/remotes/origin/main', cwd=clone)  # only feat itself is here
    result = run_guard('scan', '--range', f'{ZERO}..HEAD', cwd=clone)
    assert result.returncode == 2, result.stderr
    assert 'git fetch origin main' in result.stderr and '--range origin/main..HEAD' in result.stderr


def test_shallow_ci_clone_with_a_zero_base_names_the_fetch(ci_clone: tuple[Path, str], tmp_path: Path) -> None:
    shallow = tmp_path / 'shallow'
    git('clone', '-q', '--depth', '1', '--branch', 'feat', f'file://{tmp_path / "remote.git"}', str(shallow))
    result = run_guard('scan', '--range', f'{ZERO}..HEAD', cwd=shallow)
    assert result.returncode == 2, result.stderr
    assert 'git fetch --unshallow origin' in result.stderr


def test_unknown_base_name_is_exit_2_not_a_force_push(ci_clone: tuple[Path, str]) -> None:
    clone, _leak = ci_clone
    result = run_guard('scan', '--range', 'nosuchbranch..HEAD', cwd=clone)
    assert result.returncode == 2
    assert "unknown revision 'nosuchbranch'" in result.stderr and 'unpushed' not in result.stderr
    assert run_guard('scan', '--since', 'nosuchtag', cwd=clone).returncode == 2
