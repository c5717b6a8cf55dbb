"""`guard check` on a 5,000-file monorepo: each check and all three, median wall time.

The bars: every check under 2 s on a monorepo of 5,000 files (issue 5); `guard check` (all
three) within 1 s on 2,500 files (issue 15: `--files 2500`). The tree is a
git repository with backend/ (Python, pydantic-settings) and frontend/ (TypeScript)
packages, nested apps each with an env template, docs, compose files and workflows.

    python bench/bench_check.py [--files 5000] [--runs 5] [--against /path/to/other/checkout]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMA = """variables:
  DATABASE_URL: {type: database_url, description: Postgres, schemes: [postgresql]}
  JWT_SECRET_KEY: {type: secret, min_length: 32, description: Signs tokens}
  LOG_LEVEL: {type: enum, choices: [DEBUG, INFO], default: INFO, description: Verbosity}
"""


def build(root: Path, files: int) -> None:
    rng = random.Random(5)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / '.gitignore').write_text(
        '.env\n.env.local\n.env.*.local\n*.pem\n*.key\nid_rsa\nid_ecdsa\n'
        'id_ed25519\nservice-account*.json\n*-service-account.json\n!.env.example\n'
    )
    (root / 'env.schema.yaml').write_text(SCHEMA)
    (root / 'README.md').write_text('| var | use |\n|--|--|\n' + ''.join(f'| `KEY_{i}` | x |\n' for i in range(200)))
    apps = [f'services/app{i:02d}' for i in range(20)]
    for app in apps:
        d = root / app
        d.mkdir(parents=True)
        keys = [f'KEY_{rng.randrange(200)}' for _ in range(15)]
        (d / '.env.example').write_text(''.join(f'# {k}\n{k}=\n' for k in dict.fromkeys(keys)))
        (d / 'pyproject.toml').write_text('[project]\nname = "x"\n')
        (d / 'docker-compose.yml').write_text('services:\n  a:\n    image: x:${TAG:-1}\n')
    made = 0
    while made < files:
        app = rng.choice(apps)
        sub = root / app / f'pkg{rng.randrange(30)}'
        sub.mkdir(exist_ok=True)
        key = f'KEY_{rng.randrange(200)}'
        if made % 2:
            body = f'import os\n\nVALUE = os.getenv("{key}")\n' + 'def f(x):\n    return x + 1\n' * 40
            (sub / f'm{made}.py').write_text(body)
        else:
            body = f'export const v = process.env.{key};\n' + 'export function f(x) { return x + 1 }\n' * 40
            (sub / f'm{made}.ts').write_text(body)
        made += 1
    git = ['git', '-C', str(root), '-c', 'user.name=b', '-c', 'user.email=b@example.com']
    subprocess.run([*git, 'init', '-q', '-b', 'main'], check=True)
    subprocess.run([*git, 'add', '-A'], check=True)
    subprocess.run([*git, 'commit', '-q', '--no-verify', '-m', 'tree'], check=True)


def timed(args: list[str], cwd: Path, runs: int, source: str | None = None) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (guard and the git it runs): on a shared
    machine the CPU figure is the steadier one. `source`: run that checkout's guard instead
    (`python -m guard` with it first on PYTHONPATH)."""
    guard = (shutil.which('guard') or f'{sys.executable} -m guard') if source is None else f'{sys.executable} -m guard'
    env = {**os.environ, 'DATABASE_URL': 'postgresql://u:p@localhost/app', 'JWT_SECRET_KEY': 'x' * 40}
    if source is not None:
        env['PYTHONPATH'] = source
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([*guard.split(), *args, '-q', '--output', os.devnull], cwd=cwd, env=env, check=False)
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times), statistics.median(cpu)


def compare(root: Path, runs: int, source: str) -> None:
    """This guard against another checkout's, interleaved run by run so both see the same load."""
    for which in ('gitignore', 'env-example', 'env-schema', 'all'):
        ours, theirs = [], []
        for _ in range(runs):
            theirs.append(timed(['check', which], root, 1, source))
            ours.append(timed(['check', which], root, 1))
        o = [statistics.median(x) for x in zip(*ours, strict=True)]
        t = [statistics.median(x) for x in zip(*theirs, strict=True)]
        print(
            f'guard check {which:<12} this {o[0]:.2f} s wall {o[1]:.2f} s CPU | {source}: {t[0]:.2f} s wall '
            f'{t[1]:.2f} s CPU | CPU ratio {o[1] / t[1]:.2f}'
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument('--files', type=int, default=5000)
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--against', metavar='CHECKOUT', help="also time another checkout's guard, interleaved")
    options = parser.parse_args()
    root = HERE / '.work' / f'check-monorepo-{options.files}'
    build(root, options.files)
    tracked = subprocess.run(['git', '-C', str(root), 'ls-files'], capture_output=True, text=True, check=True)
    print(f'monorepo: {len(tracked.stdout.splitlines())} tracked files; load average {load()} (2 cores, shared)')
    for which in ('gitignore', 'env-example', 'env-schema', 'all'):
        wall, cpu = timed(['check', which], root, options.runs)
        bar = 1.0 if which == 'all' and options.files <= 2500 else 2.0
        print(f'guard check {which:<12} median {wall:.2f} s wall, {cpu:.2f} s CPU  (bar: {bar:.2f} s)')
    if options.against:
        compare(root, options.runs, options.against)
    print(f'load average after: {load()}')
    return 0


def load() -> str:
    """The 1/5/15-minute load averages: wall times mean little on a busy machine without them."""
    return ' '.join(f'{x:.2f}' for x in os.getloadavg())


if __name__ == '__main__':
    raise SystemExit(main())
