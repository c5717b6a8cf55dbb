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
    keep_freed_memory()
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


# glibc's mallopt parameters (malloc.h)
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def keep_freed_memory() -> None:
    """Let glibc keep freed memory for the next block instead of returning it at once.

    By default glibc hands memory back to the system as soon as 128 KB lie free at the top
    of its heap, and each block of a log (read, lowered, masked: a few MB) is faulted in
    afresh: 190,000 page faults and half a second of system time for a 200 MB log
    (bench/README.md). Keeping up to 64 MB costs no more than the blocks' own peak.
    """
    if not sys.platform.startswith('linux'):
        return
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no C library to ask (or not glibc's): its defaults stay
        return
    mallopt(M_TRIM_THRESHOLD, 64 << 20)
    mallopt(M_MMAP_THRESHOLD, 32 << 20)
