"""The history store under concurrent runs and bad rows: never doubled, never a crash."""

from __future__ import annotations

import fcntl
import json
import sqlite3
import subprocess
from pathlib import Path

from tests.conftest import GUARD
from tests.test_history import STORE, fast_import, history


def test_a_row_that_fails_validation_rebuilds_the_store_with_one_warning(repo: Path) -> None:
    fast_import(repo, 10, secret_every=5)
    _, full, _ = history()
    with sqlite3.connect(repo / STORE) as db:
        db.execute('UPDATE findings SET severity = 99 WHERE rowid = (SELECT MIN(rowid) FROM findings)')
    _, data, stderr = history()
    warnings = [line for line in stderr.splitlines() if 'warning' in line]
    assert len(warnings) == 1 and 'rows fail validation' in warnings[0] and 'rebuilt' in warnings[0], stderr
    assert data['groups'] == full['groups']
    assert '0 commits scanned, 10 from the store' in history()[2]


def test_commits_saved_twice_are_not_counted_twice(repo: Path) -> None:
    """What a second run does that scanned the same commits before the first saved: the rows
    it inserts again are the same rows, not more occurrences."""
    fast_import(repo, 20, secret_every=4)
    _, full, _ = history()
    with sqlite3.connect(repo / STORE) as db:
        before = db.execute('SELECT COUNT(*) FROM findings').fetchone()[0]
        db.execute('DELETE FROM commits')  # findings stay, as the other run's did
    _, data, stderr = history()
    assert '20 commits scanned, 0 from the store' in stderr
    with sqlite3.connect(repo / STORE) as db:
        assert db.execute('SELECT COUNT(*) FROM findings').fetchone()[0] == before
    assert data['groups'] == full['groups']
    assert history()[1]['groups'] == full['groups']


def test_a_run_that_finds_the_store_in_use_says_so_once_and_goes_on(repo: Path) -> None:
    fast_import(repo, 10, secret_every=5)
    _, full, _ = history()
    with open(repo / STORE.parent / 'history.lock', 'ab') as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # another run holds it
        _, data, stderr = history()
    warnings = [line for line in stderr.splitlines() if 'warning' in line]
    assert len(warnings) == 1 and 'in use by another scan-history run' in warnings[0], stderr
    assert '10 commits scanned, 0 from the store' in stderr
    assert data['groups'] == full['groups']


def test_two_runs_at_once_leave_a_store_that_agrees_with_a_fresh_scan(repo: Path) -> None:
    fast_import(repo, 150, secret_every=3)
    runs = [
        subprocess.Popen(
            [*GUARD.split(), 'scan-history', '--format', 'json'], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [run.communicate() for run in runs]
    fresh = history('--no-cache')[1]['groups']
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 1, err
        assert json.loads(out)['groups'] == fresh
    for _ in range(2):  # and every later run, from the store
        assert history()[1]['groups'] == fresh
