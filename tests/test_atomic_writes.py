"""A full disk never truncates what guard replaces: the baseline and --output stay whole.

The disk is a real one: a 1 MB tmpfs mounted for the test (root only; skipped with the
reason elsewhere), filled to the last few KB before guard writes.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import commit_all, run_guard, write
from tests.secrets import github_token


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / 'disk'
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip('mounting a small tmpfs needs root: full-disk case not run')
    done = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', str(disk)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f'cannot mount a tmpfs here ({done.stderr.decode().strip()}): full-disk case not run')
    try:
        yield disk
    finally:
        subprocess.run(['umount', '-l', str(disk)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill the disk until fewer than `leave` bytes are free."""
    with open(disk / 'filler', 'wb') as fh:
        while os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize > leave:
            try:
                fh.write(b'\0' * 4096)
                fh.flush()
            except OSError:
                break


def test_a_full_disk_keeps_the_old_baseline_whole(repo: Path, small_disk: Path) -> None:
    baseline = small_disk / 'baseline.json'
    write(repo / '.guard.yaml', f'baseline: {baseline}\n')
    write(repo / 'a.py', f'T = "{github_token()}"\n')
    assert run_guard('baseline', 'create').returncode == 0
    before = baseline.read_bytes()
    for i in range(400):  # the new baseline needs ~40 KB more than the disk has
        write(repo / f'm{i:03}.py', f'T = "{github_token()}"\n')
    commit_all(repo)
    fill(small_disk, leave=8192)
    result = run_guard('baseline', 'update')
    assert result.returncode == 2, result.stderr
    assert 'cannot write' in result.stderr and 'No space left on device' in result.stderr, result.stderr
    assert baseline.read_bytes() == before
    assert sorted(p.name for p in small_disk.iterdir()) == ['baseline.json', 'filler']  # no temp file left
    assert run_guard('scan', 'a.py').returncode == 0  # still a valid baseline: every later scan works


def test_a_full_disk_leaves_no_truncated_report(repo: Path, small_disk: Path) -> None:
    for i in range(400):
        write(repo / f'm{i:03}.py', f'T = "{github_token()}"\n')
    out = small_disk / 'report.json'
    out.write_text('{"previous": "report"}\n')
    fill(small_disk, leave=8192)
    result = run_guard('scan', '--format', 'json', '--output', str(out))
    assert result.returncode == 2, result.stderr
    assert 'No space left on device' in result.stderr
    assert json.loads(out.read_text()) == {'previous': 'report'}
    assert sorted(p.name for p in small_disk.iterdir()) == ['filler', 'report.json']


def test_output_keeps_the_file_mode_and_writes_to_a_device(repo: Path) -> None:
    write(repo / 'a.py', 'x = 1\n')
    out = repo / 'out.txt'
    out.write_text('old\n')
    out.chmod(0o640)
    assert run_guard('scan', '--format', 'json', '--output', str(out), 'a.py').returncode == 0
    assert json.loads(out.read_text())['findings'] == []
    assert out.stat().st_mode & 0o777 == 0o640
    assert run_guard('scan', '--output', '/dev/null', 'a.py').returncode == 0
