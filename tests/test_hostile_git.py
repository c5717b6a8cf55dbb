"""Hostile repositories: attributes and encodings that used to hide text from every git mode
(issue 9: bypasses, non-UTF-8 text and names). Real repositories, the installed command."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import GUARD, commit_all, git, run_guard, write
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
    head = git('rev-parse', 'HEAD').strip()
    pushed = run_guard('scan', '--pre-push', 'origin', stdin=f'refs/heads/main {head} refs/heads/main {base}\n')
    assert pushed.returncode == 1, pushed.stderr
    assert f'{name}:1: github-pat' in pushed.stdout
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


# ---- bytes that are not UTF-8 ---------------------------------------------------------------

ZERO = '0' * 40
LATIN1_NAME = 'caf\udce9.py'  # the name b'caf\xe9.py' as guard holds it (surrogateescape)


def _latin1_line(token: str) -> bytes:
    return 'café = "'.encode('latin-1') + token.encode() + '"  # naïve\n'.encode('latin-1')


def _modes(base: str) -> dict[str, tuple[str, ...]]:
    return {
        'range': ('--range', f'{base}..HEAD'),
        'since': ('--since', base),
    }


def test_non_utf8_text_is_scanned_in_staged_range_pre_push_and_history(repo: Path) -> None:
    write(repo / 'README.md', 'hello\n')
    base = commit_all(repo, 'first')
    (repo / 'notes.txt').write_bytes(b'caf\xe9 secret\n' + _latin1_line(github_token()))
    git('add', '-A')
    staged = run_guard('scan', '--staged', '--format', 'json')
    assert staged.returncode == 1, staged.stderr
    assert [(f['path'], f['line']) for f in json.loads(staged.stdout)['findings']] == [('notes.txt', 2)]
    commit_all(repo, 'Latin-1 notes, r\xe9sum\xe9')
    for mode, args in _modes(base).items():
        result = run_guard('scan', *args, '--format', 'json')
        assert result.returncode == 1, (mode, result.stderr)
        assert _found(result.stdout) == [('notes.txt', 'github-pat')], mode
    head = git('rev-parse', 'HEAD').strip()
    pushed = run_guard('scan', '--pre-push', 'origin', stdin=f'refs/heads/main {head} refs/heads/main {ZERO}\n')
    assert pushed.returncode == 1, pushed.stderr
    assert 'notes.txt:2: github-pat' in pushed.stdout
    for extra in (('--no-cache',), (), ()):  # the store is written, then read
        code, paths, stderr = _history(*extra)
        assert (code, paths) == (1, ['notes.txt']), stderr


def test_a_non_utf8_commit_message_and_author_are_scanned(repo: Path) -> None:
    write(repo / 'README.md', 'hello\n')
    parent = commit_all(repo, 'first')
    tree = git('rev-parse', 'HEAD^{tree}').strip()
    # `git commit` re-encodes a message that is not UTF-8 (as Latin-1); a commit object
    # written directly keeps the bytes, as an old or foreign tool may have left them
    body = (
        f'tree {tree}\nparent {parent}\n'.encode()
        + b'author Ren\xe9 <r@example.com> 1700000000 +0000\n'
        + b'committer Ren\xe9 <r@example.com> 1700000000 +0000\n\n'
        + b'caf\xe9 token '
        + github_token().encode()
        + b'\n'
    )
    made = subprocess.run(
        ['git', 'hash-object', '-t', 'commit', '-w', '--stdin'], input=body, capture_output=True, check=True
    )
    git('update-ref', 'refs/heads/main', made.stdout.decode().strip())
    for extra in (('--no-cache',), (), ()):
        result = _run_bytes('scan-history', *extra)
        assert result.returncode == 1, result.stderr
        out = _valid_utf8(result.stdout)
        assert '<commit-message>:1: github-pat' in out
        assert '(Ren\ufffd <r@example.com>' in out


def _latin1_repo(repo: Path) -> str:
    write(repo / 'README.md', 'hello\n')
    base = commit_all(repo, 'first')
    (repo / LATIN1_NAME).write_text(f'token = "{github_token()}"\n', encoding='utf-8')
    return base


def _valid_utf8(data: bytes) -> str:
    return data.decode('utf-8')  # raises on invalid UTF-8


def _run_bytes(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*GUARD.split(), *args], input=stdin, capture_output=True, check=False)


@pytest.mark.parametrize('fmt', ['sarif', 'json', 'text', 'github', 'html'])
def test_non_utf8_file_names_in_every_mode_and_format(repo: Path, fmt: str) -> None:
    base = _latin1_repo(repo)
    tree = _run_bytes('scan', '--format', fmt)
    git('add', '-A')
    staged = _run_bytes('scan', '--staged', '--format', fmt)
    commit_all(repo, 'Latin-1 name')
    ranged = _run_bytes('scan', '--range', f'{base}..HEAD', '--format', fmt)
    history = _run_bytes('scan-history', '--format', fmt)
    cached = _run_bytes('scan-history', '--format', fmt)  # from the store this time
    for name, proc in [('tree', tree), ('staged', staged), ('range', ranged), ('history', history), ('cached', cached)]:
        assert proc.returncode == 1, (name, proc.stderr)
        out = _valid_utf8(proc.stdout)
        _valid_utf8(proc.stderr)
        if fmt == 'sarif':
            uris = [r['locations'][0]['physicalLocation']['artifactLocation']['uri'] for r in _results(out)]
            assert uris == ['caf%E9.py'], name
        elif fmt == 'json':
            data = json.loads(out)
            found = data['groups'] if name in ('history', 'cached') else data['findings']
            assert [(f['path'], f['path_bytes']) for f in found] == [('caf\\xe9.py', 'caf%E9.py')], name
        else:
            assert 'caf\\xe9.py' in out, name


def _results(sarif_text: str) -> list[dict[str, object]]:
    results = json.loads(sarif_text)['runs'][0]['results']
    assert isinstance(results, list)
    return results


def test_a_non_utf8_file_name_reaches_guard_ci_sarif(tmp_path: Path) -> None:
    origin = tmp_path / 'origin.git'
    git('init', '-q', '--bare', '-b', 'main', str(origin))
    work = tmp_path / 'work'
    git('clone', '-q', str(origin), str(work))
    write(work / 'app.py', 'print("hello")\n')
    main = commit_all(work, 'first')
    git('push', '-q', 'origin', 'main', cwd=work)
    git('checkout', '-q', '-b', 'feature', cwd=work)
    (work / LATIN1_NAME).write_text(f'export DEPLOY={github_token()}\n', encoding='utf-8')
    feature = commit_all(work, 'Latin-1 name')
    git('push', '-q', 'origin', 'feature', cwd=work)
    payload = {
        'action': 'synchronize',
        'number': 4,
        'pull_request': {'number': 4, 'base': {'ref': 'main', 'sha': main}, 'head': {'ref': 'feature', 'sha': feature}},
    }
    result = run_scan_step(work, tmp_path, 'pull_request', payload)
    assert result.code == 1, result.stderr
    assert result.sarif is not None
    uris = [
        r['locations'][0]['physicalLocation']['artifactLocation']['uri'] for r in result.sarif['runs'][0]['results']
    ]
    assert uris == ['caf%E9.py']


# ---- a repository git refuses (safe.directory) ---------------------------------------------


def _owned_by_someone_else(repo: Path) -> dict[str, str]:
    """Make git see `repo` as another user's: really (chown to nobody) when this runs as root,
    else through git's own switch for that check (GIT_TEST_ASSUME_DIFFERENT_OWNER)."""
    if os.geteuid() != 0:
        return {'GIT_TEST_ASSUME_DIFFERENT_OWNER': '1'}
    for top, dirs, files in os.walk(repo):
        for name in [*dirs, *files]:
            os.lchown(os.path.join(top, name), 65534, 65534)
    os.chown(repo, 65534, 65534)
    return {}


SAFE_DIRECTORY_COMMANDS = [
    ('check',),
    ('check', 'gitignore'),
    ('scan', '--staged'),
    ('scan', '--range', 'HEAD~1..HEAD'),
    ('scan', '--since', 'HEAD~1'),
    ('scan', '.'),
    ('scan-history',),
]


@pytest.mark.parametrize('args', SAFE_DIRECTORY_COMMANDS, ids=' '.join)
def test_a_repository_git_refuses_is_exit_2_naming_safe_directory(repo: Path, args: tuple[str, ...]) -> None:
    write(repo / 'README.md', 'hello\n')
    commit_all(repo, 'first')
    write(repo / '.env', f'TOKEN={github_token()}\n')
    commit_all(repo, 'second')
    write(repo / 'new.py', 'x = 1\n')
    git('add', 'new.py')
    env = _owned_by_someone_else(repo)
    result = run_guard(*args, env=env)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert f'git config --global --add safe.directory {repo}' in result.stderr
    assert result.stderr.count('\n') <= 2  # the refusal, maybe a receipt: no usage text
    for wrong in ('not a git repository', 'no commits yet', 'usage:'):
        assert wrong not in result.stderr
