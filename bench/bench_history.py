"""History benchmark: `guard scan-history` vs `git log -p -U0 --all` and `betterleaks git`, one run.

    python bench/bench_history.py                     # a generated repository of 6,000 commits
    python bench/bench_history.py PATH [PATH ...]     # plus local repositories (read in place, the
                                                      # store goes to a throw-away clone)
    python bench/bench_history.py --commits 20000 --runs 5
    python bench/bench_history.py --commits 3000 --commits 30000 --commits 100000 --runs 1 --scale
    python bench/bench_history.py --commits 3000 --refs 10000 --runs 3   # plus 10,000 refs

Measured per repository, interleaved so a shared machine's load hits all alike:
- `git log -p -U0 --all` to /dev/null: the floor, the patch text every scanner must read;
- `betterleaks git` (which runs that same git log itself);
- `guard scan-history --no-cache` (full audit, all cores);
- `guard scan-history` again with the store warm and no new commits (incremental no-op).
Peak RSS comes from GNU time's %M (the process and the children it reaped: the workers).
The generated repository's size grows with `--commits` so time and peak memory can be
compared across history lengths (pass several sizes: --commits 3000 --commits 30000);
`--refs N` adds N lightweight tags on commits spread over the history (pull-request refs
in a mirror clone look alike to git); `--scale` leaves out betterleaks and the incremental
run (git log and guard only: the figures for linear time and bounded memory).
Printed besides: guard's CPU per MB of patch, and the largest single commit's patch (the
memory bar is 3x that per worker).

Printed: median and minimum wall time, CPU time (user + system of the tool and its
children: guard's workers and every git they run), the ratios the bars judge (of wall
medians), the paired ratio (median over rounds of guard's time over git log's in the same
round, which a load spike moves least) and the CPU ratios. guard runs as a user's
installation has it: from the bench venv of bench_staged.py (guard's tree and the dev
venv's site-packages as plain directories, without the editable install's import hook,
.pyc files written); `--dev-venv` runs the dev venv's command instead.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path

from bench_staged import bench_venv, tool_env

BIN = Path(sys.executable).parent
GIT_ENV = {
    'GIT_AUTHOR_NAME': 'Bench',
    'GIT_AUTHOR_EMAIL': 'bench@example.com',
    'GIT_COMMITTER_NAME': 'Bench',
    'GIT_COMMITTER_EMAIL': 'bench@example.com',
    'GIT_CONFIG_NOSYSTEM': '1',
}
ALNUM = string.ascii_letters + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def git(*args: str, cwd: Path, stdin: bytes | None = None) -> str:
    return subprocess.run(
        ['git', *args], cwd=cwd, input=stdin, capture_output=True, check=True, env={**os.environ, **GIT_ENV}
    ).stdout.decode()


def fake_github_token(rng: random.Random) -> str:
    """Secret-shaped test data made at run time (valid checksum, random body)."""
    body = ''.join(rng.choice(ALNUM) for _ in range(30))
    n, out = zlib.crc32(body.encode()), ''
    for _ in range(6):
        n, r = divmod(n, 62)
        out = BASE62[r] + out
    return f'ghp_{body}{out}'


def generated_repo(root: Path, commits: int, seed: int = 7) -> Path:
    """`commits` commits over 400 files on three branches: each commit edits one or two
    files (a few lines), 1 in 250 plants a token, a few add binaries and env files."""
    rng = random.Random(seed)
    repo = root / f'generated-{commits}'
    git('init', '-q', '-b', 'main', str(repo), cwd=root)
    files: dict[str, list[str]] = {}
    out: list[str] = []
    marks = {'main': 0, 'dev': 0, 'release': 0}
    for i in range(1, commits + 1):
        branch = 'main' if i < 50 or rng.random() < 0.6 else rng.choice(('dev', 'release'))
        message = f'change {i}: update handlers\n'
        out.append(
            f'commit refs/heads/{branch}\nmark :{i}\n'
            f'committer Bench <bench@example.com> {1600000000 + i * 60} +0000\n'
            f'data {len(message)}\n{message}'
        )
        parent = marks[branch] or marks['main']
        if parent:
            out.append(f'from :{parent}\n')
        marks[branch] = i
        for _ in range(rng.choice((1, 1, 2))):
            name = f'src/pkg{rng.randrange(20)}/mod{rng.randrange(20)}.py'
            lines = files.setdefault(name, [f'"""Module {name}."""\n'])
            for _ in range(rng.randrange(1, 6)):
                lines.insert(
                    rng.randrange(len(lines) + 1),
                    f'value_{rng.randrange(10**6)} = compute({rng.randrange(999)}, "{name}")\n',
                )
            if i % 250 == 0:
                lines.append(f'API_TOKEN = "{fake_github_token(rng)}"\n')
            del lines[: max(0, len(lines) - 80)]
            body = ''.join(lines).encode()
            out.append(f'M 100644 inline {name}\ndata {len(body)}\n{body.decode()}\n')
        if i % 500 == 0:
            blob = bytes(rng.randrange(256) for _ in range(2048))
            out.append(f'M 100644 inline assets/img{i}.bin\ndata {len(blob)}\n')
            out.append(blob.decode('latin-1') + '\n')
        if i % 1500 == 0:
            out.append(f'M 100644 inline deploy/.env\ndata 19\nDB_PASSWORD=secret{i % 10}\n\n')
        if i % 1500 == 750 and i > 1500:
            out.append('D deploy/.env\n')
    git('fast-import', '--quiet', cwd=repo, stdin=''.join(out).encode('latin-1'))
    git('checkout', '-q', '-f', 'main', cwd=repo)
    return repo


def add_refs(repo: Path, count: int) -> None:
    """`count` lightweight tags on commits spread evenly over the history (one update-ref --stdin)."""
    commits = git('rev-list', '--all', cwd=repo).split()
    step = max(1, len(commits) // count)
    lines = ''.join(f'create refs/tags/bench-{n} {commits[(n * step) % len(commits)]}\n' for n in range(count))
    git('update-ref', '--stdin', cwd=repo, stdin=lines.encode())


def largest_patch(repo: Path) -> int:
    """Bytes of the largest single commit's `git log -p -U0` output (record and patch)."""
    out = subprocess.run(['git', 'log', '-p', '-U0', '--all', '--format=%x00'], cwd=repo, capture_output=True).stdout
    return max(map(len, out.split(b'\0')), default=0)


