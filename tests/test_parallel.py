"""Scanning on a process pool gives exactly what a serial scan gives, in the same order."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from guard import api, pool
from guard.detectors.base import secret_finding
from guard.models import Finding, Fragment, Severity
from guard.scanner import Scanner
from guard.sources.files import MIN_FILES, PathSource
from tests.conftest import run_guard, write
from tests.secrets import aws_key_id, github_token

FILES = MIN_FILES + 60


class PidDetector:
    """Reports the process that scanned each fragment, so a test can see the pool at work."""

    id = 'pid'
    keywords = frozenset({'marker'})
    reports = {'pid': 'the scanning process'}
    accepts_path = None

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        time.sleep(0.001)  # enough work for a forked worker to take its share of it
        at = fragment.text.find('marker')
        if at >= 0:
            yield secret_finding(
                fragment, at, 'marker', rule_id=self.id, severity=Severity.LOW, message=str(os.getpid())
            )


def make_tree(root: Path) -> None:
    for i in range(FILES):
        write(root / f'd{i % 7}' / f'f{i:04d}.txt', f'line one\nmarker {i}\n')
    (root / 'd0' / 'blob.bin').write_bytes(b'\0\1\2' * 100)
    os.symlink('/etc/hostname', root / 'd1' / 'link')


def source(root: Path) -> PathSource:
    return PathSource([str(root)], max_size=10_000, use_gitignore=False)


@pytest.mark.skipif(not pool.can_fork(), reason='the pool needs fork (Linux)')
def test_pool_matches_serial_and_really_forks(tmp_path: Path) -> None:
    make_tree(tmp_path / 't')
    scanner = Scanner([PidDetector()])
    serial_source, pool_source = source(tmp_path / 't'), source(tmp_path / 't')
    serial = api.collect(serial_source, scanner, jobs=1)
    pooled = api.collect(pool_source, scanner, jobs=2)
    serial_tally, pool_tally = serial_source.tally, pool_source.tally
    assert {f.message for f in serial} == {str(os.getpid())}
    assert len({f.message for f in pooled}) > 1  # this process takes shares too
    strip = [(f.path, f.line, f.column) for f in serial]
    assert strip == [(f.path, f.line, f.column) for f in pooled]
    assert len(strip) == FILES
    assert pool_tally == serial_tally
    assert serial_tally.files == FILES and serial_tally.reasons == {'binary': 1, 'symlinks': 1}


def test_small_trees_stay_in_process(tmp_path: Path) -> None:
    for i in range(5):
        write(tmp_path / f'f{i}.txt', 'marker\n')
    found = api.collect(source(tmp_path), Scanner([PidDetector()]), jobs=2)
    assert {f.message for f in found} == {str(os.getpid())}


def test_cli_report_is_identical_serial_and_parallel(tmp_path: Path) -> None:
    root = tmp_path / 'tree'
    make_tree(root)
    write(root / 'd3' / 'deploy.env', f'GITHUB_TOKEN={github_token()}\n')
    write(root / 'd5' / 'aws.ini', f'aws_access_key_id = {aws_key_id()}\n')
    reports = []
    for jobs in ('1', '2'):
        proc = run_guard(
            'scan', str(root), '--no-gitignore', '--format', 'json', cwd=tmp_path, env={'GUARD_JOBS': jobs}
        )
        assert proc.returncode == 1, proc.stderr
        report = json.loads(proc.stdout)
        report['receipt'].pop('seconds')
        reports.append(report)
    assert reports[0] == reports[1]
    assert len(reports[0]['findings']) >= 2
    assert reports[0]['receipt']['files'] == FILES + 2
