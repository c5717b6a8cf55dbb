"""`guard baseline create|update` (the suppression options scans share are in guard/cli/options.py).
What they do is api.create_baseline / api.update_baseline; this module only says what happened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from guard import api
from guard.baseline import BASELINE_FILE, Baseline
from guard.cli.options import fingerprint_key_option
from guard.config import Config, load_config

F = TypeVar('F', bound=Callable[..., Any])


@click.group()
def baseline() -> None:
    """Accept the findings you have now, so only new ones are reported."""


def _common(command: F) -> F:
    options = (
        click.argument('paths', nargs=-1, type=click.Path(path_type=str)),
        click.option(
            '--output',
            '-o',
            type=click.Path(dir_okay=False, path_type=Path),
            help=f'Baseline file (default: the configured one, else {BASELINE_FILE}).',
        ),
        click.option('--config', 'config_path', type=click.Path(path_type=Path), help='Config file (.guard.yaml).'),
        click.option('--no-gitignore', is_flag=True, help='Also scan files that .gitignore excludes.'),
        fingerprint_key_option,
    )
    for option in reversed(options):
        command = option(command)
    return command


@baseline.command()
@_common
@click.option(
    '--from-detect-secrets',
    'ds_file',
    type=click.Path(dir_okay=False, path_type=Path),
    help='Import what this detect-secrets baseline (.secrets.baseline) accepted, instead of '
    'accepting every current finding.',
)
def create(
    paths: tuple[str, ...],
    output: Path | None,
    config_path: Path | None,
    no_gitignore: bool,
    fingerprint_key: str,
    ds_file: Path | None,
) -> int:
    """Scan (default: the current directory) and accept every finding as known."""
    config = _config(config_path, fingerprint_key)
    done = api.create_baseline(
        paths, config, output=output, use_gitignore=not no_gitignore, detect_secrets_file=ds_file
    )
    if done.not_accepted:
        click.echo(
            f'guard baseline: {done.not_accepted} findings detect-secrets did not accept are not baselined; '
            'review them with `guard scan --baseline FILE`',
            err=True,
        )
    for ds in done.not_imported:
        click.echo(
            f'guard baseline: not imported: {ds.path}: {ds.type or "secret"} matches no current finding',
            err=True,
        )
    _say_confirmed(done.baseline)
    click.echo(f'guard baseline: {len(done.baseline.entries)} entries written to {done.path}', err=True)
    return 0


@baseline.command()
@_common
def update(
    paths: tuple[str, ...], output: Path | None, config_path: Path | None, no_gitignore: bool, fingerprint_key: str
) -> int:
    """Rescan: add new findings, drop entries that match nothing, keep confirmed flags."""
    config = _config(config_path, fingerprint_key)
    done = api.update_baseline(paths, config, output=output, use_gitignore=not no_gitignore)
    _say_confirmed(done.baseline)
    if done.migrated:
        click.echo(f'guard baseline: {done.path} rewritten from version 1 (plain digests) to the current format')
    click.echo(
        f'guard baseline: {len(done.baseline.entries)} entries in {done.path} '
        f'({done.added} added, {done.removed} removed)',
        err=True,
    )
    return 0


def _config(config_path: Path | None, fingerprint_key: str) -> Config:
    config = load_config(config_path)
    return config._replace(fingerprint_key=fingerprint_key) if fingerprint_key else config


def _say_confirmed(baseline: Baseline) -> None:
    for entry in baseline.entries:
        if entry.confirmed:
            what = entry.rule or entry.type or 'secret'
            click.echo(
                f'{entry.path}: {what} confirmed as a real secret (audited in detect-secrets): accepted, but rotate it'
            )
