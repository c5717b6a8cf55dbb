"""Pre-commit benchmark: `guard scan --staged` vs betterleaks and detect-secrets-hook, one run.

    python bench/bench_staged.py                 # a generated repository of 1,200 files
    python bench/bench_staged.py PATH [PATH...]  # plus local repositories (cloned, never touched)
    python bench/bench_staged.py --runs 21
    python bench/bench_staged.py --dev-venv      # the dev venv's commands, editable finder and all

In each repository a 20-line change is staged in one tracked file (the generated one has
1,200 files in its index, so `git diff --cached` compares a real index), twice: `plain`
lines that name no secret word (most commits: the detectors' keywords never occur), and
`keywords` lines that assign tokens, passwords, keys and URLs without a real secret (the
detectors run and judge every line). Each tool runs as its installed command in a
subprocess, as the pre-commit hook would, whole-process wall time: `guard scan --staged`,
`betterleaks git --staged` and `detect-secrets-hook <staged file>`. Runs are interleaved
so load on a shared machine hits every tool alike; medians are reported, the minimum and
the CPU time (user + system, the steadier figure on a loaded machine) beside them, and
guard's ratio to each tool three ways: of the wall medians (what the bars judge), of the
CPU medians, and paired (the median over rounds of guard's wall time over the tool's in
the same round, which a load spike moves least).

The Python tools run as a user's installation has them. By default a bench venv is made
next to this interpreter's (no pip, seconds to create) whose site-packages holds one .pth
line per directory: guard's source tree and the dev venv's site-packages, so both tools
import exactly the code and dependencies of the dev venv, as plain directories. What the
dev venv adds on top is its editable install's import hook (`__editable___guard_*_finder`,
loaded by a .pth file on every Python start, guard's or detect-secrets'), which costs
~10 ms per start here and which no installation from a wheel has. Each tool's console
script is the dev venv's, with the shebang pointed at the bench venv. The tools also run
with bytecode writing allowed (PYTHONDONTWRITEBYTECODE unset), so the warm-up run leaves
the .pyc files a pip installation compiles.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import site
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import guard

BIN = Path(sys.executable).parent
GIT_ENV = {
    'GIT_AUTHOR_NAME': 'Bench',
    'GIT_AUTHOR_EMAIL': 'bench@example.com',
    'GIT_COMMITTER_NAME': 'Bench',
    'GIT_COMMITTER_EMAIL': 'bench@example.com',
    'GIT_CONFIG_NOSYSTEM': '1',
}
FILES = 1200
PYTHON_TOOLS = ('guard', 'detect-secrets-hook')
CHANGES = {
    'plain': ''.join(f'    result_{i} = compute(value_{i}, factor={i})  # step {i}\n' for i in range(20)),
    # secret words, keys and URLs with values that are no secrets: every detector runs and judges
    'keywords': ''.join(
        line + '\n'
        for line in [
            '    api_key = os.environ["SERVICE_API_KEY"]',
            '    password = settings.DATABASE_PASSWORD',
            '    token = request.headers.get("Authorization", "")',
            '    secret_name = "prod/payments/api-token"',
            '    url = "https://docs.example.com/auth/token?step=2"',
            '    db_url = f"postgresql://{user}:{password}@{host}/app"',
            '    cache_key = f"session:{user_id}"',
            '    headers = {"X-Api-Key": api_key}',
            '    password_min_length = 12',
            '    auth = HTTPBasicAuth(username, password)',
            '    private_key_path = "/etc/app/key.pem"',
            '    TOKEN_TTL_SECONDS = 3600',
            '    credentials = load_credentials(profile="default")',
            '    redis_url = "redis://localhost:6379/0"',
            '    salt = os.urandom(16)',
            '    client_secret = vault.read("oauth/client_secret")',
            '    webhook_url = "https://hooks.example.com/services/T000/B000/XXXXXXXX"',
            '    key_id = response["KeyId"]',
            '    password = "${DB_PASSWORD}"',
            '    return connect(dsn, password=password, sslmode="require")',
        ]
    ),
}


def tool(name: str, bin_dir: Path = BIN) -> str:
    found = bin_dir / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def git(*args: str, cwd: Path, stdin: bytes | None = None) -> str:
    env = {**os.environ, **GIT_ENV}
    return subprocess.run(
        ['git', *args], cwd=cwd, input=stdin, capture_output=True, check=True, env=env
    ).stdout.decode()


def bench_venv(root: Path) -> Path:
    """A venv whose sys.path holds guard's tree and the dev venv's site-packages as plain
    directories (see the module docstring); returns its bin directory."""
    venv = root / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(venv)], check=True)
    python = venv / 'bin' / 'python'
    target = subprocess.run(
        [str(python), '-c', 'import site; print(site.getsitepackages()[0])'], capture_output=True, text=True, check=True
    ).stdout.strip()
    source_tree = Path(guard.__file__).resolve().parent.parent
    lines = [str(source_tree), *site.getsitepackages()]
    Path(target, 'bench-paths.pth').write_text(''.join(f'{line}\n' for line in lines), encoding='utf-8')
    for name in PYTHON_TOOLS:
        script = Path(tool(name)).read_text(encoding='utf-8').split('\n', 1)[1]
        path = venv / 'bin' / name
        path.write_text(f'#!{python}\n{script}', encoding='utf-8')
        path.chmod(0o755)
    return venv / 'bin'


def generated_repo(root: Path) -> Path:
    """1,200 Python-like files of ~60 lines in one commit, made with git fast-import."""
    repo = root / 'generated'
    git('init', '-q', '-b', 'main', str(repo), cwd=root)
    out = ['commit refs/heads/main\ncommitter Bench <bench@example.com> 1700000000 +0000\ndata 4\ninit\n']
    for i in range(FILES):
        body = ''.join(
            f'def func_{i}_{j}(value):\n    return value * {j} + {i}  # helper {j}\n\n' for j in range(20)
        ).encode()
        out.append(f'M 100644 inline pkg{i % 40}/module_{i}.py\ndata {len(body)}\n')
        out.append(body.decode() + '\n')
    git('fast-import', '--quiet', cwd=repo, stdin=''.join(out).encode())
    git('checkout', '-q', '-f', 'main', cwd=repo)
    return repo


def cloned(source: Path, root: Path) -> Path:
    repo = root / source.name
    git('clone', '-q', '--shared', str(source), str(repo), cwd=root)
    return repo


def stage_change(repo: Path, change: str) -> str:
    """Add 20 lines to the middle of a tracked text file (after resetting the last change);
    returns its path."""
    git('reset', '-q', '--hard', cwd=repo)
    files = [f for f in git('ls-files', '-z', cwd=repo).split('\0') if f.endswith(('.py', '.md', '.txt', '.rst'))]
    target = files[len(files) // 2]
    path = repo / target
    lines = path.read_text(encoding='utf-8', errors='replace').splitlines(keepends=True)
    middle = len(lines) // 2
    path.write_text(''.join(lines[:middle]) + change + ''.join(lines[middle:]), encoding='utf-8')
    git('add', target, cwd=repo)
    return target


def tool_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop('PYTHONDONTWRITEBYTECODE', None)  # a pip installation has its .pyc files
    return env


def timed(argv: Sequence[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds; CPU (user + system of the process and its children) is what a
    loaded shared machine distorts least."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, check=False, env=tool_env())
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f'{argv[0]} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}')
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench(repo: Path, change_name: str, runs: int, bin_dir: Path) -> None:
    changed = stage_change(repo, CHANGES[change_name])
    count = len(git('ls-files', '-z', cwd=repo).split('\0')) - 1
    python = str(bin_dir / 'python')
    commands = {
        'python -c pass (floor)': [python, '-c', 'pass'],
        'guard scan --staged': [tool('guard', bin_dir), 'scan', '--staged', '-q'],
        'betterleaks git --staged': [tool('betterleaks'), 'git', '--staged', '--no-banner', '-l', 'error', '.'],
        'detect-secrets-hook': [tool('detect-secrets-hook', bin_dir), changed],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for argv in commands.values():  # warm the page cache and the byte-code caches
        timed(argv, repo)
    for _ in range(runs):
        for name, argv in commands.items():
            wall, used = timed(argv, repo)
            times[name].append(wall)
            cpu[name].append(used)
    guard_times = times['guard scan --staged']
    guard_wall = statistics.median(guard_times)
    guard_cpu = statistics.median(cpu['guard scan --staged'])
    print(
        f'\n{repo.name}, {change_name} change: {count} files, 20 lines staged in {changed}, {runs} runs each, '
        f'load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores'
    )
    for name, values in times.items():
        median, used = statistics.median(values), statistics.median(cpu[name])
        # the median of each round's ratio: the two runs of a round saw about the same load, so a
        # load spike moves this less than it moves either median
        paired = statistics.median(g / t for g, t in zip(guard_times, values, strict=True))
        ratio = (
            ''
            if name.startswith(('guard', 'python'))
            else (f'   guard = {guard_wall / median:.2f}× wall, {guard_cpu / used:.2f}× CPU, {paired:.2f}× paired')
        )
        print(
            f'  {name:26} median {median * 1000:7.1f} ms   min {min(values) * 1000:7.1f} ms   '
            f'CPU {used * 1000:6.1f} ms{ratio}'
        )
    leaks = statistics.median(times['betterleaks git --staged'])
    hook = statistics.median(times['detect-secrets-hook'])
    print(
        f'  bars: guard ≤ 100 ms {_met(guard_wall <= 0.100)}; faster than betterleaks {_met(guard_wall < leaks)}; '
        f'≤ 1/3 of detect-secrets-hook {_met(guard_wall <= hook / 3)}'
    )


def _met(ok: bool) -> str:
    return 'met' if ok else 'NOT met'


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('repos', nargs='*', type=Path, help='local repositories to clone and measure too')
    parser.add_argument('--runs', type=int, default=15)
    parser.add_argument('--no-generated', action='store_true')
    parser.add_argument(
        '--change',
        choices=sorted(CHANGES),
        action='append',
        help='which staged change to measure (repeatable; default: both)',
    )
    parser.add_argument(
        '--dev-venv',
        action='store_true',
        help="run the dev venv's commands (with its editable-install finder) instead of a bench venv",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix='guard-bench-staged-') as tmp:
        root = Path(tmp)
        bin_dir = BIN if args.dev_venv else bench_venv(root)
        print(
            f'Python tools from {"the dev venv" if args.dev_venv else "a bench venv (see --help)"}: '
            f'{bin_dir / "python"}'
        )
        repos = [] if args.no_generated else [generated_repo(root)]
        repos += [cloned(p.resolve(), root) for p in args.repos]
        for repo in repos:
            for change in args.change or ('plain', 'keywords'):
                bench(repo, change, args.runs, bin_dir)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
