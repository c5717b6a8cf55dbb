"""Installing guard's native git hooks and undoing exactly that: the use cases behind
`guard install [--pre-push] [--force] [--hooks-path [DIR]]` and `guard uninstall`
(guard/cli/install.py is their click wiring).

Two ways in, as git offers them:
- copy the shims (the repository's hooks/ directory; a test keeps these copies identical) into
  the directory git runs hooks from (`git rev-parse --git-path hooks`, so an existing
  core.hooksPath and worktrees are honoured);
- `--hooks-path DIR`: write the shims into DIR (a directory a team can commit) and point
  `core.hooksPath` at it in the repository's local config.
A hook that is not guard's is never overwritten, and hooks git runs now are never switched off
by moving core.hooksPath, without --force. What install changed (files written, directories
created, backups, the previous core.hooksPath) is recorded in <git-common-dir>/guard/install.json,
so `guard uninstall` undoes exactly that and nothing else.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from guard import git
from guard.errors import UsageError

MARKER = '# guard-hook:'
BACKUP_SUFFIX = '.guard-backup'
STATE_FILE = 'install.json'
_MISSING = """echo 'guard: command not found, so this {what} was NOT checked for secrets.' >&2
echo 'guard: install it (pipx install guard-secrets) or activate its virtualenv, then {again}.' >&2
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
# githooks(5): the names git runs; anything else in a hooks directory (README, *.sample) never runs.
GIT_HOOKS = frozenset(
    {
        'applypatch-msg',
        'pre-applypatch',
        'post-applypatch',
        'pre-commit',
        'pre-merge-commit',
        'prepare-commit-msg',
        'commit-msg',
        'post-commit',
        'pre-rebase',
        'post-checkout',
        'post-merge',
        'pre-push',
        'pre-receive',
        'update',
        'proc-receive',
        'post-receive',
        'post-update',
        'reference-transaction',
        'push-to-checkout',
        'pre-auto-gc',
        'post-rewrite',
        'sendemail-validate',
        'fsmonitor-watchman',
        'p4-changelist',
        'p4-prepare-changelist',
        'p4-post-changelist',
        'p4-pre-submit',
        'post-index-change',
    }
)


@dataclasses.dataclass
class State:
    """What `guard install` changed, so `guard uninstall` can undo exactly that."""

    written: list[str] = dataclasses.field(default_factory=list)  # hooks guard wrote (absolute)
    created: list[str] = dataclasses.field(default_factory=list)  # directories guard created, outermost first
    hooks_path: str | None = None  # the core.hooksPath value guard set
    previous_hooks_path: str | None = None  # the local value before it (None: unset)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2, sort_keys=True) + '\n'

    @classmethod
    def from_json(cls, data: Any, where: Path) -> State:
        fields = {f.name for f in dataclasses.fields(cls)}
        if not isinstance(data, dict) or not set(data) <= fields:
            raise UsageError(f"{where} is not guard's install record: remove it, then run guard install again")
        return cls(**data)


def is_guards(path: Path) -> bool:
    try:
        return MARKER in path.read_text(encoding='utf-8', errors='replace')
    except OSError:
        return False


def is_active_foreign(path: Path) -> bool:
    """A hook git would run that is not guard's."""
    return path.name in GIT_HOOKS and path.is_file() and os.access(path, os.X_OK) and not is_guards(path)


# ---- the record ---------------------------------------------------------------------------


def state_path() -> Path:
    return git.common_dir() / 'guard' / STATE_FILE


def load_state(path: Path) -> State | None:
    try:
        return State.from_json(json.loads(path.read_text(encoding='utf-8')), path)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise UsageError(f"{path}: cannot read guard's install record ({e}): remove it and try again") from None


def save_state(path: Path, state: State) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(state.to_json(), encoding='utf-8', newline='\n')


def drop_state(path: Path) -> None:
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()  # only when empty: the scan-history store lives there too


# ---- core.hooksPath -----------------------------------------------------------------------


def local_hooks_path(top: Path) -> str | None:
    return git.config_get('core.hooksPath', cwd=top, local=True)


def set_local_hooks_path(top: Path, value: str | None) -> None:
    git.config_set_local('core.hooksPath', value, cwd=top)


def hooks_path_dir(top: Path, value: str) -> Path:
    """Where git looks for a core.hooksPath value: relative values from the work-tree top."""
    path = Path(os.path.expanduser(value))
    return (path if path.is_absolute() else top / path).resolve()


def check_switch(top: Path, current: Path, target: Path, force: bool, ours: str | None) -> None:
    """Moving core.hooksPath switches off the hooks git runs now: not without --force.
    `ours`: the value an earlier `guard install --hooks-path` set (no other manager's)."""
    if force or current == target:
        return
    configured = git.config_get('core.hooksPath', cwd=top)
    if configured is not None and configured != ours:
        raise UsageError(
            f'core.hooksPath is already {configured!r} (another hook manager?): call '
            '`guard scan --staged` from its pre-commit hook, or pass --force to point it at '
            f'{target} (guard uninstall points it back)'
        )
    active = sorted(p.name for p in _children(current) if is_active_foreign(p))
    if active:
        raise UsageError(
            f'hooks in {current} would stop running ({", ".join(active)}): call '
            '`guard scan --staged` from them, or pass --force (guard uninstall switches back)'
        )


