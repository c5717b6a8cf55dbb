"""`guard check [gitignore|env-example|env-schema|all]`: config hygiene, one report, one exit code."""

from __future__ import annotations

from pathlib import Path

import click

from guard import api
from guard.checks import CHECK_NAMES, CheckOptions
from guard.cli.output import FORMAT_NAMES, emit
from guard.config import load_config


@click.command()
@click.argument('which', required=False, default='all', type=click.Choice([*CHECK_NAMES, 'all']))
@click.option('--fix', is_flag=True, help='gitignore: append the missing patterns to .gitignore (never removes lines).')
@click.option('--schema', type=click.Path(dir_okay=False, path_type=Path), help='env-schema: the env.schema.yaml.')
@click.option('--settings', 'settings_ref', metavar='MODULE:CLASS', help='env-schema: a pydantic-settings class.')
@click.option(
    '--settings-dir',
    type=click.Path(file_okay=False, path_type=Path),
    help='env-schema: import --settings from here (default: the directory holding the module).',
)
@click.option(
    '--env-file',
    'env_files',
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help='env-schema: an env file to validate (repeat it: later files win).',
)
@click.option(
    '--secrets-dir',
    'secrets_dirs',
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help='env-schema: also read this secrets directory, one file per variable (env files win over it).',
)
@click.option(
    '--environ/--no-environ',
    default=None,
    help='env-schema: include the process environment (default: only when no env file is given).',
)
@click.option('--environment', metavar='NAME', help="env-schema: apply this environment's requirements.")
@click.option('--format', 'fmt', type=click.Choice(FORMAT_NAMES), default='text', show_default=True)
@click.option('--output', type=click.Path(dir_okay=False, path_type=Path), help='Write the report here.')
@click.option('--config', 'config_path', type=click.Path(path_type=Path), help='Config file (.guard.yaml).')
@click.option('-q', '--quiet', is_flag=True, help='No receipt on stderr.')
def check(
    which: str,
    fix: bool,
    schema: Path | None,
    settings_ref: str | None,
    settings_dir: Path | None,
    env_files: tuple[Path, ...],
    secrets_dirs: tuple[Path, ...],
    environ: bool | None,
    environment: str | None,
    fmt: str,
    output: Path | None,
    config_path: Path | None,
    quiet: bool,
) -> int:
    """Check .gitignore coverage, env templates and env values against the schema."""
    config = load_config(config_path)
    options = CheckOptions(
        fix=fix,
        schema=schema,
        settings=settings_ref,
        settings_dir=settings_dir,
        env_files=env_files,
        secrets_dirs=secrets_dirs,
        environ=environ,
        environment=environment,
        explicit=which != 'all',
    )
    names = CHECK_NAMES if which == 'all' else (which,)
    return emit(api.run_checks(names, config, options), fmt, output, quiet)
