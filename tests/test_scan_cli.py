"""`guard scan` over files, directories and stdin, in process (`guard_main`); the installed
command where the process matters (git missing from PATH, `python -m guard`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import GuardRun, commit_all, git, run_guard, write
from tests.secrets import binary_blob, github_token


def test_clean_tree_exits_0_with_receipt(repo: Path, guard_main: GuardRun) -> None:
    write(repo / 'app.py', 'print("hello")\n')
    result = guard_main('scan')
    assert result.returncode == 0, result.stderr
    assert result.stdout == ''
    assert 'guard scan: 1 files' in result.stderr


def test_token_is_reported_with_location_and_preview(repo: Path, guard_main: GuardRun) -> None:
    token = github_token()
    write(repo / 'src' / 'settings.py', f'DEBUG = True\nTOKEN = "{token}"\n')
    result = guard_main('scan')
    assert result.returncode == 1
    assert result.stdout == 'src/settings.py:2: github-pat GitHub personal access token (classic) (ghp_…(40))\n'
    assert token not in result.stdout + result.stderr


def test_gitignored_files_are_skipped_unless_asked(repo: Path, guard_main: GuardRun) -> None:
    write(repo / '.gitignore', 'local/\n')
    write(repo / 'local' / 'notes.txt', f'{github_token()}\n')
    assert guard_main('scan').returncode == 0
    result = guard_main('scan', '--no-gitignore')
    assert result.returncode == 1
    assert result.stdout.startswith('local/notes.txt:1: github-pat')


def test_tracked_and_untracked_files_are_both_scanned(repo: Path, guard_main: GuardRun) -> None:
    write(repo / 'tracked.txt', f'{github_token()}\n')
    commit_all(repo)
    write(repo / 'untracked.txt', f'{github_token()}\n')
    paths = sorted(f['path'] for f in json.loads(guard_main('scan', '--format', 'json').stdout)['findings'])
    assert paths == ['tracked.txt', 'untracked.txt']


def test_outside_a_repository_walks_the_directory(tmp_path: Path, guard_main: GuardRun) -> None:
    write(tmp_path / 'plain' / 'deep' / 'a.env', f'T={github_token()}\n')
    result = guard_main('scan', str(tmp_path / 'plain'))
    assert result.returncode == 1
    assert result.stdout.startswith(f'{tmp_path}/plain/deep/a.env:1: github-pat')


def test_stdin_with_name(repo: Path, guard_main: GuardRun) -> None:
    result = guard_main('scan', '--stdin', '--stdin-name', 'pasted.txt', stdin=f'x {github_token()}\n')
    assert result.returncode == 1
    assert result.stdout.startswith('pasted.txt:1: github-pat')


def test_inline_allow_keeps_the_reason(repo: Path, guard_main: GuardRun) -> None:
    write(repo / 'a.py', f'T = "{github_token()}"  # guard:allow revoked test token\n')
    result = guard_main('scan', '--format', 'json')
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report['findings'] == []
    assert report['suppressed'][0]['allowed'] == 'revoked test token'


def test_binary_non_utf8_and_odd_names_do_not_crash(repo: Path, guard_main: GuardRun) -> None:
    (repo / 'blob.bin').write_bytes(binary_blob() + github_token().encode())
    (repo / 'latin1.txt').write_bytes('café = "'.encode('latin-1') + github_token().encode() + b'"\n')
    write(repo / 'with space\tand tab.txt', f'{github_token()}\n')
    write(repo / 'ünïcode.txt', f'{github_token()}\n')
    result = guard_main('scan', '--format', 'json')
    assert result.returncode == 1, result.stderr
    paths = sorted(f['path'] for f in json.loads(result.stdout)['findings'])
    assert paths == ['latin1.txt', 'with space\tand tab.txt', 'ünïcode.txt']
    assert '1 binary' in result.stderr


def test_size_cap_skips_and_counts(repo: Path, guard_main: GuardRun) -> None:
    write(repo / '.guard.yaml', 'max_file_size: 1KB\n')
    write(repo / 'big.txt', 'a' * 2000 + github_token())
    result = guard_main('scan')
    assert result.returncode == 0
    assert '1 over the size cap' in result.stderr


def test_50mb_minified_line(repo: Path, guard_main: GuardRun) -> None:
    token = github_token()
    line = ('var a=function(b){return b.key+"x"};' * 1_400_000)[:50_000_000] + f'"{token}"'
    write(repo / 'bundle.min.js', line)
    write(repo / '.guard.yaml', 'max_file_size: 64MB\n')
    result = guard_main('scan', '--format', 'json')
    assert result.returncode == 1
    assert json.loads(result.stdout)['findings'][0]['line'] == 1


def test_symlink_leaving_the_tree_is_not_followed(repo: Path, tmp_path: Path, guard_main: GuardRun) -> None:
    outside = write(tmp_path / 'outside.txt', f'{github_token()}\n')
    os.symlink(outside, repo / 'link.txt')
    result = guard_main('scan')
    assert result.returncode == 0
    assert '1 symlinks' in result.stderr


def test_missing_git_falls_back_to_walking(tmp_path: Path) -> None:
    write(tmp_path / 'tree' / 'a.txt', f'{github_token()}\n')
    result = run_guard('scan', str(tmp_path / 'tree'), env={'PATH': '/nonexistent'})
    assert result.returncode == 1


def test_output_file(repo: Path, guard_main: GuardRun) -> None:
    write(repo / 'a.txt', f'{github_token()}\n')
    result = guard_main('scan', '--format', 'json', '--output', 'out.json', 'a.txt')
    assert result.returncode == 1
    assert result.stdout == ''
    assert json.loads((repo / 'out.json').read_text())['findings'][0]['rule_id'] == 'github-pat'


@pytest.mark.parametrize(
    'config, fragment',
    [
        ('rules: [unclosed\n', '.guard.yaml:2: malformed YAML'),
        ('allow:\n  pathz: [x]\n', ".guard.yaml:2: unknown setting 'allow.pathz'"),
        ('max_file_size: lots\n', ".guard.yaml:1: 'lots' is not a size"),
    ],
)
def test_bad_config_exits_2_naming_file_and_line(repo: Path, config: str, fragment: str, guard_main: GuardRun) -> None:
    write(repo / '.guard.yaml', config)
    result = guard_main('scan')
    assert result.returncode == 2
    assert fragment in result.stderr
    assert 'Traceback' not in result.stderr


def test_config_in_pyproject(repo: Path, guard_main: GuardRun) -> None:
    write(repo / 'pyproject.toml', '[tool.guard]\nrules = { disable = ["github-pat"] }\n')
    write(repo / 'a.txt', f'{github_token()}\n')
    assert guard_main('scan').returncode == 0


def test_allowlisted_paths_regexes_and_stopwords(repo: Path, guard_main: GuardRun) -> None:
    write(repo / '.guard.yaml', 'allow:\n  paths: ["fixtures/**"]\n  stopwords: [revoked]\n  regexes: ["NOSONAR"]\n')
    write(repo / 'fixtures' / 'deep' / 'a.txt', f'{github_token()}\n')
    write(repo / 'b.txt', f'{github_token()} revoked\n{github_token()} NOSONAR\n')
    assert guard_main('scan').returncode == 0


def test_rules_list_and_show(repo: Path, guard_main: GuardRun) -> None:
    listed = guard_main('rules', 'list')
    assert listed.returncode == 0
    assert 'github-pat\tcritical\tGitHub personal access token (classic)' in listed.stdout.splitlines()
    shown = guard_main('rules', 'show', 'github-pat')
    assert 'keywords:    ghp_' in shown.stdout
    missing = guard_main('rules', 'show', 'nope')
    assert missing.returncode == 2
    assert "no rule 'nope'" in missing.stderr


def test_python_dash_m_works(repo: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, '-m', 'guard', '--version'], capture_output=True, text=True)
    assert proc.returncode == 0
    assert 'guard, version' in proc.stdout


def test_git_repo_with_submodule_like_gitlink_is_fine(repo: Path, guard_main: GuardRun) -> None:
    write(repo / 'a.txt', 'hello\n')
    commit_all(repo)
    git('update-index', '--add', '--cacheinfo', f'160000,{git("rev-parse", "HEAD").strip()},vendor/lib')
    assert guard_main('scan').returncode == 0
