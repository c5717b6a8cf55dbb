"""Pre-commit benchmark: `guard scan --staged` vs betterleaks and detect-secrets-hook, one run.

    python bench/bench_staged.py                 # a generated repository of 1,200 files
    python bench/bench_staged.py PATH [PATH...]  # plus local repositories (cloned, never touched)
    python bench/bench_staged.py --runs 21

In each repository a 20-line change is staged in one tracked file (the generated one
also gets a 1,000-file history so `git diff --cached` has a real index to compare).
Each tool runs as its installed command in a subprocess, as the pre-commit hook would,
whole-process wall time: `guard scan --staged`, `betterleaks git --staged`, and
`detect-secrets-hook <staged file>`. Runs are interleaved so load on a shared machine
hits every tool alike; medians are reported, the minimum beside them.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

BIN = Path(sys.executable).parent
GIT_ENV = {'GIT_AUTHOR_NAME': 'Bench', 'GIT_AUTHOR_EMAIL': 'bench@example.com',
           'GIT_COMMITTER_NAME': 'Bench', 'GIT_COMMITTER_EMAIL': 'bench@example.com', 'GIT_CONFIG_NOSYSTEM': '1'}
FILES = 1200
CHANGE = ''.join(f'    result_{i} = compute(value_{i}, factor={i})  # step {i}\n' for i in range(20))


def tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def git(*args: str, cwd: Path, stdin: bytes | None = None) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(['git', *args], cwd=cwd, input=stdin, capture_output=True, check=True,
                          env=env).stdout.decode()


def generated_repo(root: Path) -> Path:
    """1,200 Python-like files of ~60 lines in one commit, made with git fast-import."""
    repo = root / 'generated'
    git('init', '-q', '-b', 'main', str(repo), cwd=root)
    out = ['commit refs/heads/main\ncommitter Bench <bench@example.com> 1700000000 +0000\ndata 4\ninit\n']
    for i in range(FILES):
        body = ''.join(f'def func_{i}_{j}(value):\n    return value * {j} + {i}  # helper {j}\n\n'
                       for j in range(20)).encode()
        out.append(f'M 100644 inline pkg{i % 40}/module_{i}.py\ndata {len(body)}\n')
        out.append(body.decode() + '\n')
    git('fast-import', '--quiet', cwd=repo, stdin=''.join(out).encode())
    git('checkout', '-q', '-f', 'main', cwd=repo)
    return repo


def cloned(source: Path, root: Path) -> Path:
    repo = root / source.name
    git('clone', '-q', '--shared', str(source), str(repo), cwd=root)
    return repo


def stage_change(repo: Path) -> str:
    """Add 20 lines to the middle of a tracked text file; returns its path."""
    files = [f for f in git('ls-files', '-z', cwd=repo).split('\0') if f.endswith(('.py', '.md', '.txt', '.rst'))]
    target = files[len(files) // 2]
    path = repo / target
    lines = path.read_text(encoding='utf-8', errors='replace').splitlines(keepends=True)
    middle = len(lines) // 2
    path.write_text(''.join(lines[:middle]) + CHANGE + ''.join(lines[middle:]), encoding='utf-8')
    git('add', target, cwd=repo)
    return target


def timed(argv: Sequence[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds; CPU (user + system of the process and its children) is what a
    loaded shared machine distorts least."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f'{argv[0]} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}')
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench(repo: Path, runs: int) -> None:
    changed = stage_change(repo)
    count = len(git('ls-files', '-z', cwd=repo).split('\0')) - 1
    commands = {
        'guard scan --staged': [tool('guard'), 'scan', '--staged', '-q'],
        'betterleaks git --staged': [tool('betterleaks'), 'git', '--staged', '--no-banner', '-l', 'error', '.'],
        'detect-secrets-hook': [tool('detect-secrets-hook'), changed],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for argv in commands.values():      # warm the page cache and any byte-code caches
        timed(argv, repo)
    for _ in range(runs):
        for name, argv in commands.items():
            wall, used = timed(argv, repo)
            times[name].append(wall)
            cpu[name].append(used)
    guard = statistics.median(times['guard scan --staged'])
    guard_cpu = statistics.median(cpu['guard scan --staged'])
    print(f'\n{repo.name}: {count} files, 20-line change staged in {changed}, {runs} runs each, '
          f'load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores')
    for name, values in times.items():
        median, used = statistics.median(values), statistics.median(cpu[name])
        ratio = '' if name.startswith('guard') else (
            f'   guard = {guard / median:.2f}× wall, {guard_cpu / used:.2f}× CPU')
        print(f'  {name:26} median {median * 1000:7.1f} ms   min {min(values) * 1000:7.1f} ms   '
              f'CPU {used * 1000:6.1f} ms{ratio}')
    leaks = statistics.median(times['betterleaks git --staged'])
    hook = statistics.median(times['detect-secrets-hook'])
    print(f'  bars: guard ≤ 100 ms {_met(guard <= 0.100)}; faster than betterleaks {_met(guard < leaks)}; '
          f'≤ 1/3 of detect-secrets-hook {_met(guard <= hook / 3)}')


def _met(ok: bool) -> str:
    return 'met' if ok else 'NOT met'


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('repos', nargs='*', type=Path, help='local repositories to clone and measure too')
    parser.add_argument('--runs', type=int, default=15)
    parser.add_argument('--no-generated', action='store_true')
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix='guard-bench-staged-') as tmp:
        root = Path(tmp)
        repos = [] if args.no_generated else [generated_repo(root)]
        repos += [cloned(p.resolve(), root) for p in args.repos]
        for repo in repos:
            bench(repo, args.runs)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
