"""The click command tree. Command modules are imported only when their command runs (or
help lists them): importing every command's dependencies cost more than a staged scan."""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import click

from guard import __version__

# command name → 'module:attribute' (help lists them sorted, as click does)
COMMANDS: dict[str, str] = {
    'scan': 'guard.cli.scan:scan',
    'rules': 'guard.cli.rules:rules',
    'scan-history': 'guard.cli.history:scan_history',
    'audit': 'guard.cli.audit:audit',
    'baseline': 'guard.cli.baseline:baseline',
    'install': 'guard.cli.install:install',
    'uninstall': 'guard.cli.install:uninstall',
    'ci': 'guard.cli.ci:ci',
    'check': 'guard.cli.check:check',
    'env': 'guard.cli.env:env',
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported by name, on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, attribute = COMMANDS[cmd_name].partition(':')
            command = getattr(importlib.import_module(module), attribute)
            if not isinstance(command, click.Command):
                raise TypeError(f'{COMMANDS[cmd_name]} is not a click command')
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={'help_option_names': ['-h', '--help']})
@click.version_option(__version__, prog_name='guard')
def cli() -> None:
    """Keep secrets and broken configuration out of git."""


def run_click(argv: Sequence[str] | None) -> int:
    """Parse with click and run; click's usage errors exit 2."""
    try:
        result = cli.main(args=list(argv) if argv is not None else None, prog_name='guard', standalone_mode=False)
    except click.ClickException as e:
        e.show()
        return 2
    except click.Abort:  # click's wrapping of a Ctrl-C (or EOF at a prompt) in a command
        raise KeyboardInterrupt from None
    except click.exceptions.Exit as e:
        return e.exit_code
    return result if isinstance(result, int) else 0
