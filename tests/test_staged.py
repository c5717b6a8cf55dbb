"""`guard scan --staged`: what the next commit adds, in real repositories and real commits."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GUARD, commit_all, git, run_guard, write
from tests.secrets import binary_blob, github_token


def staged_json(*args: str, cwd: Path | None = None) -> tuple[int, list[dict[str, object]], str]:
    result = run_guard('scan', '--staged', '--format', 'json', *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)['findings'], result.stderr


def install_hook(repo: Path) -> None:
    hook = repo / '.git' / 'hooks' / 'pre-commit'
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(f'#!/bin/sh\nexec {GUARD} scan --staged\n')
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)


def commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(['git', 'commit', '-q', *args], cwd=repo, capture_output=True, text=True, check=False)


def head(repo: Path) -> str:
    return git('rev-parse', 'HEAD', cwd=repo).strip()


def test_first_commit_is_scanned(repo: Path) -> None:
    write(repo / 'settings.py', f'DEBUG = 1\nTOKEN = "{github_token()}"\n')
    git('add', 'settings.py')
    code, findings, stderr = staged_json()
    assert code == 1
    assert [(f['path'], f['line'], f['rule_id']) for f in findings] == [('settings.py', 2, 'github-pat')]
    assert 'guard scan --staged: 1 files' in stderr


def test_only_added_lines_count_with_new_side_numbers(repo: Path) -> None:
    write(repo / 'app.py', f'OLD = "{github_token()}"\nx = 1\n')
    commit_all(repo)
    write(repo / 'app.py', f'OLD = "{github_token()}"\nx = 1\ny = 2\nNEW = "{github_token()}"\n')
    git('add', 'app.py')
    code, findings, _ = staged_json()
    assert code == 1
    assert [(f['line'], f['column']) for f in findings] == [(1, 8), (4, 8)]  # line 1 was rewritten
    write(repo / 'app.py', (repo / 'app.py').read_text() + 'z = 3\n')
    git('commit', '-q', '--no-verify', '-am', 'tokens')
    write(repo / 'app.py', (repo / 'app.py').read_text() + 'w = 4\n')
    git('add', 'app.py')
    assert staged_json()[0] == 0


def test_working_tree_changes_that_are_not_staged_are_ignored(repo: Path) -> None:
    write(repo / 'a.txt', 'clean\n')
    git('add', 'a.txt')
    write(repo / 'a.txt', f'clean\n{github_token()}\n')
    assert staged_json()[0] == 0


def test_hook_blocks_plain_commit_and_commit_all(repo: Path) -> None:
    install_hook(repo)
    write(repo / 'a.py', 'x = 1\n')
    git('add', 'a.py')
    assert commit(repo, '-m', 'clean').returncode == 0
    before = head(repo)
    write(repo / 'a.py', f'x = 1\nT = "{github_token()}"\n')  # modified, not staged
    result = commit(repo, '-a', '-m', 'commit -a picks it up')
    assert result.returncode != 0
    assert 'a.py:2: github-pat' in result.stderr  # git sends hook output to stderr
    assert head(repo) == before
    git('add', 'a.py')
    assert commit(repo, '-m', 'staged').returncode != 0
    assert head(repo) == before


def test_hook_with_commit_only_paths_reads_the_temporary_index(repo: Path) -> None:
    install_hook(repo)
    write(repo / 'clean.py', 'a = 1\n')
    write(repo / 'dirty.py', 'b = 1\n')
    git('add', '.')
    assert commit(repo, '-m', 'base').returncode == 0
    write(repo / 'dirty.py', f'b = "{github_token()}"\n')
    git('add', 'dirty.py')  # staged, but not part of the next commit
    write(repo / 'clean.py', 'a = 2\n')
    result = commit(repo, '-m', 'only clean.py', 'clean.py')
    assert result.returncode == 0, result.stdout + result.stderr
    write(repo / 'clean.py', f'a = "{github_token()}"\n')
    result = commit(repo, '-m', 'only clean.py, now dirty', 'clean.py')
    assert result.returncode != 0
    assert 'clean.py:1: github-pat' in result.stderr
    assert 'dirty.py' not in result.stderr


def test_merge_in_progress(repo: Path) -> None:
    write(repo / 'base.txt', 'base\n')
    commit_all(repo)
    git('checkout', '-q', '-b', 'side')
    write(repo / 'side.txt', f'{github_token()}\n')
    commit_all(repo, 'side')
    git('checkout', '-q', 'main')
    write(repo / 'main.txt', 'main\n')
    commit_all(repo, 'main')
    git('merge', '-q', '--no-commit', '--no-ff', 'side')
    code, findings, _ = staged_json()
    assert code == 1
    assert [f['path'] for f in findings] == ['side.txt']


def test_renames_keep_their_new_path_and_pure_renames_add_nothing(repo: Path) -> None:
    write(repo / 'old name.py', f'T = "{github_token()}"\n' + ''.join(f'line {i}\n' for i in range(20)))
    commit_all(repo)
    git('mv', 'old name.py', 'new name.py')
    assert staged_json()[0] == 0
    write(repo / 'new name.py', (repo / 'new name.py').read_text() + f'U = "{github_token()}"\n')
    git('add', 'new name.py')
    _code, findings, _ = staged_json()
    assert [(f['path'], f['line']) for f in findings] == [('new name.py', 22)]


def test_worktree(repo: Path, tmp_path: Path) -> None:
    write(repo / 'a.txt', 'a\n')
    commit_all(repo)
    git('worktree', 'add', '-q', str(tmp_path / 'wt'), '-b', 'wt')
    write(tmp_path / 'wt' / 'b.txt', f'{github_token()}\n')
    git('add', 'b.txt', cwd=tmp_path / 'wt')
    code, findings, _ = staged_json(cwd=tmp_path / 'wt')
    assert (code, [f['path'] for f in findings]) == (1, ['b.txt'])
    assert staged_json()[0] == 0  # the main worktree's index is untouched


def test_odd_file_names(repo: Path) -> None:
    names = ['with space.env', 'new\nline.txt', 'naïve-日本.txt', 'tab\tname.txt', '"quoted".txt']
    for name in names:
        write(repo / name, f'X = "{github_token()}"\n')
    git('add', '-A')
    code, findings, _ = staged_json()
    assert code == 1
    assert sorted(f['path'] for f in findings) == sorted(names)


def test_passed_files_narrow_the_scan_and_unstaged_files_are_read_whole(repo: Path) -> None:
    write(repo / 'committed.py', f'T = "{github_token()}"\n')
    commit_all(repo)
    write(repo / 'a.py', f'A = "{github_token()}"\n')
    write(repo / 'b.py', f'B = "{github_token()}"\n')
    git('add', 'a.py', 'b.py')
    code, findings, _ = staged_json('b.py')
    assert (code, [f['path'] for f in findings]) == (1, ['b.py'])
    # pre-commit run --all-files: nothing staged for committed.py, so its whole content is scanned
    _code, findings, stderr = staged_json('committed.py')
    assert [f['path'] for f in findings] == ['committed.py']
    assert 'not staged, scanned whole' in stderr


def test_binary_and_submodule_are_skipped_and_said(repo: Path, tmp_path: Path) -> None:
    sub = tmp_path / 'sub'
    git('init', '-q', '-b', 'main', str(sub))
    write(sub / 'f.txt', 'f\n')
    commit_all(sub)
    git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', str(sub), 'vendored')
    (repo / 'blob.bin').write_bytes(binary_blob() + github_token().encode())
    git('add', '-A')
    result = run_guard('scan', '--staged')
    assert result.returncode == 0, result.stdout
    assert '1 binary' in result.stderr
    assert '1 submodules (not scanned)' in result.stderr


def test_not_a_repository_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_guard('scan', '--staged')
    assert result.returncode == 2
    assert 'not a git repository' in result.stderr


def test_staged_cannot_combine_with_range(repo: Path) -> None:
    result = run_guard('scan', '--staged', '--range', 'a..b')
    assert result.returncode == 2
    assert 'cannot be combined' in result.stderr


def test_real_pre_commit_passes_file_names_and_all_files_reads_them_whole(repo: Path) -> None:
    pre_commit = Path(sys.executable).parent / 'pre-commit'
    write(
        repo / '.pre-commit-config.yaml',
        'repos:\n- repo: local\n  hooks:\n  - id: guard\n    name: guard\n'
        f'    entry: {GUARD} scan --staged\n    language: system\n',
    )
    write(repo / 'old.py', f'T = "{github_token()}"\n')
    write(repo / 'clean.py', 'x = 1\n')
    commit_all(repo)
    run = subprocess.run([str(pre_commit), 'run'], cwd=repo, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout  # nothing staged: nothing to check
    write(repo / 'new.py', f'N = "{github_token()}"\n')
    git('add', 'new.py')
    run = subprocess.run([str(pre_commit), 'run'], cwd=repo, capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert 'new.py:1: github-pat' in run.stdout and 'old.py' not in run.stdout
    run = subprocess.run([str(pre_commit), 'run', '--all-files'], cwd=repo, capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert 'old.py:1: github-pat' in run.stdout and 'new.py:1: github-pat' in run.stdout
