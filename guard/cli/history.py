"""`guard scan-history`: audit every commit of every ref."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from guard.cli import say
from guard.cli.options import history_options
from guard.cli.output import FORMAT_NAMES, emit
from guard.errors import InputError
from guard.models import Report


@click.command('scan-history')
@history_options
@click.option('--jobs', '-j', type=click.IntRange(min=1), help='Worker processes (default: CPU cores).')
@click.option('--no-cache', is_flag=True, help='Rescan every commit, ignoring the store in .git/guard/.')
@click.option('--format', 'fmt', type=click.Choice(FORMAT_NAMES), default='text', show_default=True)
@click.option('--output', type=click.Path(dir_okay=False, path_type=Path), help='Write the report here.')
@click.option('--config', 'config_path', type=click.Path(path_type=Path), help='Config file (.guard.yaml).')
@click.option('-q', '--quiet', is_flag=True, help='No progress and no receipt on stderr.')
def scan_history(
    branches: tuple[str, ...],
    since: str | None,
    jobs: int | None,
    no_cache: bool,
    fmt: str,
    output: Path | None,
    config_path: Path | None,
    quiet: bool,
) -> int:
    """Scan every commit of every ref; findings grouped by fingerprint with the commits that
    added them. Re-runs scan only new commits (store in .git/guard/)."""
    from guard.sources.commits import history_listing

    listing = history_listing(branches, since)  # git lists the commits while Python imports the scanner
    from guard import api
    from guard.config import load_config

    config = load_config(config_path)
    progress = Progress() if not quiet and sys.stderr.isatty() else None
    report, groups = api.scan_history(
        config,
        branches=branches,
        since=since,
        jobs=jobs or 0,
        use_cache=not no_cache,
        progress=progress,
        warn=lambda line: say(f'guard: warning: {line}'),
        keep_allowed=fmt == 'html',  # the HTML audit lists allowed ones too, collapsed
        listing=listing,
    )
    if progress is not None:
        progress.clear()
    from guard.report.history import write_groups, write_json

    if fmt == 'text':
        write_output(output, lambda out: write_groups(groups, out))
        return _receipt(report, quiet)
    if fmt == 'json':
        write_output(output, lambda out: write_json(report, groups, out))
        return _receipt(report, quiet)
    if fmt == 'html':
        from guard.report.html import write_audit_html

        facts = api.audit_facts(config, groups, branches=branches, since=since)
        write_output(output, lambda out: write_audit_html(report, groups, facts, out, config.extra_rules))
        return _receipt(report, quiet)
    return emit(report, fmt, output, quiet)


def _receipt(report: Report, quiet: bool) -> int:
    from guard.report.text import receipt_line

    if not quiet:
        click.echo(receipt_line(report), err=True)
    return report.exit_code


def write_output(output: Path | None, writer: Any) -> None:
    if output is None:
        writer(sys.stdout)
        sys.stdout.flush()
        return
    try:
        with open(output, 'w', encoding='utf-8', errors='replace', newline='\n') as fh:
            writer(fh)
    except OSError as e:
        raise InputError(f'cannot write {output}: {e.strerror}') from None


class Progress:
    """`commits done/total, rate, ETA` on one stderr line, at most a few times a second."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.shown = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - self.shown < 0.2 and done < total:
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-6)
        eta = (total - done) / rate if rate > 0 else 0
        click.echo(
            f'\rguard scan-history: {done}/{total} commits, {rate:,.0f}/s, ETA {eta:,.0f} s  ', err=True, nl=False
        )

    def clear(self) -> None:
        if self.shown:
            click.echo('\r\033[K', err=True, nl=False)
