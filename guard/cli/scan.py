"""`guard scan`: files, directories, stdin, the staged change, or commit ranges.

The options are declared here for click; what the command does is guard/cli/scanning.py,
shared with the pre-commit fast path (guard/cli/fastpath.py parses `scan --staged` lines
without importing click, and hands anything else to this command)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from guard.cli.options import suppression_options
from guard.cli.output import FORMAT_NAMES
from guard.cli.scanning import run_scan, scan_args


@click.command()
# readable=False: guard names what it cannot read (exit 2 unless --skip-unreadable), and under
# --staged reads the index, where a working tree file's permissions do not matter
@click.argument('paths', nargs=-1, type=click.Path(path_type=str, readable=False))
@click.option('--stdin', 'use_stdin', is_flag=True, help='Scan standard input.')
@click.option('--stdin-name', default='<stdin>', show_default=True, help='Path to report for --stdin.')
@click.option('--no-gitignore', is_flag=True, help='Also scan files that .gitignore excludes.')
@click.option('--staged', is_flag=True, help='Only lines added in the index (pre-commit); PATHS narrow it.')
@click.option('--range', 'commit_range', metavar='A..B', help='Every commit of a range: added lines and messages.')
@click.option('--since', metavar='REV', help='Every commit after REV up to HEAD (= --range REV..HEAD).')
@click.option(
    '--config-from',
    metavar='REV',
    help='With --range/--since: judge the commits by the config, extra rules and baseline of REV '
    '(the base of a pull request), and report what they loosen as config-changed.',
)
@click.option(
    '--pre-push',
    is_flag=True,
    help="The commits being pushed, from git's pre-push stdin (PATHS: the remote name and URL).",
)
@click.option('--format', 'fmt', type=click.Choice(FORMAT_NAMES), default='text', show_default=True)
@click.option('--output', type=click.Path(dir_okay=False, path_type=Path), help='Write the report here.')
@click.option('--config', 'config_path', type=click.Path(path_type=Path), help='Config file (.guard.yaml).')
@click.option('-q', '--quiet', is_flag=True, help='No receipt on stderr.')
@click.option('--fail-on-empty', is_flag=True, help='Exit 2 when nothing was scanned (the receipt says why), for CI.')
@click.option(
    '--skip-unreadable',
    is_flag=True,
    help='Files or directories that cannot be read are named in the receipt, not exit 2.',
)
@suppression_options
def scan(**params: Any) -> int:
    """Scan files or directories (default: the current directory) for secrets."""
    return run_scan(scan_args(params))
