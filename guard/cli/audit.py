"""`guard audit`: many repositories' histories on a Dask cluster, one merged report."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from guard.cli.history import write_output
from guard.cli.options import history_options

FORMATS = ('text', 'json', 'sarif', 'html')


@click.command('audit')
@click.argument('repos', nargs=-1, metavar='REPO...')
@click.option('--repos-file', type=click.Path(dir_okay=False, path_type=Path), help='More REPOs, one a line.')
@click.option('--scheduler', metavar='ADDRESS', help='A Dask scheduler (tcp://host:8786); default: a local cluster.')
@click.option('--workers', type=click.IntRange(min=1), help='Local cluster size (default: CPU cores).')
@click.option(
    '--workdir',
    type=click.Path(file_okay=False, path_type=Path),
    help='Where repositories given as URLs are cloned (default: ~/.cache/guard/audit).',
)
@click.option(
    '--chunk-commits',
    type=click.IntRange(min=1),
    help='Commits per scan task (default: a large history is spread over every worker).',
)
@history_options
@click.option('--no-cache', is_flag=True, help="Rescan every commit, ignoring each repository's store.")
@click.option('--format', 'fmt', type=click.Choice(FORMATS), default='text', show_default=True)
@click.option('--output', type=click.Path(dir_okay=False, path_type=Path), help='Write the report here.')
@click.option('--config', 'config_path', type=click.Path(path_type=Path), help='One config for every repository.')
@click.option('-q', '--quiet', is_flag=True, help='No progress and no receipt on stderr.')
def audit(
    repos: tuple[str, ...],
    repos_file: Path | None,
    scheduler: str | None,
    workers: int | None,
    workdir: Path | None,
    chunk_commits: int | None,
    branches: tuple[str, ...],
    since: str | None,
    no_cache: bool,
    fmt: str,
    output: Path | None,
    config_path: Path | None,
    quiet: bool,
) -> int:
    """Scan every commit of every ref of many repositories (paths or git URLs) on Dask.

    Each repository gets exactly what `guard scan-history` reports in it; a repository that
    cannot be read is named in the receipt and the run goes on."""
    from guard import api
    from guard.report.audit import AUDIT_REPORTERS
    from guard.report.text import receipt_line

    progress = Progress() if not quiet and sys.stderr.isatty() else None
    result = api.audit(
        repos,
        repos_file=repos_file,
        workdir=workdir,
        config_path=config_path,
        branches=branches,
        since=since,
        use_cache=not no_cache,
        html=fmt == 'html',
        scheduler=scheduler,
        workers=workers,
        chunk_commits=chunk_commits,
        progress=progress,
    )
    if progress is not None:
        progress.clear()
    write_output(output, lambda out: AUDIT_REPORTERS[fmt](result, out))
    if not quiet:
        for failure in result.failures:
            click.echo(f'guard: could not scan {failure.name}: {failure.reason}', err=True)
        from guard.models import Report

        findings = tuple(f for r in result.results for f in r.report.findings)
        click.echo(receipt_line(Report(findings=findings, receipt=result.receipt)), err=True)
    if not result.results:
        click.echo('guard: no repository could be scanned', err=True)
    return result.exit_code


class Progress:
    """`repositories done/total, commits done/known` on one stderr line, a few times a second."""

    def __init__(self) -> None:
        self.shown = 0.0

    def __call__(self, repos_done: int, repos: int, commits_done: int, commits: int) -> None:
        now = time.perf_counter()
        if now - self.shown < 0.2 and repos_done < repos:
            return
        self.shown = now
        click.echo(
            f'\rguard audit: {repos_done}/{repos} repositories, {commits_done}/{commits} commits  ', err=True, nl=False
        )

    def clear(self) -> None:
        if self.shown:
            click.echo('\r\033[K', err=True, nl=False)
