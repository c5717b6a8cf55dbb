"""No silent empty scan: a run that scanned nothing, or not everything, says so, and can fail."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import commit_all, git, run_guard, write
from tests.secrets import github_token

# guard as a user without root's power to read anything (the suite may run as root): the
# capabilities that bypass file permissions are dropped, so chmod 000 means unreadable
UNPRIVILEGED = ('setpriv', '--bounding-set=-dac_override,-dac_read_search') if os.geteuid() == 0 else ()


def run_unprivileged(*args: str, cwd: Path) -> tuple[int, str, str]:
    import shutil
    import subprocess

    from tests.conftest import GUARD

    if UNPRIVILEGED and shutil.which(UNPRIVILEGED[0]) is None:
        pytest.skip('running as root without setpriv: permissions cannot be taken away')
    proc = subprocess.run([*UNPRIVILEGED, *GUARD.split(), *args], cwd=cwd, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture
def locked(repo: Path) -> Path:
    """A repository whose tree holds an unreadable file and an unreadable directory."""
    write(repo / 'ok.txt', 'fine\n')
    write(repo / 'secret.txt', f'{github_token()}\n')
    write(repo / 'private' / 'inner.txt', 'x\n')
    (repo / 'secret.txt').chmod(0)
    (repo / 'private').chmod(0)
    yield repo
    (repo / 'private').chmod(0o755)
    (repo / 'secret.txt').chmod(0o644)


def receipt(*args: str, cwd: Path | None = None) -> tuple[int, dict]:
    result = run_guard(*args, '--format', 'json', cwd=cwd)
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)['receipt']


# ---- paths that do not exist ------------------------------------------------------------------


def test_a_path_that_does_not_exist_is_exit_2(repo: Path) -> None:
    write(repo / 'real.txt', 'x\n')
    result = run_guard('scan', 'real.txt', 'nosuchdir')
    assert result.returncode == 2
    assert 'nosuchdir: no such file or directory' in result.stderr


# ---- nothing scanned: the receipt says why, --fail-on-empty fails ------------------------------


def test_all_ignored_path_says_so_and_fails_on_empty(repo: Path) -> None:
    write(repo / '.gitignore', 'build/\n')
    write(repo / 'build' / 'out.txt', 'generated\n')
    code, r = receipt('scan', 'build')
    assert (code, r['files'], r['empty']) == (0, 0, 'every file is ignored by .gitignore (--no-gitignore scans them)')
    assert 'nothing scanned: every file is ignored' in run_guard('scan', 'build').stderr
    failed = run_guard('scan', 'build', '--fail-on-empty')
    assert failed.returncode == 2 and '--fail-on-empty' in failed.stderr
    write(repo / '.guard.yaml', 'fail_on_empty: true\n')  # the config key does the same
    assert run_guard('scan', 'build').returncode == 2
    assert run_guard('scan', '.').returncode == 0  # something was scanned: passes


def test_all_allowlisted_file_says_so_and_fails_on_empty(repo: Path) -> None:
    write(repo / '.guard.yaml', 'allow:\n  paths: [fixtures/**]\n')
    write(repo / 'fixtures' / 'token.txt', f'{github_token()}\n')
    code, r = receipt('scan', 'fixtures')
    assert (code, r['files'], r['empty']) == (0, 0, 'every file is allowlisted (allow.paths)')
    assert run_guard('scan', 'fixtures', '--fail-on-empty').returncode == 2


def test_empty_stage_says_so_and_fails_on_empty(repo: Path) -> None:
    write(repo / 'a.txt', 'a\n')
    commit_all(repo)
    code, r = receipt('scan', '--staged')
    assert (code, r['empty']) == (0, 'nothing staged')
    failed = run_guard('scan', '--staged', '--fail-on-empty')  # the hook's fast path parses it too
    assert failed.returncode == 2 and 'nothing was scanned (nothing staged)' in failed.stderr
    write(repo / 'a.txt', 'b\n')
    git('add', 'a.txt')
    assert run_guard('scan', '--staged', '--fail-on-empty').returncode == 0


def test_empty_range_fails_on_empty(repo: Path) -> None:
    write(repo / 'a.txt', 'a\n')
    commit_all(repo)
    assert receipt('scan', '--range', 'HEAD..HEAD')[1]['empty'] == 'no commits to scan'
    assert run_guard('scan', '--range', 'HEAD..HEAD', '--fail-on-empty').returncode == 2


# ---- what was not scanned is named ------------------------------------------------------------


@pytest.mark.parametrize('walk', ['git', 'plain'])
def test_unreadable_file_and_directory_are_named_and_exit_2(locked: Path, walk: str) -> None:
    args = ('scan', '--format', 'json', *(('--no-gitignore',) if walk == 'plain' else ()))
    if walk == 'plain':
        (locked / '.git').rename(locked / '.git-away')  # not a repository: the plain walk
    try:
        code, out, err = run_unprivileged(*args, cwd=locked)
        assert code == 2, err
        r = json.loads(out)['receipt']
        assert r['unreadable'] == 2
        assert any(n.startswith('2 unreadable: ') and 'private/' in n and 'secret.txt' in n for n in r['notes'])
        assert '--skip-unreadable' in err
        code, out, err = run_unprivileged(*args, '--skip-unreadable', cwd=locked)
        assert code == 0, err
        assert json.loads(out)['receipt']['files'] >= 1 and 'private/' in err
    finally:
        if walk == 'plain':
            (locked / '.git-away').rename(locked / '.git')


def test_staged_scan_is_not_stopped_by_the_working_tree(locked: Path) -> None:
    write(locked / 'b.txt', 'b\n')
    git('add', 'b.txt')
    code, _out, err = run_unprivileged('scan', '--staged', cwd=locked)
    assert code == 0, err
    # a named file it cannot read is named, and does not stop the hook either
    code, _out, err = run_unprivileged('scan', '--staged', 'b.txt', 'secret.txt', cwd=locked)
    assert code == 0, err
    assert 'unreadable: secret.txt' in err


def test_symlink_to_a_directory_passed_with_a_slash_is_named(repo: Path) -> None:
    write(repo / 'real' / 'a.txt', f'{github_token()}\n')
    (repo / 'link').symlink_to('real', target_is_directory=True)
    code, r = receipt('scan', 'link/')
    assert code == 0
    assert '1 symlinks: link/' in r['notes'] and r['empty']


def test_submodule_working_trees_are_named(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / 'lib'
    git('init', '-q', '-b', 'main', str(other))
    write(other / 'x.txt', f'{github_token()}\n')
    git('add', '-A', cwd=other)
    git('commit', '-q', '-m', 'lib', cwd=other)
    write(repo / 'a.txt', 'a\n')
    git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', str(other), 'vendor/lib')
    commit_all(repo, 'with a submodule')
    code, r = receipt('scan')
    assert code == 0
    assert '1 submodules (not scanned): vendor/lib' in r['notes']


# ---- the baseline at its default path ---------------------------------------------------------


def test_default_baseline_file_applies_and_no_baseline_ignores_it(repo: Path) -> None:
    write(repo / 'conf.py', f'TOKEN = "{github_token()}"\n')
    assert run_guard('baseline', 'create').returncode == 0
    assert (repo / '.guard-baseline.json').is_file()
    result = run_guard('scan')
    assert result.returncode == 0, result.stdout
    assert 'baseline .guard-baseline.json applied (found by default' in result.stderr
    assert run_guard('scan', '--staged', 'conf.py').returncode == 0  # the hook's fast path too
    assert run_guard('scan', '--no-baseline').returncode == 1
    assert run_guard('scan', '--staged', '--no-baseline', 'conf.py').returncode == 1


def test_the_default_baseline_name_is_the_one_baseline_create_writes() -> None:
    from guard.baseline import BASELINE_FILE
    from guard.cli.options import DEFAULT_BASELINE

    assert DEFAULT_BASELINE == BASELINE_FILE
