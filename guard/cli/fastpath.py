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

from guard.cli.options import Suppression
from guard.cli.scanning import ScanArgs

FLAGS = {'--staged': 'staged', '-q': 'quiet', '--quiet': 'quiet', '--no-gitignore': 'no_gitignore',
         '--require-allow-reason': 'require_allow_reason', '--report-unused': 'report_unused',
         '--fail-on-unused': 'fail_on_unused'}
VALUES = {'--config': 'config', '--format': 'format', '--baseline': 'baseline', '--output': 'output'}
FILE_ONLY = ('baseline', 'output')      # click.Path(dir_okay=False)


def parse_staged_scan(argv: list[str]) -> ScanArgs | None:
    """ScanArgs for a `scan --staged` line this parser understands, else None (click's turn)."""
    if not argv or argv[0] != 'scan' or sys.platform == 'win32':    # click expands globs on Windows
        return None
    flags: set[str] = set()
    values: dict[str, str] = {}
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
            flags.add(FLAGS[name])
        elif name in VALUES:
            if not equals:
                value = next(rest, '')
            if not value or value.startswith('-'):
                return None
            values[VALUES[name]] = value
        else:
            return None     # '-', '--help', another mode, an unknown option: click's job
    if 'staged' not in flags or not all(_path_ok(p) for p in paths):
        return None
    if not all(_path_ok(v, dir_okay=k not in FILE_ONLY) for k, v in values.items() if k != 'format'):
        return None
    fmt = values.get('format', 'text')
    if 'format' in values:
        from guard.cli.output import FORMAT_NAMES
        if fmt not in FORMAT_NAMES:
            return None
    baseline, output, config = (Path(values[k]) if k in values else None for k in ('baseline', 'output', 'config'))
    return ScanArgs(
        paths=tuple(paths), no_gitignore='no_gitignore' in flags, staged=True, fmt=fmt, output=output,
        config_path=config, quiet='quiet' in flags,
        suppression=Suppression(baseline, 'require_allow_reason' in flags, 'report_unused' in flags,
                                'fail_on_unused' in flags),
    )


def _path_ok(value: str, dir_okay: bool = True) -> bool:
    """What click.Path(exists=False, readable=True) accepts: a missing path, or an existing
    readable one (not a directory when `dir_okay` is false)."""
    try:
        st = os.stat(value)
    except (OSError, ValueError):
        return True
    if not dir_okay and stat.S_ISDIR(st.st_mode):
        return False
    return os.access(value, os.R_OK)
