"""A big diff costs memory in proportion to its largest file (staged) or commit (history), not
to the whole patch several times over. Peak RSS of a real `guard` process, read with
`resource` in a fresh wrapper process (RUSAGE_CHILDREN is the largest of its descendants), is
compared with the same command's peak on a one-file repository. (Before: the staged scan held
the whole patch, its text and every fragment at once, ~2.6x the patch above the base; history
~6.8x, a 150 MB list of keyword matches included.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import GUARD, commit_all, git, write

FILES = 16
FILE_BYTES = 1_000_000
PEAK = """
import resource, subprocess, sys
proc = subprocess.run(sys.argv[1:], capture_output=True)
print(proc.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""


def peak_rss(args: list[str], cwd: Path) -> int:
    """Peak RSS in bytes of `guard <args>` run in `cwd`; it must exit 0 (nothing found)."""
    out = subprocess.run(
        [sys.executable, '-c', PEAK, *GUARD.split(), *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == '0', out
    return int(out[1])


def big_change(repo: Path) -> int:
    """FILES files of ~1 MB of ordinary code, a keyword on every line, staged; their size."""
    write(repo / 'README', 'start\n')
    commit_all(repo, 'start')
    size = 0
    for n in range(FILES):
        lines = [f'setting_{i} = lookup("token", {i})  # ordinary code\n' for i in range(FILE_BYTES // 40)]
        size += write(repo / f'mod{n}.py', ''.join(lines)).stat().st_size
    git('add', '-A', cwd=repo)
    return size


def small_repo(root: Path) -> Path:
    root.mkdir()
    git('init', '-q', cwd=root)
    write(root / 'a.py', 'x = 1\n')
    git('add', '-A', cwd=root)
    return root


def test_a_staged_diff_is_read_one_file_at_a_time(repo: Path, tmp_path: Path) -> None:
    size = big_change(repo)
    base = peak_rss(['scan', '--staged', '-q'], small_repo(tmp_path / 'small'))
    peak = peak_rss(['scan', '--staged', '-q'], repo)
    assert peak - base < size, (peak, base, size)  # the whole patch held even once would fail


def test_a_huge_commit_costs_history_under_three_times_its_patch(repo: Path, tmp_path: Path) -> None:
    size = big_change(repo)
    commit_all(repo, 'big')
    small = small_repo(tmp_path / 'small')
    commit_all(small, 'one')
    base = peak_rss(['scan-history', '--no-cache', '-q', '--jobs', '1'], small)
    peak = peak_rss(['scan-history', '--no-cache', '-q', '--jobs', '1'], repo)
    assert peak - base < 3 * size, (peak, base, size)
