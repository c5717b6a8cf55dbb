"""The pre-commit hook's command line, `guard scan --staged [options] [files]`, parsed
without click.

The hook runs on every commit and its budget is a tenth of a second, of which importing
click would take a fifth. Only the options a hook line uses are understood here, with
click's semantics (options anywhere, `--opt value` or `--opt=value`, `--` ends options,
the last value wins, path values checked as click.Path checks them). Any other token, or
a value click would reject, returns None, and click parses the line instead: it is the
reference, so its messages and exit codes stay the only ones. tests/test_startup.py
checks that both parsers read every supported line alike.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

from guard.cli.scanning import ScanArgs, scan_args

# The options a hook line uses, by flag, to the names click gives their parameters in
# guard/cli/scan.py (tests/test_startup.py checks these tables against that declaration).
FLAGS = {
    '--staged': 'staged',
    '-q': 'quiet',
    '--quiet': 'quiet',
    '--no-gitignore': 'no_gitignore',
    '--require-allow-reason': 'require_allow_reason',
    '--report-unused': 'report_unused',
    '--fail-on-unused': 'fail_on_unused',
    '--no-baseline': 'no_baseline',
    '--fail-on-empty': 'fail_on_empty',
    '--skip-unreadable': 'skip_unreadable',
}
VALUES = {'--config': 'config_path', '--format': 'fmt', '--baseline': 'baseline_file', '--output': 'output'}
PATHS = ('config_path', 'baseline_file', 'output')  # click.Path(path_type=Path)
FILE_ONLY = ('baseline_file', 'output')  # click.Path(dir_okay=False)


def parse_staged_scan(argv: list[str]) -> ScanArgs | None:
    """ScanArgs for a `scan --staged` line this parser understands, else None (click's turn)."""
    if not argv or argv[0] != 'scan' or sys.platform == 'win32':  # click expands globs on Windows
        return None
    params: dict[str, Any] = {}
    paths: list[str] = []
    rest = iter(argv[1:])
    for token in rest:
        if token == '--':
            paths += rest
            break
        if not token.startswith('-'):
            paths.append(token)
            continue
        name, equals, value = token.partition('=')
        if name in FLAGS and not equals:
            params[FLAGS[name]] = True
        elif name in VALUES:
            if not equals:
                value = next(rest, '')
            if not value or value.startswith('-'):
                return None
            params[VALUES[name]] = value
        else:
            return None  # '-', '--help', another mode, an unknown option: click's job
    if not params.get('staged') or not all(_path_ok(p, readable=False) for p in paths):
        return None
    for name in PATHS:
        if name in params:
            if not _path_ok(params[name], dir_okay=name not in FILE_ONLY):
                return None
            params[name] = Path(params[name])
    if 'fmt' in params:
        from guard.cli.output import FORMAT_NAMES

        if params['fmt'] not in FORMAT_NAMES:
            return None
    return scan_args({'paths': tuple(paths), **params})


def _path_ok(value: str, dir_okay: bool = True, readable: bool = True) -> bool:
    """What click.Path(exists=False, readable=readable) accepts: a missing path, or an existing
    one (readable when asked, not a directory when `dir_okay` is false)."""
    try:
        st = os.stat(value)
    except (OSError, ValueError):
        return True
    if not dir_okay and stat.S_ISDIR(st.st_mode):
        return False
    return not readable or os.access(value, os.R_OK)
