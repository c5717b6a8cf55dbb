"""Tree-scan benchmark: guard vs betterleaks vs detect-secrets, in one run.

    python bench/bench_tree.py                      # the generated tree (20,000 files, ~200 MB)
    python bench/bench_tree.py --checkout           # plus flask's sdist (pip download) as a real tree
    python bench/bench_tree.py PATH [PATH ...]      # plus any checkouts you name
    python bench/bench_tree.py --no-generated --site-packages

Each tool runs as its installed command, in a subprocess, timed on the wall
clock (interpreter start-up included, as a user would see it). Repetitions are
interleaved (guard, betterleaks, detect-secrets, guard, ...) so load on a shared
machine hits every tool alike; the median is reported, the minimum beside it.
Before each timed run the tree is read once, so every tool starts from a warm
page cache whatever ran before it (--no-warm to skip). MB/s divides the tree's
bytes on disk (every regular file, binaries included) by the wall time, so all
tools share one denominator. CPU seconds (user + sys of each tool and the
processes it waited for) are printed too: on a loaded machine they say more than
wall time about the work each tool does. --guard "python -m guard" with PYTHONPATH set runs
another checkout of guard (e.g. an older commit, to compare).

detect-secrets is two orders of magnitude slower, so on a big tree it scans a
sub-tree (the generated tree's part00: 1/20 of it, holding every planted
secret) and guard runs on that same sub-tree too: the detect-secrets/guard
ratio is measured on identical input, never extrapolated. The extrapolated
full-tree time is printed, labelled as such.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / '.work'
sys.path.insert(0, str(HERE))

import treegen  # noqa: E402

BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """The installed command: the one beside this interpreter first (the venv), else PATH."""
    candidate = BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        sys.exit(f'{name} is not installed; pip install -e ".[bench]" into this interpreter\'s environment')
    return found


@dataclasses.dataclass(frozen=True)
class Target:
    """What to scan: `paths` relative to `cwd` (several top-level dirs form a sub-tree)."""

    label: str
    cwd: Path
    paths: tuple[str, ...]
    bytes: int
    files: int
    git: bool  # a git work tree: guard honours .gitignore there


@dataclasses.dataclass
class Timing:
    tool: str
    target: Target
    seconds: list[float] = dataclasses.field(default_factory=list)
    cpu: list[float] = dataclasses.field(default_factory=list)  # user + sys of the process and its children
    findings: int | None = None
    note: str = ''

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def mbps(self) -> float:
        return self.target.bytes / 1e6 / self.median


def measure_tree(paths: Sequence[Path]) -> tuple[int, int]:
    files = size = 0
    for top in paths:
        for directory, dirs, names in os.walk(top):
            dirs[:] = [d for d in dirs if d != '.git']
            for name in names:
                path = os.path.join(directory, name)
                if os.path.isfile(path) and not os.path.islink(path):
                    files += 1
                    size += os.path.getsize(path)
    return files, size


def target(label: str, cwd: Path, paths: Sequence[str]) -> Target:
    files, size = measure_tree([cwd / p for p in paths])
    return Target(label, cwd, tuple(paths), size, files, (cwd / '.git').exists())


# --- the tools: each returns its finding count, raising on a failed run ---------------------------

EMPTY_CONFIG = WORK / 'empty.guard.yaml'
GUARD_CMD: list[str] = []  # --guard, else the installed command


def run_guard(t: Target, out: Path) -> int:
    # An explicit empty config: a tree under bench/.work must not pick up this repository's .guard.yaml.
    args = [*GUARD_CMD, 'scan', *t.paths, '--format', 'json', '--output', str(out), '-q', '--config', str(EMPTY_CONFIG)]
    if not t.git:
        args.append('--no-gitignore')  # bench/.work is gitignored by the enclosing repo
    proc = subprocess.run(args, cwd=t.cwd, capture_output=True)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f'guard exited {proc.returncode}: {proc.stderr.decode()[-2000:]}')
    return len(json.loads(out.read_text())['findings'])


def run_betterleaks(t: Target, out: Path) -> int:
    # Validation/analysis (the only network features) are off unless asked for; say so explicitly.
    env = {**os.environ, 'BETTERLEAKS_VALIDATE': 'false', 'BETTERLEAKS_ANALYZE': 'false'}
    args = [
        tool('betterleaks'),
        'fs',
        *t.paths,
        '--silent',
        '--no-color',
        '--log-level=error',
        '--redact',
        '--exit-code=0',
        '-o',
        str(out),
    ]
    proc = subprocess.run(args, cwd=t.cwd, capture_output=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f'betterleaks exited {proc.returncode}: {proc.stderr.decode()[-2000:]}')
    return len(json.loads(out.read_text()).get('findings') or [])


def run_detect_secrets(t: Target, out: Path) -> int:
    args = [tool('detect-secrets'), 'scan', '--all-files', *t.paths]
    proc = subprocess.run(args, cwd=t.cwd, capture_output=True)
    if proc.returncode != 0:
        raise RuntimeError(f'detect-secrets exited {proc.returncode}: {proc.stderr.decode()[-2000:]}')
    return sum(len(v) for v in json.loads(proc.stdout)['results'].values())


TOOLS: dict[str, Callable[[Target, Path], int]] = {
    'guard': run_guard,
    'betterleaks': run_betterleaks,
    'detect-secrets': run_detect_secrets,
}


def warm(t: Target) -> None:
    """Read the tree once so every timed run starts from the page cache, not from whatever ran before."""
    for top in t.paths:
        for directory, dirs, names in os.walk(t.cwd / top):
            dirs[:] = [d for d in dirs if d != '.git']
            for name in names:
                path = os.path.join(directory, name)
                if os.path.isfile(path) and not os.path.islink(path):
                    with open(path, 'rb', buffering=0) as handle:
                        handle.read()


WARM = True


def run_interleaved(jobs: Sequence[tuple[str, Target]], reps: int) -> list[Timing]:
    timings = [Timing(name, t) for name, t in jobs]
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(reps):
            for timing in timings:
                out = Path(tmp) / f'{timing.tool}.json'
                if WARM:
                    warm(timing.target)
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                count = TOOLS[timing.tool](timing.target, out)
                timing.seconds.append(time.perf_counter() - started)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                timing.cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
                if timing.findings is not None and count != timing.findings:
                    timing.note = f'finding count varied: {timing.findings} then {count}'
                timing.findings = count
            print(f'  rep {rep + 1}/{reps} done', file=sys.stderr, flush=True)
    return timings


# --- trees ----------------------------------------------------------------------------------------


def flask_checkout() -> Path:
    """flask's sdist, unpacked: the closest offline stand-in for its checkout."""
    dest = WORK / 'checkouts'
    done = sorted(dest.glob('flask-*/pyproject.toml'))
    if done:
        return done[-1].parent
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            '-m',
            'pip',
            'download',
            '-q',
            '--no-deps',
            '--no-binary',
            ':all:',
            '--dest',
            str(dest),
            'flask',
        ],
        check=True,
    )
    archive = sorted(dest.glob('flask-*.tar.gz'))[-1]
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter='data')
    archive.unlink()
    return sorted(dest.glob('flask-*/pyproject.toml'))[-1].parent


