"""`guard baseline create|update` (the suppression options scans share are in guard/cli/options.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from guard import api
from guard import baseline as bl
from guard.config import Config, load_config
from guard.models import Finding, Report

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
            help=f'Baseline file (default: the configured one, else {bl.BASELINE_FILE}).',
        ),
        click.option('--config', 'config_path', type=click.Path(path_type=Path), help='Config file (.guard.yaml).'),
        click.option('--no-gitignore', is_flag=True, help='Also scan files that .gitignore excludes.'),
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
    paths: tuple[str, ...], output: Path | None, config_path: Path | None, no_gitignore: bool, ds_file: Path | None
) -> int:
    """Scan (default: the current directory) and accept every finding as known."""
    config, target = _setup(config_path, output)
    report = _scan(paths, config, no_gitignore)
    if ds_file is None:
        entries = [bl.entry_for(f) for f in report.findings]
    else:
        ds_entries = bl.read_detect_secrets(ds_file)
        entries = bl.import_detect_secrets(ds_entries, report.findings)
        _say_not_imported(report.findings, bl.Baseline(tuple(entries)))
    written = bl.Baseline(bl.canonical(entries))
    bl.write(target, written)
    _say_confirmed(written)
    click.echo(f'guard baseline: {len(written.entries)} entries written to {target}', err=True)
    return 0


@baseline.command()
@_common
def update(paths: tuple[str, ...], output: Path | None, config_path: Path | None, no_gitignore: bool) -> int:
    """Rescan: add new findings, drop entries that match nothing, keep confirmed flags."""
    config, target = _setup(config_path, output)
    old = bl.read(target)
    report = _scan(paths, config, no_gitignore)
    entries = []
    for finding in report.findings:
        known = old.match(finding)
        entries.append(bl.entry_for(finding, confirmed=known is not None and known.confirmed))
    new = bl.Baseline(bl.canonical(entries))
    before = {e.fingerprint for e in old.entries}
    after = {e.fingerprint for e in new.entries}
    bl.write(target, new)
    _say_confirmed(new)
    click.echo(
        f'guard baseline: {len(new.entries)} entries in {target} '
        f'({len(after - before)} added, {len(before - after)} removed)',
        err=True,
    )
    return 0


def _setup(config_path: Path | None, output: Path | None) -> tuple[Config, Path]:
    config = load_config(config_path)
    if output is None:
        output = bl.baseline_path(config.root, config.baseline) if config.baseline else Path(bl.BASELINE_FILE)
    # The scan that makes a baseline must see everything, so no baseline and no policies apply
    # to it; values of the developer's own env files are to be removed, never accepted (and their
    # hashes do not belong in a shared file).
    return config._replace(baseline=None, require_allow_reason=False, own_secrets=False), output


def _scan(paths: tuple[str, ...], config: Config, no_gitignore: bool) -> Report:
    return api.scan_paths(paths or ('.',), config, use_gitignore=not no_gitignore)


def _say_confirmed(baseline: bl.Baseline) -> None:
    for entry in baseline.entries:
        if entry.confirmed:
            what = entry.rule or entry.type or 'secret'
            click.echo(
                f'{entry.path}: {what} confirmed as a real secret (audited in detect-secrets): accepted, but rotate it'
            )


def _say_not_imported(findings: tuple[Finding, ...], baseline: bl.Baseline) -> None:
    new = [f for f in findings if baseline.match(f) is None]
    if new:
        click.echo(
            f'guard baseline: {len(new)} findings detect-secrets did not accept are not baselined; '
            'review them with `guard scan --baseline FILE`',
            err=True,
        )
