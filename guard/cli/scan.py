"""`guard scan`: files, directories or stdin."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from guard import api
from guard.cli.output import FORMATS, emit
from guard.config import load_config


@click.command()
@click.argument('paths', nargs=-1, type=click.Path(path_type=str))
@click.option('--stdin', 'use_stdin', is_flag=True, help='Scan standard input.')
@click.option('--stdin-name', default='<stdin>', show_default=True, help='Path to report for --stdin.')
@click.option('--no-gitignore', is_flag=True, help='Also scan files that .gitignore excludes.')
@click.option('--format', 'fmt', type=FORMATS, default='text', show_default=True)
@click.option('--output', type=click.Path(dir_okay=False, path_type=Path), help='Write the report here.')
@click.option('--config', 'config_path', type=click.Path(path_type=Path), help='Config file (.guard.yaml).')
@click.option('-q', '--quiet', is_flag=True, help='No receipt on stderr.')
def scan(paths: tuple[str, ...], use_stdin: bool, stdin_name: str, no_gitignore: bool, fmt: str,
         output: Path | None, config_path: Path | None, quiet: bool) -> int:
    """Scan files or directories (default: the current directory) for secrets."""
    config = load_config(config_path)
    if use_stdin:
        report = api.scan_stdin(sys.stdin.buffer.read(), stdin_name, config)
    else:
        report = api.scan_paths(paths or ('.',), config, use_gitignore=not no_gitignore)
    return emit(report, fmt, output, quiet)