def site_packages() -> Path:
    import sysconfig

    return Path(sysconfig.get_paths()['purelib'])


# --- report ---------------------------------------------------------------------------------------


def describe(t: Target) -> str:
    where = t.cwd if t.paths == ('.',) else f'{t.cwd} [{", ".join(t.paths)}]'
    return f'{t.label}: {t.files} files, {t.bytes / 1e6:.1f} MB ({where})'


def print_table(timings: Sequence[Timing]) -> None:
    print(f'  {"tool":<16}{"median s":>10}{"min s":>9}{"MB/s":>9}{"cpu s":>9}{"findings":>10}')
    for tm in timings:
        print(
            f'  {tm.tool:<16}{tm.median:>10.3f}{min(tm.seconds):>9.3f}{tm.mbps:>9.1f}'
            f'{statistics.median(tm.cpu):>9.2f}{tm.findings:>10}' + (f'   ({tm.note})' if tm.note else '')
        )


def ratio_line(name: str, a: Timing | None, b: Timing | None, hint: str) -> dict[str, float]:
    if a is None or b is None:
        return {}
    value = a.median / b.median
    cpu = statistics.median(a.cpu) / statistics.median(b.cpu)
    print(f'  {name} = {a.median:.3f} / {b.median:.3f} = {value:.2f}  ({hint}); in CPU seconds: {cpu:.2f}')
    return {name: round(value, 3), f'{name} (cpu)': round(cpu, 3)}


