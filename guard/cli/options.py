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

F = TypeVar('F', bound=Callable[..., Any])


class Suppression(NamedTuple):
    """The scan options about what is accepted: a baseline file and the policies on it."""

    baseline: Path | None = None
    require_allow_reason: bool = False
    report_unused: bool = False
    fail_on_unused: bool = False

    def apply(self, config: Config) -> Config:
        return config._replace(
            baseline=str(self.baseline.resolve()) if self.baseline else config.baseline,
            require_allow_reason=self.require_allow_reason or config.require_allow_reason,
            report_unused=self.report_unused,
            fail_on_unused=self.fail_on_unused,
        )

    @classmethod
    def pop_from(cls, params: dict[str, Any]) -> Suppression:
        """The value of the options `suppression_options` adds, taken out of a command's parameters
        (named as the fields are, but for --baseline's; one left out keeps its default)."""
        return cls(
            params.pop('baseline_file', None), **{name: params.pop(name) for name in cls._fields[1:] if name in params}
        )


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
    )
    for option in reversed(options):
        command = option(command)
    return command
