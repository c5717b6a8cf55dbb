"""Hostile repositories: attributes and encodings that used to hide text from every git mode
(issue 9: bypasses, non-UTF-8 text and names). Real repositories, the installed command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import commit_all, git, run_guard, write
from tests.secrets import binary_blob, github_token
from tests.test_action import run_scan_step

ATTRIBUTES = [
    ('* -diff\n', 'settings.py'),
    ('*.py binary\n', 'settings.py'),
    ('*.json -diff\n', 'config.json'),
]


def _history(*args: str) -> tuple[int, list[str], str]:
    result = run_guard('scan-history', '--format', 'json', *args)
    paths = [g['path'] for g in json.loads(result.stdout)['groups']] if result.stdout else []
    return result.returncode, paths, result.stderr


def _found(result_stdout: str) -> list[tuple[str, str]]:
    return [(f['path'], f['rule_id']) for f in json.loads(result_stdout)['findings']]


@pytest.mark.parametrize(('attributes', 'name'), ATTRIBUTES)
def test_gitattributes_cannot_blind_staged_range_and_history(repo: Path, attributes: str, name: str) -> None:
    write(repo / 'README.md', 'hello\n')
    base = commit_all(repo, 'first')
    write(repo / '.gitattributes', attributes)
    write(repo / name, json.dumps({'token': github_token()}) + '\n')
    git('add', '-A')
    staged = run_guard('scan', '--staged', '--format', 'json')
    assert staged.returncode == 1, staged.stderr
    assert _found(staged.stdout) == [(name, 'github-pat')]
    assert 'binary' not in staged.stderr
    commit_all(repo, 'attributes and a token')
    ranged = run_guard('scan', '--range', f'{base}..HEAD', '--format', 'json')
    assert ranged.returncode == 1, ranged.stderr
    assert _found(ranged.stdout) == [(name, 'github-pat')]
    code, paths, stderr = _history('--no-cache')
    assert (code, paths) == (1, [name]), stderr
    assert 'binary' not in stderr


def test_gitattributes_cannot_blind_guard_ci(tmp_path: Path) -> None:
    origin = tmp_path / 'origin.git'
    git('init', '-q', '--bare', '-b', 'main', str(origin))
    work = tmp_path / 'work'
    git('clone', '-q', str(origin), str(work))
    write(work / 'app.py', 'print("hello")\n')
    main = commit_all(work, 'first')
    git('push', '-q', 'origin', 'main', cwd=work)
    git('checkout', '-q', '-b', 'feature', cwd=work)
    write(work / '.gitattributes', '* -diff\n')
    write(work / 'deploy.sh', f'export DEPLOY={github_token()}\n')
    feature = commit_all(work, 'hide it')
    git('push', '-q', 'origin', 'feature', cwd=work)
    payload = {
        'action': 'synchronize',
        'number': 3,
        'pull_request': {'number': 3, 'base': {'ref': 'main', 'sha': main}, 'head': {'ref': 'feature', 'sha': feature}},
    }
    result = run_scan_step(work, tmp_path, 'pull_request', payload)
    assert result.code == 1, result.stderr
    assert result.outputs['findings'] == '1'
    assert result.sarif is not None
    assert [r['ruleId'] for r in result.sarif['runs'][0]['results']] == ['github-pat']


ENCODED = [
    ('utf-16-le, no BOM', lambda t: t.encode('utf-16-le')),
    ('utf-16-be, no BOM', lambda t: t.encode('utf-16-be')),
    ('utf-32-le, no BOM', lambda t: t.encode('utf-32-le')),
    ('utf-32-be, no BOM', lambda t: t.encode('utf-32-be')),
    ('utf-16 with BOM', lambda t: t.encode('utf-16')),
    ('a NUL near the top', lambda t: t.replace('first = 1', 'first = 1\0').encode()),
]


@pytest.mark.parametrize(('label', 'encode'), ENCODED, ids=[e[0] for e in ENCODED])
def test_text_that_looks_binary_is_scanned_in_every_mode(repo: Path, label: str, encode: object) -> None:
    assert callable(encode)
    write(repo / 'README.md', 'hello\n')
    base = commit_all(repo, 'first')
    text = 'first = 1\nsecond = 2\n' + f'token = "{github_token()}"\n'
    (repo / 'creds.ini').write_bytes(encode(text))
    tree = run_guard('scan', 'creds.ini', '--format', 'json')
    assert (tree.returncode, [(f['path'], f['line']) for f in json.loads(tree.stdout)['findings']]) == (
        1,
        [('creds.ini', 3)],
    ), tree.stderr
    git('add', '-A')
    staged = run_guard('scan', '--staged', '--format', 'json')
    assert staged.returncode == 1, staged.stderr
    assert [(f['path'], f['line']) for f in json.loads(staged.stdout)['findings']] == [('creds.ini', 3)]
    commit_all(repo, 'wide text')
    ranged = run_guard('scan', '--range', f'{base}..HEAD', '--format', 'json')
    assert _found(ranged.stdout) == [('creds.ini', 'github-pat')], ranged.stderr
    code, paths, stderr = _history('--no-cache')
    assert (code, paths) == (1, ['creds.ini']), stderr


@pytest.mark.parametrize('codec', ['utf-16-le', 'utf-16-be', 'utf-32-le', 'utf-32-be'])
def test_a_secret_added_inside_a_wide_file_is_found_on_its_line(repo: Path, codec: str) -> None:
    """A later hunk of a UTF-16/32 file starts mid code unit (git splits at 0x0A bytes)."""
    lines = [f'key{i} = value {i}\n' for i in range(30)]
    (repo / 'app.cfg').write_bytes(''.join(lines).encode(codec))
    commit_all(repo, 'wide file')
    lines[20] = f'key20 = "{github_token()}"\n'
    (repo / 'app.cfg').write_bytes(''.join(lines).encode(codec))
    git('add', '-A')
    staged = run_guard('scan', '--staged', '--format', 'json')
    assert [(f['path'], f['line']) for f in json.loads(staged.stdout)['findings']] == [('app.cfg', 21)], staged.stderr
    commit_all(repo, 'token')
    code, paths, stderr = _history('--no-cache')
    assert (code, paths) == (1, ['app.cfg']), stderr


def test_real_binaries_are_still_skipped_in_every_mode(repo: Path) -> None:
    write(repo / 'README.md', 'hello\n')
    base = commit_all(repo, 'first')
    (repo / 'logo.png').write_bytes(b'\x89PNG\r\n\x1a\n' + binary_blob(4096) + github_token().encode())
    git('add', '-A')
    staged = run_guard('scan', '--staged')
    assert (staged.returncode, staged.stdout) == (0, ''), staged.stdout
    assert '1 binary' in staged.stderr
    commit_all(repo, 'logo')
    ranged = run_guard('scan', '--range', f'{base}..HEAD')
    assert (ranged.returncode, ranged.stdout) == (0, '')
    assert '1 binary' in ranged.stderr
    code, paths, stderr = _history('--no-cache')
    assert (code, paths) == (0, [])
    assert '1 binary skipped' in stderr
