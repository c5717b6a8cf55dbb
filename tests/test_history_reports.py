"""scan-history's JSON says what its text says of every group, and a run served from the
store receipts what a fresh run does."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import commit_all, run_guard, write
from tests.secrets import github_token


def history_json(*args: str) -> tuple[dict, str]:
    result = run_guard('scan-history', '--format', 'json', *args)
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout), result.stderr


def test_json_gives_every_group_its_history_removed_in_included(repo: Path) -> None:
    gone, kept = github_token(), github_token()
    write(repo / 'a.py', f'A = "{gone}"\n')
    added = commit_all(repo, 'add a')
    write(repo / 'b.py', f'B = "{kept}"\n')
    write(repo / 'a.py', f'A = "{gone}"\nX = 1\n')
    commit_all(repo, 'touch a, add b')
    write(repo / 'a.py', 'A = os.environ["A"]\nX = 1\n')
    removed = commit_all(repo, 'remove the token')
    write(repo / '.env', f'T={github_token()}\n')
    env_added = commit_all(repo, 'oops, .env')
    (repo / '.env').unlink()
    env_removed = commit_all(repo, 'drop .env')
    data, _ = history_json('--no-cache')
    by_path = {f['path']: f for f in data['findings']}
    assert set(by_path) == {'a.py', 'b.py', '.env'}
    for finding in data['findings']:  # the top-level findings, not only `groups`
        assert {'occurrences', 'first_commit', 'last_commit', 'at_head', 'removed_in'} <= set(finding)
    a, b = by_path['a.py'], by_path['b.py']
    assert (a['first_commit']['sha'], a['at_head'], a['removed_in']['sha']) == (added, False, removed)
    assert (b['at_head'], b['removed_in'], b['occurrences']) == (True, None, 1)
    env = next(g for g in data['groups'] if g['rule_id'] == 'env-file-in-history')
    assert (env['first_commit']['sha'], env['removed_in']['sha']) == (env_added, env_removed)
    text = run_guard('scan-history').stdout
    assert f'removed in {removed[:12]}' in text  # the text output says the same
    again, _ = history_json()  # the removal remembered by the store: the same answer
    assert next(f for f in again['findings'] if f['path'] == 'a.py')['removed_in']['sha'] == removed


def test_a_run_served_from_the_store_keeps_the_skipped_counts(repo: Path) -> None:
    write(repo / 'a.py', f'A = "{github_token()}"\n')
    (repo / 'blob.bin').write_bytes(b'\0\x01\x02' * 100)
    commit_all(repo, 'with a binary file')
    fresh, fresh_err = history_json()
    again, again_err = history_json()
    assert '1 commits scanned, 0 from the store' in fresh_err
    assert '0 commits scanned, 1 from the store' in again_err
    assert fresh['receipt']['skipped'] == again['receipt']['skipped'] == 1
    assert '1 binary skipped' in again['receipt']['notes']
