"""`guard scan`: files, directories, stdin, the staged change, or commit ranges."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from guard import api
from guard.cli.baseline import Suppression, suppression_options
from guard.cli.output import FORMATS, emit
from guard.config import load_config
from guard.errors import UsageError


@click.command()
@click.argument('paths', nargs=-1, type=click.Path(path_type=str))
@click.option('--stdin', 'use_stdin', is_flag=True, help='Scan standard input.')
@click.option('--stdin-name', default='<stdin>', show_default=True, help='Path to report for --stdin.')
@click.option('--no-gitignore', is_flag=True, help='Also scan files that .gitignore excludes.')
@click.option('--staged', is_flag=True, help='Only lines added in the index (pre-commit); PATHS narrow it.')
@click.option('--range', 'commit_range', metavar='A..B', help="Every commit of a range: added lines and messages.")
@click.option('--since', metavar='REV', help='Every commit after REV up to HEAD (= --range REV..HEAD).')
@click.option('--pre-push', is_flag=True,
              help="The commits being pushed, from git's pre-push stdin (PATHS: the remote name and URL).")
@click.option('--format', 'fmt', type=FORMATS, default='text', show_default=True)
@click.option('--output', type=click.Path(dir_okay=False, path_type=Path), help='Write the report here.')
@click.option('--config', 'config_path', type=click.Path(path_type=Path), help='Config file (.guard.yaml).')
@click.option('-q', '--quiet', is_flag=True, help='No receipt on stderr.')
@suppression_options
def scan(paths: tuple[str, ...], use_stdin: bool, stdin_name: str, no_gitignore: bool, staged: bool,
         commit_range: str | None, since: str | None, pre_push: bool, fmt: str,
         output: Path | None, config_path: Path | None, quiet: bool, suppression: Suppression) -> int:
    """Scan files or directories (default: the current directory) for secrets."""
    modes = [name for name, on in (('--stdin', use_stdin), ('--staged', staged), ('--range', commit_range),
                                   ('--since', since), ('--pre-push', pre_push)) if on]
    if len(modes) > 1:
        raise UsageError(f'{" and ".join(modes)} cannot be combined: pick one')
    if (commit_range or since) and paths:
        raise UsageError(f'{modes[0]} scans commits, not paths: drop {paths[0]!r}')
    config = suppression.apply(load_config(config_path))
    if staged:
        report = api.scan_staged(paths, config)
    elif commit_range:
        report = api.scan_range(commit_range, config)
    elif since:
        report = api.scan_since(since, config)
    elif pre_push:
        stdin = '' if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
        report = api.scan_pre_push(stdin, paths[0] if paths else None, config)
    elif use_stdin:
        report = api.scan_stdin(sys.stdin.buffer.read(), stdin_name, config)
    else:
        report = api.scan_paths(paths or ('.',), config, use_gitignore=not no_gitignore)
    return emit(report, fmt, output, quiet)
