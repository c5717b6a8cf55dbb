"""The former hangs of issue 9 as repros: wall seconds of each, with a time limit.

    .venv/bin/python bench/hostile.py                      # the installed guard (this checkout)
    .venv/bin/python bench/hostile.py --code /tmp/old      # another tree's guard/ (e.g. `git archive`)
    .venv/bin/python bench/hostile.py --limit 60 --only space

Each repro runs `python -m guard` in a fresh git repository under bench/.work/hostile, once,
on the wall clock, killed at --limit seconds (printed as '>LIMIT'). The load average is
printed with the figures: on a shared machine, compare runs made together.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

WORK = Path(__file__).resolve().parent / '.work' / 'hostile'


def _repo(name: str) -> Path:
    path = WORK / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    subprocess.run(['git', 'init', '-q', '-b', 'main', str(path)], check=True)
    return path


def _spaces(n: int) -> Callable[[], tuple[Path, list[str], bytes]]:
    def setup() -> tuple[Path, list[str], bytes]:
        return _repo(f'space{n}'), ['scan', '--stdin'], ('password' + ' ' * n + 'x\n').encode()

    return setup


def _env(reps: int) -> Callable[[], tuple[Path, list[str], bytes]]:
    def setup() -> tuple[Path, list[str], bytes]:
        path = _repo(f'env{reps}')
        (path / '.env').write_text('BIG=' + 'Qa1b2c3d4e5f6a7b8' * reps + '\n')
        (path / 'app.py').write_text('x = 1\n')
        subprocess.run(['git', 'add', 'app.py'], cwd=path, check=True)
        return path, ['scan', '--staged'], b''

    return setup


def _alias_bomb(where: str) -> Callable[[], tuple[Path, list[str], bytes]]:
    def setup() -> tuple[Path, list[str], bytes]:
        path = _repo(f'bomb-{where}')
        lines = ['&l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        lines += [f'&l{i} [' + ','.join([f'*l{i - 1}'] * 9) + ']' for i in range(1, 9)]
        bomb = '[' + ', '.join(lines) + ']'
        if where == 'config':
            (path / '.guard.yaml').write_text(f'max_file_size: {bomb}\n')
        else:
            (path / '.guard.yaml').write_text('rules:\n  extra: extra.yaml\n')
            (path / 'extra.yaml').write_text(
                f'- id: bomb\n  description: {bomb}\n  pattern: x\n  samples: {{positive: [x], negative: [y]}}\n'
            )
        (path / 'app.py').write_text('x = 1\n')
        return path, ['scan', 'app.py'], b''

    return setup


def _redos(n: int) -> Callable[[], tuple[Path, list[str], bytes]]:
    def setup() -> tuple[Path, list[str], bytes]:
        path = _repo(f'redos{n}')
        (path / '.guard.yaml').write_text(
            'rules:\n  extra:\n    - id: nested\n      description: nested quantifier\n'
            "      pattern: '(a+)+$'\n      keywords: [aaaa]\n"
            '      samples: {positive: [aaaa], negative: [b]}\n'
        )
        (path / 'app.py').write_text('a' * n + 'b\n')
        return path, ['scan', 'app.py'], b''

    return setup


REPROS: dict[str, Callable[[], tuple[Path, list[str], bytes]]] = {
    'space-16k': _spaces(16384),
    'space-32k': _spaces(32768),
    'space-64k': _spaces(65536),
    'env-85k': _env(5000),
    'env-990k': _env(58235),
    'bomb-config': _alias_bomb('config'),
    'bomb-rules': _alias_bomb('rules'),
    'redos-24': _redos(24),
    'redos-40': _redos(40),
}


def run(name: str, code: Path | None, limit: float) -> str:
    cwd, args, stdin = REPROS[name]()
    env = dict(os.environ)
    if code is not None:
        env['PYTHONPATH'] = str(code)
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, '-m', 'guard', *args], cwd=cwd, input=stdin, capture_output=True, timeout=limit, env=env
        )
    except subprocess.TimeoutExpired:
        return f'{name:12} >{limit:.0f} s (killed)'
    seconds = time.perf_counter() - start
    last = (done.stderr or done.stdout).decode(errors='replace').strip().splitlines()
    return f'{name:12} {seconds:7.2f} s  exit {done.returncode}  {last[-1][:90] if last else ""}'


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--code', type=Path, help='directory holding the guard/ package to run (default: installed)')
    parser.add_argument('--limit', type=float, default=130.0, help='seconds before a repro is killed')
    parser.add_argument('--only', nargs='*', default=(), help='repro names or prefixes')
    opts = parser.parse_args()
    names = [n for n in REPROS if not opts.only or any(n.startswith(p) for p in opts.only)]
    print(f'load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}', flush=True)
    for name in names:
        print(run(name, opts.code, opts.limit), flush=True)
    print(f'load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}', flush=True)
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
