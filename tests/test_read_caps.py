"""The size cap bounds what is read, not what lstat said: growing files, /proc files, stdin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import GUARD, run_guard, write
from tests.secrets import github_token


def test_a_file_larger_than_its_lstat_size_is_read_only_to_the_cap(repo: Path) -> None:
    """/proc files report size 0 and hold kilobytes: exactly a file that grew after lstat."""
    write(repo / '.guard.yaml', 'max_file_size: 100\n')
    result = run_guard('scan', '/proc/self/maps')
    assert result.returncode == 0, result.stderr
    assert '0 files, 0 B, 1 skipped' in result.stderr and '; 1 over the size cap]' in result.stderr, result.stderr


def test_stdin_is_cut_at_the_cap_and_says_so(repo: Path) -> None:
    write(repo / '.guard.yaml', 'max_file_size: 1MB\n')
    early, late = github_token(), github_token()
    text = f'a = "{early}"\n' + 'filler line of text\n' * 120_000 + f'b = "{late}"\n'
    result = run_guard('scan', '--stdin', '--format', 'json', stdin=text)
    assert result.returncode == 1, result.stderr
    assert result.stdout.count('"github-pat"') == 1  # the first is found; the second was past the cap
    assert '1.0 MB' in result.stderr and 'stdin cut at the size cap' in result.stderr, result.stderr


def test_endless_stdin_is_not_read_to_the_end(repo: Path) -> None:
    write(repo / '.guard.yaml', 'max_file_size: 1MB\n')
    with open('/dev/zero', 'rb') as zero:
        done = subprocess.run([*GUARD.split(), 'scan', '--stdin'], stdin=zero, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert b'; 1 binary; 1 stdin cut at the size cap]' in done.stderr, done.stderr


def _max_rss_kb(args: list[str], cwd: Path) -> int:
    """Peak resident memory of `args` and its children, measured by a fresh parent of its own
    (this test process's RUSAGE_CHILDREN would include every earlier test's children)."""
    probe = (
        'import resource, subprocess, sys\n'
        'done = subprocess.run(sys.argv[1:], capture_output=True)\n'
        'assert done.returncode == 0, done.stderr\n'
        'print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n'
    )
    out = subprocess.run([sys.executable, '-c', probe, *args], cwd=cwd, capture_output=True, text=True, check=True)
    return int(out.stdout)


def test_a_big_staged_diff_costs_a_few_times_its_size_not_ten(repo: Path) -> None:
    """A 40 MB staged file: the patch was split into line objects and copied again per added
    line (~9x its size in memory); now fragments are cut from the patch text."""
    with open(repo / 'big.txt', 'w') as fh:
        for i in range(1_000_000):
            fh.write(f'line {i} holds a value {i * 7919 % 1000003:>12}\n')
    size_kb = (repo / 'big.txt').stat().st_size // 1024
    subprocess.run(['git', 'add', 'big.txt'], cwd=repo, check=True)
    peak = _max_rss_kb([*GUARD.split(), 'scan', '--staged'], repo)
    assert peak < 80_000 + 5 * size_kb, (peak, size_kb)  # measured: 38 MB diff, 340 MB before, ~170 MB now