def bench_target(full: Target, sub: Target | None, tools: Sequence[str], reps: int) -> dict[str, object]:
    """All tools on `full`; detect-secrets (and guard again) on `sub` when the tree is too big for it."""
    print(f'\n== {describe(full)}')
    print(f'   cores: {os.cpu_count()}, load average before: {" ".join(f"{x:.1f}" for x in os.getloadavg())}')
    jobs = [(name, full) for name in tools if name != 'detect-secrets' or sub is None]
    timings = run_interleaved(jobs, reps)
    print_table(timings)
    by = {tm.tool: tm for tm in timings}
    result: dict[str, object] = {
        'tree': describe(full),
        'bytes': full.bytes,
        'files': full.files,
        'timings': {tm.tool: dataclasses.asdict(tm) | {'target': tm.target.label} for tm in timings},
    }
    ratios = ratio_line('guard/betterleaks', by.get('guard'), by.get('betterleaks'), 'below 1: guard is faster')
    if sub is None:
        ratios |= ratio_line('detect-secrets/guard', by.get('detect-secrets'), by.get('guard'), 'goal: >= 10')
    elif 'detect-secrets' in tools:
        print(f'\n   detect-secrets on the sub-tree {describe(sub)}')
        sub_jobs = [(name, sub) for name in ('guard', 'detect-secrets') if name in tools]
        sub_timings = run_interleaved(sub_jobs, reps)
        print_table(sub_timings)
        sub_by = {tm.tool: tm for tm in sub_timings}
        ratios |= ratio_line(
            'detect-secrets/guard (same sub-tree)', sub_by.get('detect-secrets'), sub_by.get('guard'), 'goal: >= 10'
        )
        ds = sub_by['detect-secrets']
        estimate = ds.median * full.bytes / sub.bytes
        print(f'  detect-secrets on the whole tree, EXTRAPOLATED by bytes from the sub-tree: ~{estimate:.0f} s')
        result['sub_tree'] = {tm.tool: dataclasses.asdict(tm) | {'target': tm.target.label} for tm in sub_timings}
        result['detect_secrets_full_tree_extrapolated_s'] = round(estimate, 1)
    result['ratios'] = ratios
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('paths', nargs='*', type=Path, help='checkouts to scan as they are')
    parser.add_argument('--files', type=int, default=20_000, help='generated tree: number of files')
    parser.add_argument('--mb', type=int, default=200, help='generated tree: approximate megabytes')
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--reps', type=int, default=3, help='repetitions per tool (median reported)')
    parser.add_argument('--no-generated', action='store_true', help='skip the generated tree')
    parser.add_argument('--checkout', action='store_true', help="also scan flask's sdist (pip download)")
    parser.add_argument('--site-packages', action='store_true', help="also scan this venv's site-packages")
    parser.add_argument(
        '--ds-max-mb',
        type=float,
        default=30.0,
        help='trees larger than this run detect-secrets on a sub-tree only (default 30)',
    )
    parser.add_argument('--tools', default='guard,betterleaks,detect-secrets')
    parser.add_argument('--json', type=Path, help='also write the results here')
    parser.add_argument(
        '--guard',
        help='command to run as guard, e.g. "python -m guard" with PYTHONPATH '
        'pointing at another checkout (default: the installed guard)',
    )
    parser.add_argument(
        '--no-warm', action='store_true', help='do not read the tree into the page cache before each timed run'
    )
    args = parser.parse_args(argv)
    global WARM
    WARM = not args.no_warm
    GUARD_CMD[:] = args.guard.split() if args.guard else [tool('guard')]
    tools = [t for t in args.tools.split(',') if t]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        parser.error(f'unknown tools: {", ".join(sorted(unknown))}; known: {", ".join(TOOLS)}')
    for name in tools:
        if name != 'guard' or not args.guard:
            tool(name)
    WORK.mkdir(exist_ok=True)
    EMPTY_CONFIG.write_text('# bench: built-in rules, no allowlist\n')

    results = []
    if not args.no_generated:
        started = time.perf_counter()
        tree = treegen.generate(WORK, args.files, args.mb, args.seed)
        print(
            f'generated tree ready in {time.perf_counter() - started:.1f} s: {tree.root} '
            f'({tree.files} files, {tree.bytes / 1e6:.1f} MB, {tree.secrets} planted secrets)',
            file=sys.stderr,
        )
        full = target('generated', tree.root, ['.'])
        sub = target('generated/part00', tree.root, ['part00'])
        results.append(bench_target(full, sub if full.bytes / 1e6 > args.ds_max_mb else None, tools, args.reps))
    checkouts = list(args.paths)
    if args.checkout:
        checkouts.append(flask_checkout())
    if args.site_packages:
        checkouts.append(site_packages())
    for path in checkouts:
        path = path.resolve()
        full = target(path.name, path, ['.'])
        sub = None
        if full.bytes / 1e6 > args.ds_max_mb and 'detect-secrets' in tools:
            # The first top-level directories that reach about ds-max-mb form the sub-tree.
            picked: list[str] = []
            size = 0
            for child in sorted(p for p in path.iterdir() if p.is_dir() and p.name != '.git'):
                picked.append(child.name)
                size += measure_tree([child])[1]
                if size / 1e6 >= args.ds_max_mb / 3:
                    break
            sub = target(f'{path.name} sub-tree', path, picked)
        results.append(bench_target(full, sub, tools, args.reps))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
