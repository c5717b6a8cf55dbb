"""Audit benchmark: `guard audit` (Dask, a LocalCluster sized to the machine) against a
sequential loop of `guard scan-history` over the same repositories, in one run.

    python bench/bench_audit.py                      # 50 generated repositories
    python bench/bench_audit.py --flask 10           # plus flask's history cloned 10 times
    python bench/bench_audit.py --repos 50 --commits 1500 --runs 3

Both sides rescan everything (`--no-cache`), so every run does the same work. Runs are
interleaved (loop, audit, loop, audit, ...) so a shared machine's load hits both alike;
printed are medians, the ratio of the medians and the paired ratio (median over rounds of
loop time over audit time in the same round). Also printed: Dask's own cost per task on the
same kind of cluster (1,000 no-op tasks through `client.submit`), and the cluster's start
and stop.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench_history import cloned, generated_repo, git

BIN = Path(sys.executable).parent
FLASK = Path(__file__).resolve().parents[1].parent / 'shared' / 'corpora' / 'flask.bundle'


def guard() -> str:
    found = BIN / 'guard'
    return str(found) if found.exists() else 'guard'


def timed(argv: Sequence[str], cwd: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f'{argv[:2]} failed ({proc.returncode}): {proc.stderr.decode(errors="replace")[-800:]}')
    return time.perf_counter() - started


def loop(repos: Sequence[Path]) -> float:
    started = time.perf_counter()
    for repo in repos:
        timed([guard(), 'scan-history', '--no-cache', '-q'], repo)
    return time.perf_counter() - started


def audit(repos: Sequence[Path], root: Path) -> float:
    return timed([guard(), 'audit', '--no-cache', '-q', *map(str, repos)], root)


def dask_overhead(tasks: int = 1000) -> tuple[float, float, float]:
    """(cluster start s, seconds per no-op task, cluster stop s) on guard's kind of cluster."""
    from distributed import Client

    from guard.audit import engine

    started = time.perf_counter()
    cluster = engine._local_cluster(None)
    client = Client(cluster)
    up = time.perf_counter() - started
    client.gather(client.map(int, range(50), pure=False))  # warm the workers
    started = time.perf_counter()
    client.gather([client.submit(int, i, pure=False) for i in range(tasks)])
    per_task = (time.perf_counter() - started) / tasks
    started = time.perf_counter()
    client.close()
    cluster.close()
    return up, per_task, time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--repos', type=int, default=50, help='generated repositories (default 50)')
    parser.add_argument('--commits', type=int, default=1000, help='commits in each (default 1,000)')
    parser.add_argument('--flask', type=int, default=0, help="clones of flask's history to add (default 0)")
    parser.add_argument('--runs', type=int, default=3)
    args = parser.parse_args(argv)
    logging.getLogger('distributed').setLevel(logging.CRITICAL)
    with tempfile.TemporaryDirectory(prefix='guard-bench-audit-') as scratch:
        root = Path(scratch)
        # distinct repositories with distinct histories
        repos = [generated_repo(folder(root / f'r{i}'), args.commits, seed=i) for i in range(args.repos)]
        if args.flask:
            source = root / 'flask.git'
            git('clone', '-q', '--mirror', str(FLASK), str(source), cwd=root)
            repos += [cloned(source, folder(root / f'flask{i}')) for i in range(args.flask)]
        commits = sum(int(git('rev-list', '--all', '--count', cwd=r)) for r in repos)
        print(f'{len(repos)} repositories, {commits:,} commits; load {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs')
        loops, audits, paired = [], [], []
        for _ in range(args.runs):
            looped = loop(repos)
            audited = audit(repos, root)
            loops.append(looped)
            audits.append(audited)
            paired.append(looped / audited)
            print(f'  round: loop {looped:.2f} s, audit {audited:.2f} s ({looped / audited:.2f}x)')
        up, per_task, down = dask_overhead()
        loop_median, audit_median = statistics.median(loops), statistics.median(audits)
        print(f'sequential scan-history loop: median {loop_median:.2f} s (min {min(loops):.2f})')
        print(f'guard audit:                  median {audit_median:.2f} s (min {min(audits):.2f})')
        print(f'audit speed-up: {loop_median / audit_median:.2f}x (paired {statistics.median(paired):.2f}x)')
        print(f'dask: cluster start {up:.2f} s, {per_task * 1e3:.2f} ms per task, stop {down:.2f} s')
        print(f'load after: {os.getloadavg()[0]:.2f}')
    return 0


def folder(path: Path) -> Path:
    path.mkdir()
    return path


if __name__ == '__main__':
    raise SystemExit(main())