# ---- the shims ----------------------------------------------------------------------------


def backup_of(target: Path) -> Path:
    """Where --force keeps the hook it replaces, and uninstall finds it."""
    return target.with_name(target.name + BACKUP_SUFFIX)


def check_hook(target: Path, force: bool) -> None:
    """Refuse before anything is written: a foreign hook needs --force, and a free backup name."""
    if target.exists() and not is_guards(target):
        backup = backup_of(target)
        if not force:
            raise UsageError(
                f"{target} exists and is not guard's: call `guard scan --staged` from it, "
                f'or pass --force to replace it (it is kept as {backup.name})'
            )
        if backup.exists():
            raise UsageError(f'{backup} already exists: move it away before --force')


def install_hook(target: Path) -> tuple[str, bool]:
    """Write one shim (check_hook said yes); returns what was done and whether a file was written."""
    shim = SHIMS[target.name]
    backup = backup_of(target)
    if target.exists() and not is_guards(target):
        target.rename(backup)
        done = f'installed {target} (your hook is kept as {backup.name})'
    elif target.exists() and target.read_text(encoding='utf-8', errors='replace') == shim:
        return f'{target} is already installed', False
    else:
        done = f'installed {target}'
    target.write_text(shim, encoding='utf-8', newline='\n')
    target.chmod(0o755)
    return done, True


def uninstall_hook(target: Path) -> str | None:
    backup = backup_of(target)
    if not target.exists():
        return None
    if not is_guards(target):
        return f"{target} is not guard's: left alone"
    target.unlink()
    if backup.exists():
        os.replace(backup, target)
        return f'removed guard from {target} and restored your previous hook'
    return f'removed {target}'


def make_dirs(path: Path) -> list[str]:
    """mkdir -p, returning the directories it created, outermost first."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    return [str(p) for p in reversed(missing)]


# ---- the use cases ------------------------------------------------------------------------


def install(pre_push: bool, force: bool, hooks_path: str | None, say: Callable[[str], object]) -> None:
    """Install the shims where git runs hooks (or into `hooks_path`, pointing core.hooksPath at it),
    recording what changed; `say` gets one line per thing done, as it is done."""
    names = ['pre-commit', 'pre-push'] if pre_push else ['pre-commit']
    current = git.hooks_dir()
    top = git.toplevel(Path.cwd())
    if hooks_path is not None and top is None:
        raise UsageError('--hooks-path needs a work tree (core.hooksPath is relative to its top)')
    record = state_path()
    state = load_state(record) or State()
    hooks = current
    if hooks_path is not None and top is not None:
        hooks = hooks_path_dir(top, hooks_path)
        check_switch(top, current, hooks, force, state.hooks_path)
    targets = [hooks / name for name in names]
    for target in targets:
        check_hook(target, force)
    changed = _created(state, make_dirs(hooks))
    for target in targets:
        message, wrote = install_hook(target)
        say(message)
        if wrote and str(target) not in state.written:
            state.written.append(str(target))
        changed |= wrote
    if hooks_path is not None and top is not None:
        changed |= _point_hooks_path(top, hooks_path, state, say)
    if changed:
        save_state(record, state)


def _created(state: State, directories: Sequence[str]) -> bool:
    state.created.extend(d for d in directories if d not in state.created)
    return bool(directories)


def _point_hooks_path(top: Path, value: str, state: State, say: Callable[[str], object]) -> bool:
    before = local_hooks_path(top)
    if before == value:
        say(f'core.hooksPath is already {value}')
        return False
    if state.hooks_path is None:  # keep the first previous value across repeated installs
        state.previous_hooks_path = before
    state.hooks_path = value
    set_local_hooks_path(top, value)
    say(f'set core.hooksPath to {value}' + (f' (was {before})' if before else ''))
    return True


def uninstall() -> list[str]:
    """Undo what `install` did (its hooks, backups restored, core.hooksPath, its directories);
    returns what was done, one line each."""
    record = state_path()
    state = load_state(record)
    if state is None:  # installed by a guard that kept no record: remove guard's shims where git looks
        hooks = git.hooks_dir()
        said = [m for m in (uninstall_hook(hooks / name) for name in SHIMS) if m]
    else:
        said = list(_undo(state))
        drop_state(record)
    return said or ['no guard hooks installed']


def _undo(state: State) -> Iterable[str]:
    for written in state.written:
        message = uninstall_hook(Path(written))
        if message:
            yield message
    top = git.toplevel(Path.cwd())
    if state.hooks_path is not None and top is not None:
        now = local_hooks_path(top)
        if now == state.hooks_path:
            set_local_hooks_path(top, state.previous_hooks_path)
            yield (
                f'set core.hooksPath back to {state.previous_hooks_path}'
                if state.previous_hooks_path
                else 'unset core.hooksPath'
            )
        else:
            yield f'core.hooksPath was changed since guard set it ({now or "unset"}): left alone'
    for directory in reversed(state.created):
        with contextlib.suppress(OSError):
            Path(directory).rmdir()  # only when empty: never what someone else put there
            yield f'removed {directory}'


def _children(directory: Path) -> list[Path]:
    try:
        return list(directory.iterdir())
    except OSError:
        return []
