"""The HTML audit report on a generated 5,000-commit history: its size and how long it takes.

    python bench/bench_html.py                  # bench/.work/audit-5000 (auditgen.py), 5 rounds
    python bench/bench_html.py --commits 20000 --runs 9
    python bench/bench_html.py --commits 1500 --no-bulk --runs 1 --screenshot docs/html-report.png
                                                # the README's screenshot: the story's findings only

Measured, interleaved per round so the machine's load hits all alike:
- `guard scan-history --format html --output FILE` with the store warm (what a re-run of
  an audit costs: nothing new to scan, the page written),
- the same with `--format json`: the paired difference is what the HTML costs on top,
- in this process: each stage the HTML adds (where each secret is still seen, then the
  rendering itself), timed with perf_counter.
One run each with the store cold (every commit scanned), JSON then HTML, is printed first. The load average
is printed with the figures: on a shared machine, compare the paired ones.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from auditgen import generate

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def guard() -> str:
    found = BIN / 'guard'
    return str(found) if found.exists() else (shutil.which('guard') or 'guard')


def wall(args: list[str], repo: Path) -> float:
    # as a user's installation runs: .pyc files written and used (this machine's shells set
    # PYTHONDONTWRITEBYTECODE, which makes every run compile every module again)
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONDONTWRITEBYTECODE'}
    started = time.perf_counter()
    proc = subprocess.run([guard(), *args], cwd=repo, capture_output=True, env=env)
    if proc.returncode not in (0, 1):
        sys.exit(f'guard {" ".join(args)} failed: {proc.stderr.decode()}')
    return time.perf_counter() - started


def stages(repo: Path) -> dict[str, float]:
    """Each step of the HTML audit in this process (the store is warm)."""
    from guard import api
    from guard.config import load_config
    from guard.report.html import write_audit_html

    cwd = os.getcwd()
    os.chdir(repo)
    try:
        config = load_config(None)
        t0 = time.perf_counter()
        report, groups = api.scan_history(config, keep_allowed=True)
        t1 = time.perf_counter()
        facts = api.audit_facts(config, groups)
        t2 = time.perf_counter()
        out = io.StringIO()
        write_audit_html(report, groups, facts, out, config.extra_rules)
        t3 = time.perf_counter()
    finally:
        os.chdir(cwd)
    return {'audit (store warm)': t1 - t0, 'exposure and dates': t2 - t1, 'render': t3 - t2, 'html total': t3 - t1}


def uptime() -> str:
    return subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()


def screenshot(page: Path, out: Path, size: tuple[int, int]) -> None:
    browser = shutil.which('chromium') or shutil.which('google-chrome')
    if browser is None:
        sys.exit('chromium is not installed: apt-get install chromium')
    profile = page.parent / 'chromium-profile'
    subprocess.run(
        [browser, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run',
         f'--user-data-dir={profile}', f'--window-size={size[0]},{size[1]}', '--force-device-scale-factor=1',
         f'--screenshot={out.resolve()}', page.resolve().as_uri()],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    print(f'screenshot: {out} ({out.stat().st_size / 1024:.0f} KB, {size[0]}x{size[1]})')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--commits', type=int, default=5000)
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--screenshot', type=Path, help='Also save a PNG of the report here.')
    parser.add_argument('--size', default='1280x1900', help='Screenshot window, WIDTHxHEIGHT.')
    parser.add_argument('--no-bulk', action='store_true', help="auditgen's story only: fewer findings.")
    args = parser.parse_args(argv)
    work = HERE / '.work'
    work.mkdir(exist_ok=True)
    repo = generate(work, args.commits, bulk=not args.no_bulk)
    page = work / f'{repo.name}.html'
    print(f'repository: {repo} ({args.commits:,} commits)\n{uptime()}')
    cold_json = wall(
        ['scan-history', '-q', '--no-cache', '--format', 'json', '--output', str(work / 'audit.json')], repo
    )
    cold = wall(['scan-history', '-q', '--no-cache', '--format', 'html', '--output', str(page)], repo)
    print(f'store cold, every commit scanned: --format html {cold:.2f} s, --format json {cold_json:.2f} s')
    html, json_, extra, render = [], [], [], []
    for _ in range(args.runs):
        h = wall(['scan-history', '-q', '--format', 'html', '--output', str(page)], repo)
        j = wall(['scan-history', '-q', '--format', 'json', '--output', str(work / 'audit.json')], repo)
        html.append(h)
        json_.append(j)
        extra.append(h - j)
        render.append(stages(repo))
    size = page.stat().st_size
    print(f'{uptime()}')
    print(f'report: {size:,} bytes ({size / 1e6:.2f} MB)')
    print(
        f'guard scan-history --format html (store warm): median {statistics.median(html):.2f} s, min {min(html):.2f} s'
    )
    print(f'guard scan-history --format json (store warm): median {statistics.median(json_):.2f} s')
    print(f'html minus json, paired per round: median {statistics.median(extra):.2f} s')
    for stage in render[0]:
        values = [r[stage] for r in render]
        print(f'  in process, {stage}: median {statistics.median(values):.3f} s, max {max(values):.3f} s')
    if args.screenshot:
        width, height = (int(n) for n in args.size.split('x'))
        screenshot(page, args.screenshot, (width, height))
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
