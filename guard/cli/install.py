"""`guard install [--pre-push] [--force]` / `guard uninstall`: native git hooks.

The hooks are the shims in the repository's hooks/ directory (a test keeps these
copies identical), written into the directory git runs hooks from
(`git rev-parse --git-path hooks`, so core.hooksPath and worktrees are honoured).
A hook that is not guard's is never overwritten without --force; with it, the old
hook is kept beside it and `guard uninstall` puts it back.
"""
from __future__ import annotations

import os
from pathlib import Path

import click

from guard import git
from guard.errors import UsageError

MARKER = '# guard-hook:'
BACKUP_SUFFIX = '.guard-backup'
_MISSING = """echo 'guard: command not found, so this {what} was NOT checked for secrets.' >&2
echo 'guard: install it (pip install guard) or activate its virtualenv, then {again}.' >&2
exit 1
"""
SHIMS = {
    'pre-commit': '#!/bin/sh\n'
                  f'{MARKER} pre-commit shim (`guard install` copies it, `guard uninstall` removes it). '
                  'No logic here.\n'
                  'command -v guard >/dev/null 2>&1 && exec guard scan --staged "$@"\n'
                  + _MISSING.format(what='commit', again='commit again'),
    'pre-push': '#!/bin/sh\n'
                f'{MARKER} pre-push shim (`guard install --pre-push` copies it, `guard uninstall` removes it). '
                'No logic here.\n'
                'command -v guard >/dev/null 2>&1 && exec guard scan --pre-push "$@"\n'
                + _MISSING.format(what='push', again='push again'),
}


def is_guards(path: Path) -> bool:
    try:
        return MARKER in path.read_text(encoding='utf-8', errors='replace')
    except OSError:
        return False


def install_hook(hooks: Path, name: str, force: bool) -> str:
    """Write one shim; returns what was done, for the user."""
    target = hooks / name
    backup = hooks / f'{name}{BACKUP_SUFFIX}'
    if target.exists() and not is_guards(target):
        if not force:
            raise UsageError(f'{target} exists and is not guard\'s: call `guard scan --staged` from it, '
                             f'or pass --force to replace it (it is kept as {backup.name})')
        if backup.exists():
            raise UsageError(f'{backup} already exists: move it away before --force')
        target.rename(backup)
        done = f'installed {target} (your hook is kept as {backup.name})'
    elif target.exists() and target.read_text(encoding='utf-8', errors='replace') == SHIMS[name]:
        return f'{target} is already installed'
    else:
        done = f'installed {target}'
    hooks.mkdir(parents=True, exist_ok=True)
    target.write_text(SHIMS[name], encoding='utf-8', newline='\n')
    target.chmod(0o755)
    return done


def uninstall_hook(hooks: Path, name: str) -> str | None:
    target = hooks / name
    backup = hooks / f'{name}{BACKUP_SUFFIX}'
    if not target.exists():
        return None
    if not is_guards(target):
        return f'{target} is not guard\'s: left alone'
    target.unlink()
    if backup.exists():
        os.replace(backup, target)
        return f'removed guard from {target} and restored your previous hook'
    return f'removed {target}'


@click.command()
@click.option('--pre-push', 'pre_push', is_flag=True, help='Also scan the commits of every push.')
@click.option('--force', is_flag=True, help="Replace a hook that is not guard's (it is kept as a backup).")
def install(pre_push: bool, force: bool) -> int:
    """Install guard as this repository's git pre-commit (and pre-push) hook."""
    hooks = git.hooks_dir()
    names = ['pre-commit', 'pre-push'] if pre_push else ['pre-commit']
    for name in names:
        click.echo(f'guard: {install_hook(hooks, name, force)}', err=True)
    return 0


@click.command()
def uninstall() -> int:
    """Remove the hooks `guard install` wrote, restoring any it replaced."""
    hooks = git.hooks_dir()
    said = [m for m in (uninstall_hook(hooks, name) for name in SHIMS) if m]
    for message in said or ['no guard hooks installed']:
        click.echo(f'guard: {message}', err=True)
    return 0
