"""`guard mask [FILE...]`: standard input or files to standard output, every secret masked."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from guard import api
from guard.cli import say
from guard.config import load_config
from guard.errors import INTERNAL_ERROR


@click.command()
@click.argument('files', nargs=-1, type=click.Path(dir_okay=False, allow_dash=True, path_type=str))
@click.option('--config', 'config_path', type=click.Path(path_type=Path), help='Config file (.guard.yaml).')
@click.option('-q', '--quiet', is_flag=True, help='No receipt on stderr.')
def mask(files: tuple[str, ...], config_path: Path | None, quiet: bool) -> int:
    """Copy FILES (default: standard input) to standard output with every secret masked.

    Line by line as input comes (`kubectl logs -f app | guard mask`); exits 0 once all is copied."""
    out = sys.stdout.buffer

    def write(data: bytes) -> None:
        out.write(data)
        out.flush()

    receipt = api.mask_files(files, load_config(config_path), write)
    if not quiet:
        notes = f' [{"; ".join(receipt.notes)}]' if receipt.notes else ''
        source = f'{receipt.files} files' if receipt.files else 'stdin'
        say(f'guard mask: {source}, {receipt.bytes:,} bytes, {receipt.seconds:.2f} s{notes}')
    return INTERNAL_ERROR if receipt.skipped else 0
