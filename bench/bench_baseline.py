"""What sealed fingerprints cost: guard at a base revision ("before", default `main`) against
this checkout ("after"), interleaved in one run.

    python bench/bench_baseline.py                # 100 low-entropy findings, 7 rounds
    python bench/bench_baseline.py --runs 11 --before main --findings 100

A generated repository holds 100 distinct low-entropy passwords (each one a finding, each
sealed with scrypt after) and a staged 20-line change with no secret. Per round, for each
side in turn: `guard baseline create`, `guard scan --baseline` (the tree, all 100 baselined)
and `guard scan --staged` on the clean change (the pre-commit hook with nothing found:
no KDF must run). "before" is `git archive` of the revision, run from a temporary
directory with the same interpreter and dependencies: the only difference is guard's code.
Whole-process wall time, medians, and the paired ratio (median over rounds of after/before
in the same round, which load on a shared machine moves least).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GIT_ENV = {
    'GIT_AUTHOR_NAME': 'Bench',
    'GIT_AUTHOR_EMAIL': 'bench@example.com',
    'GIT_COMMITTER_NAME': 'Bench',
    'GIT_COMMITTER_EMAIL': 'bench@example.com',
    'GIT_CONFIG_NOSYSTEM': '1',
}
SEASONS = ('Winter', 'Spring', 'Summer', 'Autumn')


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(['git', *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def make_repo(path: Path, findings: int) -> None:
    git('init', '-q', '-b', 'main', str(path), cwd=path.parent)
    for i in range(findings):
        password = f'{SEASONS[i % 4]}{1990 + i}!'  # human, guessable: low entropy
        module = path / 'services' / f'svc{i:03}' / 'settings.py'
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text(f'import os\n\nDB_HOST = "db{i}"\nDB_PASSWORD = "{password}"\n', encoding='utf-8')
    (path / 'app.py').write_text(''.join(f'value_{i} = compute({i})\n' for i in range(200)), encoding='utf-8')
    git('add', '-A', cwd=path)
    git('commit', '-q', '-m', 'seed', cwd=path)
    with (path / 'app.py').open('a', encoding='utf-8') as fh:  # the hook's clean change
        fh.write(''.join(f'result_{i} = transform(value_{i})\n' for i in range(20)))
    git('add', 'app.py', cwd=path)


def extract(rev: str, into: Path) -> Path:
    data = subprocess.run(['git', 'archive', rev, 'guard'], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter='data')
    return into


def timed(code_dir: Path, repo: Path, *args: str, expect: tuple[int, ...]) -> float:
    env = {**os.environ, **GIT_ENV, 'PYTHONPATH': str(code_dir), 'HOME': str(repo.parent / 'home')}
    env.pop('GUARD_FINGERPRINT_KEY', None)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, '-m', 'guard', *args], cwd=repo, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode not in expect:
        raise SystemExit(f'guard {" ".join(args)} ({code_dir}): exit {proc.returncode}\n{proc.stderr.decode()}')
    return elapsed


CASES = {
    'baseline create': (('baseline', 'create'), (0,)),
    'scan --baseline': (('scan', '--baseline', '.guard-baseline.json', '-q'), (0,)),
    'scan --staged (clean)': (('scan', '--staged', '-q'), (0,)),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--before', default='main', help='revision to compare with (default: main)')
    parser.add_argument('--runs', type=int, default=7)
    parser.add_argument('--findings', type=int, default=100)
    args = parser.parse_args()
    print(f'uptime: {os.popen("uptime").read().strip()}')
    with tempfile.TemporaryDirectory(prefix='guard-bench-baseline-') as scratch:
        tmp = Path(scratch)
        sides = {'before': extract(args.before, tmp / 'before'), 'after': ROOT}
        repos = {}
        for side in sides:
            (tmp / side / 'work').mkdir(parents=True, exist_ok=True)
            (tmp / side / 'work' / 'home').mkdir()
            repos[side] = tmp / side / 'work' / 'repo'
            make_repo(repos[side], args.findings)
        times: dict[tuple[str, str], list[float]] = {}
        for side, code in sides.items():  # warm-up: .pyc files, the salt, the rule cache
            for argv, expect in CASES.values():
                timed(code, repos[side], *argv, expect=expect)
        for _round in range(args.runs):
            for case, (argv, expect) in CASES.items():
                for side, code in sides.items():
                    times.setdefault((case, side), []).append(timed(code, repos[side], *argv, expect=expect))
    print(f'{args.findings} low-entropy findings, {args.runs} rounds, before = {args.before}')
    print(f'{"case":<24}{"before":>10}{"after":>10}{"paired":>9}')
    for case in CASES:
        before, after = times[case, 'before'], times[case, 'after']
        paired = statistics.median(a / b for a, b in zip(after, before, strict=True))
        print(f'{case:<24}{statistics.median(before):>9.3f}s{statistics.median(after):>9.3f}s{paired:>8.2f}x')
    print(f'uptime: {os.popen("uptime").read().strip()}')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
