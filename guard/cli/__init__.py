"""click wiring only: options → one api call → exit code.

One module per command group (as pre-commit does), so each stays small and
commands can grow without touching each other.
"""
from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence

import click

from guard import __version__
from guard.cli.baseline import baseline
from guard.cli.check import check
from guard.cli.ci import ci
from guard.cli.env import env
from guard.cli.history import scan_history
from guard.cli.install import install, uninstall
from guard.cli.rules import rules
from guard.cli.scan import scan
from guard.errors import INTERNAL_ERROR, INTERRUPTED, GuardError


@click.group(context_settings={'help_option_names': ['-h', '--help']})
@click.version_option(__version__, prog_name='guard')
def cli() -> None:
    """Keep secrets and broken configuration out of git."""


cli.add_command(scan)
cli.add_command(rules)
cli.add_command(scan_history)
cli.add_command(baseline)
cli.add_command(install)
cli.add_command(uninstall)
cli.add_command(ci)
cli.add_command(check)
cli.add_command(env)


@contextlib.contextmanager
def error_handler() -> Iterator[list[int]]:
    """Typed errors → their exit code; interrupts → 130; anything else → 3 with a short note."""
    code = [0]
    try:
        yield code
    except GuardError as e:
        click.echo(f'guard: {e}', err=True)
        code[0] = e.exit_code
    except (KeyboardInterrupt, click.Abort):
        click.echo('guard: interrupted', err=True)
        code[0] = INTERRUPTED
    except BrokenPipeError:
        sys.stderr.close()   # the reader went away (guard scan | head): not our error
        code[0] = INTERNAL_ERROR
    except Exception as e:
        click.echo(f'guard: internal error: {type(e).__name__}: {e} '
                   '(please report it with the command you ran)', err=True)
        code[0] = INTERNAL_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    with error_handler() as code:
        try:
            result = cli.main(args=list(argv) if argv is not None else None,
                              prog_name='guard', standalone_mode=False)
            code[0] = result if isinstance(result, int) else 0
        except click.ClickException as e:
            e.show()
            code[0] = 2
        except click.exceptions.Exit as e:
            code[0] = e.exit_code
    return code[0]
