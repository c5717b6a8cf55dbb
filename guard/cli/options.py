"""Options several commands share, kept apart from the commands so that `guard scan`
imports no other command's module. Free of click until a command is declared: the
pre-commit path (guard/cli/fastpath.py) uses `Suppression` without click.

The option values are NamedTuples, not dataclasses: they are built once per run, and a
frozen dataclass costs ~0.6 ms to define (its methods are generated and compiled at
import), a NamedTuple under 0.1 ms, on a path whose whole budget is tens of ms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    from guard.config import Config
    from guard.models import Report

F = TypeVar('F', bound=Callable[..., Any])
# guard.baseline.BASELINE_FILE (a test keeps them equal): importing that module costs the
# pre-commit hook ~3 ms, and most repositories have no baseline to apply
DEFAULT_BASELINE = '.guard-baseline.json'


class Suppression(NamedTuple):
    """The scan options about what is accepted: a baseline file and the policies on it."""

    baseline: Path | None = None
    require_allow_reason: bool = False
    report_unused: bool = False
    fail_on_unused: bool = False
    no_baseline: bool = False
    fingerprint_key: str = ''

    def apply(self, config: Config) -> Config:
        """The config with these options: --baseline, else the configured baseline, else
        .guard-baseline.json where the config lives when there is one; none with --no-baseline."""
        if self.no_baseline:
            baseline = None
        elif self.baseline:
            baseline = str(self.baseline.resolve())
        else:
            default = self.default_baseline(config)
            baseline = config.baseline or (str(default) if default else None)
        return config._replace(
            baseline=baseline,
            require_allow_reason=self.require_allow_reason or config.require_allow_reason,
            report_unused=self.report_unused,
            fail_on_unused=self.fail_on_unused,
            fingerprint_key=self.fingerprint_key or config.fingerprint_key,
        )

    def default_baseline(self, config: Config) -> Path | None:
        """The baseline file this run uses though nothing named it (`guard baseline create` writes it)."""
        if self.no_baseline or self.baseline or config.baseline:
            return None
        path = config.root / DEFAULT_BASELINE
        return path if path.is_file() else None

    def noted(self, report: Report, config: Config) -> Report:
        """The report, its receipt saying when the default baseline file applied (`config`: as loaded)."""
        default = self.default_baseline(config)
        if default is None:
            return report
        note = f'baseline {default.name} applied (found by default; --no-baseline ignores it)'
        return report._replace(receipt=report.receipt._replace(notes=(*report.receipt.notes, note)))

    @classmethod
    def pop_from(cls, params: dict[str, Any]) -> Suppression:
        """The value of the options `suppression_options` adds, taken out of a command's parameters
        (named as the fields are, but for --baseline's; one left out keeps its default)."""
        return cls(
            params.pop('baseline_file', None), **{name: params.pop(name) for name in cls._fields[1:] if name in params}
        )


def fingerprint_key_option(command: F) -> F:
    """--fingerprint-key: every digest guard writes becomes an HMAC under this key."""
    import click

    return click.option(
        '--fingerprint-key',
        default='',
        metavar='KEY',
        help='Key every fingerprint with this secret (better: set GUARD_FINGERPRINT_KEY, '
        'which other users cannot read in the process list).',
    )(command)


def suppression_options(command: F) -> F:
    """Adds --baseline, --require-allow-reason, --report-unused and --fail-on-unused to a
    command; `Suppression.pop_from(params)` turns them into one value."""
    import click

    from guard.baseline import BASELINE_FILE

    options = (
        click.option(
            '--baseline',
            'baseline_file',
            type=click.Path(dir_okay=False, path_type=Path),
            help=f'Findings in this baseline ({BASELINE_FILE}) are not reported.',
        ),
        click.option(
            '--no-baseline',
            is_flag=True,
            help=f'Apply no baseline, not even a {BASELINE_FILE} found where the config lives.',
        ),
        click.option(
            '--require-allow-reason',
            is_flag=True,
            help='An inline guard:allow without a reason after it does not allow.',
        ),
        click.option(
            '--report-unused',
            is_flag=True,
            help='List baseline entries nothing matched, among the files this run reads whole.',
        ),
        click.option(
            '--fail-on-unused',
            is_flag=True,
            help='Exit 1 for baseline entries nothing matched, among the files this run reads whole.',
        ),
        fingerprint_key_option,
    )
    for option in reversed(options):
        command = option(command)
    return command


def history_options(command: F) -> F:
    """Adds --branch and --since, which select commits the same way for scan-history and audit."""
    import click

    options = (
        click.option(
            '--branch',
            'branches',
            multiple=True,
            metavar='REF',
            help='Only commits reachable from REF (repeatable; default: every ref).',
        ),
        click.option(
            '--since', metavar='DATE|REV', help='Only commits after a revision, or since a date (2024-01-31).'
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command
