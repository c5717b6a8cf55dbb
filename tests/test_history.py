"""`guard scan-history`: grouped findings over every ref, env files, merges, the store."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from tests.conftest import commit_all, git, run_guard, write
from tests.secrets import aws_key_id, binary_blob, github_token, random_body

STORE = Path('.git') / 'guard' / 'history.sqlite3'


def history(*args: str, cwd: Path | None = None) -> tuple[int, dict, str]:
    result = run_guard('scan-history', '--format', 'json', *args, cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


def fast_import(repo: Path, count: int, secret_every: int = 0) -> list[str]:
    """`count` commits on main, each adding one file, made in one `git fast-import`."""
    chunks = []
    for i in range(1, count + 1):
        body = f'value = {i}\n'
        if secret_every and i % secret_every == 0:
            body += f'token = "{github_token()}"\n'
        message = f'commit {i}\n'
        parent = f'from :{i - 1}\n' if i > 1 else ''
        chunks.append(
            f'commit refs/heads/main\nmark :{i}\n'
            f'author Test <test@example.com> {1700000000 + i} +0000\n'
            f'committer Test <test@example.com> {1700000000 + i} +0000\n'
            f'data {len(message)}\n{message}{parent}'
            f'M 100644 inline file{i}.py\ndata {len(body.encode())}\n{body}\n'
        )
    subprocess.run(['git', 'fast-import', '--quiet'], input=''.join(chunks).encode(), cwd=repo, check=True)
    return git('rev-list', '--reverse', 'main', cwd=repo).split()


def groups_by_path(data: dict) -> dict[str, dict]:
    return {g['path']: g for g in data['groups']}


def test_groups_by_fingerprint_with_first_last_and_head(repo: Path) -> None:
    token = github_token()
    write(repo / 'app.py', f'T = "{token}"\n')
    first = commit_all(repo, 'add')
    write(repo / 'app.py', 'T = None\n')
    commit_all(repo, 'remove')
    write(repo / 'app.py', f'T = None\nT = "{token}"\n')
    last = commit_all(repo, 'add again')
    write(repo / 'gone.py', f'G = "{github_token()}"\n')
    commit_all(repo, 'gone')
    (repo / 'gone.py').unlink()
    commit_all(repo, 'delete gone')
    code, data, stderr = history()
    assert code == 1
    by_path = groups_by_path(data)
    app = by_path['app.py']
    assert (app['first_commit']['sha'], app['last_commit']['sha'], app['occurrences'], app['at_head']) == (
        first,
        last,
        2,
        True,
    )
    assert by_path['gone.py']['at_head'] is False
    assert len(data['findings']) == 2
    assert 'guard scan-history: 5 commits' in stderr
    text = run_guard('scan-history').stdout
    assert f'{first[:12]}:app.py:1: github-pat' in text
    assert '2 occurrences; still at HEAD' in text


def test_deleted_env_file_is_a_finding_with_adding_and_removing_commits(repo: Path) -> None:
    write(repo / '.env', 'DB_PASSWORD=' + random_body(16) + '\n')
    write(repo / 'config' / '.env.production', 'A=1\n')
    write(repo / '.env.example', 'DB_PASSWORD=\n')
    write(repo / 'prod.env.sample', 'X=\n')
    added = commit_all(repo, 'oops')
    (repo / '.env').unlink()
    removed = commit_all(repo, 'remove .env')
    code, data, _ = history()
    assert code == 1
    by_path = {g['path']: g for g in data['groups'] if g['rule_id'] == 'env-file-in-history'}
    assert sorted(by_path) == ['.env', 'config/.env.production']  # the value itself may be a finding too
    env = by_path['.env']
    assert (env['rule_id'], env['first_commit']['sha'], env['removed_in']['sha'], env['at_head']) == (
        'env-file-in-history',
        added,
        removed,
        False,
    )
    assert by_path['config/.env.production']['at_head'] is True
    assert by_path['config/.env.production']['removed_in'] is None


def test_merges_are_not_double_reported_and_messages_are_scanned(repo: Path) -> None:
    write(repo / 'base.txt', 'base\n')
    commit_all(repo)
    git('checkout', '-q', '-b', 'side')
    write(repo / 'side.py', f'S = "{github_token()}"\n')
    side = commit_all(repo, 'side')
    git('checkout', '-q', 'main')
    write(repo / 'main.txt', 'main\n')
    commit_all(repo, 'main')
    git('merge', '-q', '--no-ff', '-m', f'merge side, token {github_token()}', 'side')
    _, data, _ = history()
    by_path = groups_by_path(data)
    assert by_path['side.py']['occurrences'] == 1
    assert by_path['side.py']['first_commit']['sha'] == side
    assert by_path['<commit-message>']['at_head'] is None


def test_every_ref_by_default_and_branch_narrows(repo: Path) -> None:
    write(repo / 'a.txt', 'a\n')
    commit_all(repo)
    git('checkout', '-q', '-b', 'topic')
    write(repo / 'topic.py', f'T = "{github_token()}"\n')
    commit_all(repo, 'topic')
    git('checkout', '-q', 'main')
    assert [g['path'] for g in history()[1]['groups']] == ['topic.py']
    code, data, _ = history('--branch', 'main')
    assert (code, data['groups']) == (0, [])


def test_binary_files_are_skipped(repo: Path) -> None:
    (repo / 'blob.bin').write_bytes(binary_blob() + github_token().encode())
    commit_all(repo)
    code, _, stderr = history()
    assert code == 0
    assert '1 binary skipped' in stderr


def test_parallel_workers_find_the_same_as_one(repo: Path) -> None:
    fast_import(repo, 300, secret_every=50)
    _, one, _ = history('--jobs', '1', '--no-cache')
    _, two, stderr = history('--jobs', '2', '--no-cache')
    assert len(one['groups']) == 6
    assert one['groups'] == two['groups']
    assert '300 commits scanned' in stderr


def test_rerun_scans_only_new_commits(repo: Path) -> None:
    fast_import(repo, 20, secret_every=10)
    _, first, stderr = history()
    assert '20 commits scanned, 0 from the store' in stderr
    _, again, stderr = history()
    assert '0 commits scanned, 20 from the store' in stderr
    assert again['groups'] == first['groups']
    # the receipt adds up the stored commits' sizes as a full scan does
    assert (again['receipt']['bytes'], again['receipt']['files']) == (first['receipt']['bytes'], 20)
    git('checkout', '-q', 'main')
    write(repo / 'new.py', f'N = "{github_token()}"\n')
    commit_all(repo, 'new')
    _, data, stderr = history()
    assert '1 commits scanned, 20 from the store' in stderr
    assert len(data['groups']) == 3
    _, full, stderr = history('--no-cache')
    assert '21 commits scanned, 0 from the store' in stderr
    assert (data['receipt']['bytes'], data['receipt']['files']) == (full['receipt']['bytes'], 21)
    _, data, stderr = history('--branch', 'main~5')  # fewer commits than the store holds
    assert '0 commits scanned, 16 from the store' in stderr and data['receipt']['files'] == 16


def test_interrupted_scan_resumes_from_the_store(repo: Path) -> None:
    commits = fast_import(repo, 30, secret_every=5)
    _, full, _ = history()
    with sqlite3.connect(repo / STORE) as db:  # as if the run stopped after the first 12
        for sha in commits[12:]:
            db.execute('DELETE FROM commits WHERE sha = ?', (sha,))
            db.execute('DELETE FROM findings WHERE sha = ?', (sha,))
    _, resumed, stderr = history()
    assert '18 commits scanned, 12 from the store' in stderr
    assert resumed['groups'] == full['groups']
    stored = sqlite3.connect(repo / STORE).execute('SELECT secret_hash, secret_sha1, preview FROM findings').fetchall()
    assert len(stored) == 6 and all(len(h) == 32 and h1 == '' and p.endswith('(40)') for h, h1, p in stored)


def test_corrupted_store_is_reported_and_rebuilt(repo: Path) -> None:
    fast_import(repo, 10, secret_every=5)
    _, full, _ = history()
    (repo / STORE).write_bytes(b'this is not a database' * 100)
    _, data, stderr = history()
    warnings = [line for line in stderr.splitlines() if 'warning' in line]
    assert len(warnings) == 1 and 'rebuilt' in warnings[0]
    assert data['groups'] == full['groups']
    assert '0 commits scanned, 10 from the store' in history()[2]


def test_rules_change_invalidates_the_store(repo: Path) -> None:
    fast_import(repo, 10, secret_every=5)
    assert 'github-pat' in {g['rule_id'] for g in history()[1]['groups']}
    write(repo / '.guard.yaml', 'rules:\n  disable: [github-pat]\n')
    _, data, stderr = history()
    assert '10 commits scanned, 0 from the store' in stderr
    assert 'github-pat' not in {g['rule_id'] for g in data['groups']}


def test_since_a_revision_or_a_date(repo: Path) -> None:
    commits = fast_import(repo, 10, secret_every=3)
    _, data, stderr = history('--since', commits[5], '--no-cache')
    assert '4 commits scanned' in stderr
    assert len(data['groups']) == 1  # only commit 9 holds a token after commit 6
    _, data, stderr = history('--since', '2100-01-01', '--no-cache')
    assert (data['groups'], '0 commits scanned' in stderr) == ([], True)


def test_locked_store_is_reported_and_the_run_goes_on(repo: Path) -> None:
    fast_import(repo, 10, secret_every=5)
    _, full, _ = history()
    holder = sqlite3.connect(repo / STORE, isolation_level=None)
    holder.execute('BEGIN EXCLUSIVE')  # another run writing
    try:
        _, data, stderr = history()
    finally:
        holder.execute('ROLLBACK')
        holder.close()
    warnings = [line for line in stderr.splitlines() if 'warning' in line]
    assert len(warnings) == 1 and 'locked' in warnings[0]
    assert '10 commits scanned' in stderr
    assert data['groups'] == full['groups']


def test_keyword_less_detectors_still_see_the_files_they_want(repo: Path) -> None:
    """The history prefilter skips commits without keywords, except files that a detector
    judging by file name (.pgpass) asks for."""
    write(repo / 'ops' / '.pgpass', f'db.internal:5432:app:app_user:{random_body(24)}\n')
    commit_all(repo, 'ops')
    _, data, _ = history()
    assert [(g['path'], g['rule_id']) for g in data['groups']] == [('ops/.pgpass', 'pgpass-password')]


def test_keywords_in_any_case_open_the_prefilter(repo: Path) -> None:
    """The history prefilter reads raw bytes: an upper-case keyword (AKIA…) must still let the
    commit through, in a file and in a commit message."""
    in_file, in_message = aws_key_id(), aws_key_id()
    write(repo / 'deploy.py', f'KEY_ID = "{in_file}"\n')
    commit_all(repo, 'deploy')
    write(repo / 'notes.txt', 'nothing here\n')
    commit_all(repo, f'rotate {in_message}')
    _, data, _ = history()
    assert sorted(g['path'] for g in data['groups']) == ['<commit-message>', 'deploy.py']


def test_shallow_clone_and_worktree_notes(repo: Path, tmp_path: Path) -> None:
    """A shallow clone says its history is cut; a worktree's store is the main repository's."""
    for i in range(3):
        write(repo / f'f{i}.txt', f'{i}\n')
        commit_all(repo, f'c{i}')
    clone = tmp_path / 'shallow'
    git('clone', '-q', '--depth', '1', f'file://{repo}', str(clone))
    _, _, stderr = history(cwd=clone)
    assert 'shallow clone' in stderr and 'git fetch --unshallow' in stderr
    _, _, stderr = history()
    assert 'shallow clone' not in stderr
    worktree = tmp_path / 'wt'
    git('worktree', 'add', '-q', str(worktree), cwd=repo)
    _, _, stderr = history(cwd=worktree)
    assert '0 commits scanned, 3 from the store' in stderr
    assert not (worktree / STORE).exists() and (repo / STORE).exists()


def test_still_at_head_follows_head_across_reruns(repo: Path) -> None:
    """What HEAD holds is remembered per (path, blob): a HEAD that moved is read again."""
    write(repo / 'app.py', f'T = "{github_token()}"\n')
    commit_all(repo, 'add')
    _, data, _ = history()
    assert [g['at_head'] for g in data['groups']] == [True]
    blob = git('rev-parse', 'HEAD:app.py', cwd=repo).strip()
    assert sqlite3.connect(repo / STORE).execute('SELECT path, blob FROM head_prints').fetchall() == [('app.py', blob)]
    _, data, _ = history()
    assert [g['at_head'] for g in data['groups']] == [True]
    write(repo / 'app.py', 'T = None\n')
    commit_all(repo, 'clean')
    _, data, _ = history()
    assert [g['at_head'] for g in data['groups']] == [False]
    git('checkout', '-q', 'HEAD~1', cwd=repo)
    _, data, _ = history()
    assert [g['at_head'] for g in data['groups']] == [True]
    (repo / 'app.py').unlink()
    git('rm', '-q', '--cached', 'app.py', cwd=repo)
    commit_all(repo, 'gone')
    _, data, _ = history()
    assert [g['at_head'] for g in data['groups']] == [False]


def test_the_commit_listing_started_before_the_imports_is_the_one_used(repo: Path, tmp_path: Path) -> None:
    """guard.cli.history starts `git rev-list` early with the arguments guard.history.audit will
    ask for: were they to drift apart, the early listing would run for nothing, beside a second."""
    for i in range(3):
        write(repo / f'f{i}.txt', f'{i}\n')
        commit_all(repo, f'c{i}')
    git('branch', 'side', 'HEAD~1', cwd=repo)
    for n, args in enumerate(((), ('--branch', 'side'), ('--since', 'HEAD~2'))):
        trace = tmp_path / f'trace{n}'
        result = run_guard('scan-history', '--no-cache', *args, env={'GIT_TRACE': str(trace)})
        assert result.returncode == 0, result.stderr
        listings = [line for line in trace.read_text().splitlines() if 'git rev-list' in line]
        assert len(listings) == 1, listings


def test_a_store_another_process_writes_to_is_warned_about_once(repo: Path) -> None:
    """A save that fails (the file held by another writer) is reported once; the run's
    results stand, and the next run scans again what was not saved."""
    write(repo / 'a.txt', 'a\n')
    commit_all(repo, 'a')
    history()
    write(repo / 'app.py', f'T = "{github_token()}"\n')
    commit_all(repo, 'token')
    other = sqlite3.connect(repo / STORE, isolation_level=None)
    other.execute('BEGIN IMMEDIATE')
    try:
        _, data, stderr = history()
    finally:
        other.execute('ROLLBACK')
        other.close()
    assert stderr.count('cannot save progress') == 1 and 'this run goes on unsaved' in stderr
    assert '1 commits scanned, 1 from the store' in stderr
    assert [(g['path'], g['at_head']) for g in data['groups']] == [('app.py', True)]
    _, again, stderr = history()
    assert 'cannot save' not in stderr and '1 commits scanned, 1 from the store' in stderr
    assert again['groups'] == data['groups']
