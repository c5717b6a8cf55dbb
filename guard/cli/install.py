"""`guard install [--pre-push] [--force] [--hooks-path [DIR]]` / `guard uninstall`: the click
wiring of guard/install.py's use cases."""

from __future__ import annotations

import click

from guard import api

DEFAULT_HOOKS_PATH = '.githooks'  # what a bare --hooks-path means


def _say(message: str) -> None:
    click.echo(f'guard: {message}', err=True)


@click.command()
@click.option('--pre-push', 'pre_push', is_flag=True, help='Also scan the commits of every push.')
@click.option(
    '--force',
    is_flag=True,
    help="Replace a hook that is not guard's (kept as a backup), or move core.hooksPath away from hooks git runs now.",
)
@click.option(
    '--hooks-path',
    'hooks_path',
    is_flag=False,
    flag_value=DEFAULT_HOOKS_PATH,
    default=None,
    metavar='[DIR]',
    help=f'Write the shims into DIR (default {DEFAULT_HOOKS_PATH}, relative to the repository top; '
    'commit it to share them) and set core.hooksPath to it.',
)
def install(pre_push: bool, force: bool, hooks_path: str | None) -> int:
    """Install guard as this repository's git pre-commit (and pre-push) hook."""
    api.install_hooks(pre_push=pre_push, force=force, hooks_path=hooks_path, say=_say)
    return 0


@click.command()
def uninstall() -> int:
    """Undo what `guard install` did: its hooks, backups restored, core.hooksPath, its directories."""
    for message in api.uninstall_hooks():
        _say(message)
    return 0
