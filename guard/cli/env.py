"""`guard env example`: write a documented .env.example from the env schema."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from guard import api
from guard.config import load_config
from guard.errors import InputError, UsageError


@click.group()
def env() -> None:
    """Environment files from the env schema."""


@env.command()
@click.option('--schema', type=click.Path(dir_okay=False, path_type=Path), help='The env.schema.yaml.')
@click.option('--settings', 'settings_ref', metavar='MODULE:CLASS', help='A pydantic-settings class instead.')
@click.option('--output', '-o', default='.env.example', show_default=True, help="Where to write it ('-': stdout).")
@click.option('--force', is_flag=True, help='Overwrite an existing file that differs.')
@click.option('--config', 'config_path', type=click.Path(path_type=Path), help='Config file (.guard.yaml).')
def example(schema: Path | None, settings_ref: str | None, output: str, force: bool, config_path: Path | None) -> int:
    """Write .env.example: descriptions as comments, defaults or placeholders as values (never a secret's)."""
    text = api.env_example(load_config(config_path), schema, settings_ref)
    if output == '-':
        sys.stdout.write(text)
        return 0
    path = Path(output)
    try:
        old = path.read_text(encoding='utf-8-sig') if path.exists() else None
        if old == text:  # not rewritten: its mtime and inode stay, so watchers and make see no change
            click.echo(f'guard env example: {output} is up to date', err=True)
            return 0
        if old is not None and not force:
            raise UsageError(f'{output} exists and differs: pass --force to overwrite it, or --output - to print')
        path.write_text(text, encoding='utf-8', newline='\n')
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f'cannot write {output}: {e}') from None
    click.echo(f'guard env example: wrote {output}', err=True)
    return 0
