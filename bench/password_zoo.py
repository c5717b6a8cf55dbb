"""Score a guard on the zoo of leaked configs (tests/password_zoo.py), per planted credential.

    python bench/password_zoo.py                       # this checkout's guard
    python bench/password_zoo.py --pythonpath /tmp/old # another checkout's guard (its guard/ first on the path)

Writes the zoo to a temporary tree, runs `python -m guard scan --format json` on it once, and
prints per file the planted credentials found (a finding on their line) and the quiet lines flagged.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.password_zoo import zoo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument('--pythonpath', default='')
    args = parser.parse_args(argv)
    files = zoo()
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            path = Path(tmp, f.path)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f.text, encoding='utf-8')
        env = {**os.environ, 'PYTHONPATH': args.pythonpath} if args.pythonpath else None
        command = [sys.executable, '-m', 'guard', 'scan', '--no-gitignore', '--format', 'json', '-q', tmp]
        # cwd: the tree, not a checkout (`-m` puts the working directory first on the path)
        proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False, cwd=tmp)
        findings = json.loads(proc.stdout)['findings']
        lines: dict[str, set[int]] = {}
        for finding in findings:
            rel = Path(finding['path']).resolve().relative_to(Path(tmp).resolve()).as_posix()
            lines.setdefault(rel, set()).add(finding['line'])
    found = planted = flagged = quiet = 0
    for f in files:
        hit = lines.get(f.path, set())
        got, noise = len(hit & set(f.planted())), len(hit & set(f.quiet()))
        print(f'{f.path:48} {got:2}/{len(f.planted()):<2} found  {noise}/{len(f.quiet())} quiet lines flagged')
        found, planted, flagged, quiet = (
            found + got,
            planted + len(f.planted()),
            flagged + noise,
            quiet + len(f.quiet()),
        )
    print(f'{"total":48} {found}/{planted} found  {flagged}/{quiet} quiet lines flagged')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
