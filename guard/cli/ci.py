"""`guard ci`: the GitHub Action's scan step. Inputs arrive as GUARD_* environment variables
(action.yml maps them; never `${{ inputs.* }}` inside a script)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from guard import api
from guard.cli.options import Suppression, fingerprint_key_option
from guard.cli.output import FORMAT_NAMES
from guard.cli.scanning import vacuous_exit
from guard.config import load_config
from guard.errors import UsageError
from guard.models import Severity
from guard.report import REPORTERS, actions, write_file
from guard.report.text import receipt_line


def _severity(_ctx: click.Context, _param: click.Parameter, value: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError as e:
        raise UsageError(f'--fail-on: {e}') from None


@click.command()
@click.option(
    '--mode',
    envvar='GUARD_MODE',
    default='auto',
    show_default=True,
    metavar='auto|pr|push|full',  # checked by the planner (guard/ci/github.py), which owns the list
    help='auto: from GITHUB_EVENT_NAME; pr, push, or full history.',
)
@click.option(
    '--config', 'config_path', envvar='GUARD_CONFIG', type=click.Path(path_type=Path), help='Config file (.guard.yaml).'
)
@click.option(
    '--baseline',
    'baseline_file',
    envvar='GUARD_BASELINE',
    type=click.Path(path_type=Path),
    help='Baseline file: its findings are not reported.',
)
@click.option(
    '--format',
    'fmt',
    envvar='GUARD_FORMAT',
    type=click.Choice(FORMAT_NAMES),
    default='github',
    show_default=True,
    help='What to print to the log (github: annotations on the diff).',
)
@click.option(
    '--fail-on',
    envvar='GUARD_FAIL_ON',
    default='low',
    show_default=True,
    callback=_severity,
    help='Exit 1 only for findings of this severity or higher.',
)
@click.option(
    '--sarif',
    'sarif_path',
    envvar='GUARD_SARIF',
    type=click.Path(dir_okay=False, path_type=Path),
    help='Also write SARIF here (for github/codeql-action/upload-sarif).',
)
@click.option(
    '--summary/--no-summary',
    envvar='GUARD_SUMMARY',
    default=True,
    show_default=True,
    help='Append a Markdown table of findings to $GITHUB_STEP_SUMMARY.',
)
@click.option(
    '--fail-on-empty/--no-fail-on-empty',
    envvar='GUARD_FAIL_ON_EMPTY',
    default=False,
    show_default=True,
    help='Exit 2 when the event brought nothing to scan (an empty range), so the job cannot pass vacuously.',
)
@fingerprint_key_option
def ci(
    mode: str,
    config_path: Path | None,
    baseline_file: Path | None,
    fmt: str,
    fail_on: Severity,
    sarif_path: Path | None,
    summary: bool,
    fail_on_empty: bool,
    fingerprint_key: str,
) -> int:
    """Scan what a GitHub Actions event brings: a pull request's commits, a push, or everything."""
    plan, pull_request = api.ci_plan(mode)
    loaded = load_config(config_path or None)._replace(fingerprint_key=fingerprint_key)
    suppression = Suppression(baseline=baseline_file)
    click.echo(f'guard ci: {plan.note}', err=True)
    if pull_request:
        # the pull request's own settings could switch guard off for it: use the base's
        with api.base_settings(plan.base, loaded, config_path=config_path, baseline=baseline_file) as judged:
            config = judged.config._replace(fingerprint_key=fingerprint_key)
            note = f'settings from the base commit {plan.base[:12]}'
            report = api.with_findings(api.scan_ci(plan, config), judged.findings, note)
    else:
        config = suppression.apply(loaded)
        report = suppression.noted(api.scan_ci(plan, config), loaded)
    REPORTERS[fmt](report, sys.stdout)
    sys.stdout.flush()
    click.echo(receipt_line(report), err=True)
    if sarif_path is not None:
        write_file(report, 'sarif', sarif_path)
    blocked = actions.blocking(report, fail_on)
    summary_file = _env('GITHUB_STEP_SUMMARY')
    if summary and summary_file:
        actions.append_file(summary_file, actions.summary_markdown(report, plan.note, fail_on))
    output_file = _env('GITHUB_OUTPUT')
    if output_file:
        actions.append_file(
            output_file,
            actions.outputs_text(
                {
                    'findings': str(len(report.findings)),
                    'blocking': str(len(blocked)),
                    'sarif': str(sarif_path or ''),
                    'scanned': plan.spec,
                }
            ),
        )
    return vacuous_exit(report, 1 if blocked else 0, fail_on_empty=fail_on_empty or config.fail_on_empty)


def _env(name: str) -> str:
    return os.environ.get(name, '')