def cloned(source: Path, root: Path) -> Path:
    """A throw-away clone with every branch as a local ref (so `--all` sees them)."""
    repo = root / source.name
    git('clone', '-q', '--mirror', str(source), str(repo / '.git'), cwd=root)
    git('config', '--bool', 'core.bare', 'false', cwd=repo)
    return repo


TIME = Path('/usr/bin/time')


def run(argv: Sequence[str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds (user + system, children included), peak RSS in MB of the
    process and the children it reaped, i.e. workers).

    RSS comes from GNU time (%M), which forks a small process: a child forked from this
    Python would report this interpreter's own size as its peak."""
    wrapped = [str(TIME), '-f', '%M', *argv] if TIME.exists() else list(argv)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(
        wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, env=tool_env()
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    err = proc.stderr.decode(errors='replace')
    if proc.returncode not in (0, 1):
        raise SystemExit(f'{argv[0]} failed ({proc.returncode}): {err[-600:]}')
    last = err.strip().rsplit('\n', 1)[-1]
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, used, int(last) // 1024 if TIME.exists() and last.isdigit() else 0


def bench(repo: Path, runs: int, jobs: int | None, bin_dir: Path, scale: bool = False) -> None:
    count = int(git('rev-list', '--all', '--count', cwd=repo))
    refs = len(git('for-each-ref', '--format=x', cwd=repo).split())
    jobs_args = ['--jobs', str(jobs)] if jobs else []
    commands = {
        'git log -p -U0 --all': ['git', 'log', '-p', '-U0', '--all'],
        'betterleaks git': [tool('betterleaks'), 'git', '--no-banner', '-l', 'error', '.'],
        'guard scan-history': [str(bin_dir / 'guard'), 'scan-history', '--no-cache', '-q', *jobs_args],
        'guard (incremental)': [str(bin_dir / 'guard'), 'scan-history', '-q', *jobs_args],
    }
    if scale:
        del commands['betterleaks git'], commands['guard (incremental)']
    else:
        run(commands['guard (incremental)'], repo)  # fills the store, warms the page cache
    load_before = os.getloadavg()[0]
    for argv in commands.values():
        run(argv, repo)
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    rss: dict[str, int] = dict.fromkeys(commands, 0)
    for _ in range(runs):
        for name, argv in commands.items():
            seconds, used, peak = run(argv, repo)
            wall[name].append(seconds)
            cpu[name].append(used)
            rss[name] = max(rss[name], peak)
    size = len(subprocess.run(['git', 'log', '-p', '-U0', '--all'], cwd=repo, capture_output=True).stdout)
    name_floor = 'git log -p -U0 --all'
    floor = statistics.median(wall[name_floor])
    full = statistics.median(wall['guard scan-history'])
    largest = largest_patch(repo)
    print(
        f'\n{repo.name}: {count} commits, {refs} refs, {size / 2**20:.1f} MB of patch (largest commit '
        f'{largest / 2**20:.2f} MB), {runs} runs, {jobs or os.cpu_count()} jobs, load average {load_before:.1f} '
        f'before, {os.getloadavg()[0]:.1f} after, on {os.cpu_count()} cores'
    )
    for name, values in wall.items():
        median = statistics.median(values)
        print(
            f'  {name:24} median {median:7.3f} s   min {min(values):7.3f} s   '
            f'{median / floor:5.2f}× git log   CPU {statistics.median(cpu[name]):6.3f} s   '
            f'peak RSS {rss[name]:5d} MB'
        )
    guard_cpu = statistics.median(cpu['guard scan-history'])
    print(
        f'  guard CPU per MB of patch {guard_cpu / (size / 2**20) * 1000:.1f} ms '
        f'(git log {statistics.median(cpu[name_floor]) / (size / 2**20) * 1000:.1f} ms); '
        f'peak RSS {rss["guard scan-history"]} MB'
    )
    verdict = f'  guard / git log = {full / floor:.2f} (bar ≤ 1.3: {"met" if full <= 1.3 * floor else "NOT met"})'
    if not scale:
        leaks = statistics.median(wall['betterleaks git'])
        again = statistics.median(wall['guard (incremental)'])
        verdict += (
            f'; guard / betterleaks = {full / leaks:.2f} (bar ≤ 0.75: {"met" if full <= 0.75 * leaks else "NOT met"}); '
            f'incremental {again:.3f} s (bar ≤ 0.5 s: {"met" if again <= 0.5 else "NOT met"})'
        )
    print(verdict)
    # CPU seconds depend much less than wall time on how busy the machine is: guard's, its workers'
    # and their git's, against git log's alone (on an idle machine the workers spread it over cores)
    cpu_floor = statistics.median(cpu[name_floor])
    paired = statistics.median(g / f for g, f in zip(wall['guard scan-history'], wall[name_floor], strict=True))
    line = f'  paired guard / git log = {paired:.2f}; CPU guard / git log = {guard_cpu / cpu_floor:.2f}'
    if not scale:
        line += f', betterleaks / git log = {statistics.median(cpu["betterleaks git"]) / cpu_floor:.2f}'
    print(line)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('repos', nargs='*', type=Path, help='local repositories to measure too')
    parser.add_argument('--commits', type=int, action='append', help='generated history length (repeatable)')
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--jobs', type=int, help='guard --jobs (default: all cores)')
    parser.add_argument('--refs', type=int, default=0, help='lightweight tags to add to each generated repository')
    parser.add_argument('--scale', action='store_true', help='git log and guard only (no betterleaks, no re-run)')
    parser.add_argument(
        '--dev-venv',
        action='store_true',
        help="run the dev venv's guard (with its editable-install finder) instead of a bench venv",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix='guard-bench-history-') as tmp:
        root = Path(tmp)
        bin_dir = BIN if args.dev_venv else bench_venv(root)
        print(f'guard from {"the dev venv" if args.dev_venv else "a bench venv (see --help)"}: {bin_dir / "guard"}')
        repos = [generated_repo(root, n) for n in (args.commits or [6000])]
        for repo in repos:
            if args.refs:
                add_refs(repo, args.refs)
        repos += [cloned(p.resolve(), root) for p in args.repos]
        for repo in repos:
            bench(repo, args.runs, args.jobs, bin_dir, args.scale)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
