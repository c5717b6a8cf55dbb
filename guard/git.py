"""The only module that runs git. Output is read NUL-separated and decoded safely."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from guard.errors import GitError

NOT_A_REPO = 'not a git repository'


def run(args: list[str], cwd: Path | str | None = None, *, stdin: bytes | None = None,
        check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """Run git with `args`; a missing git or a failing command raises GitError."""
    try:
        proc = subprocess.run(
            ['git', *args], cwd=cwd, input=stdin, capture_output=True, check=False,
        )
    except FileNotFoundError:
        raise GitError('git is not installed or not on PATH: install git, or pass files to scan') from None
    if check and proc.returncode != 0:
        raise GitError(f'git {args[0]} failed: {decode(proc.stderr).strip() or proc.returncode}')
    return proc


def decode(data: bytes) -> str:
    """Bytes from git (paths, diffs) as text; undecodable bytes are kept as surrogates."""
    return data.decode('utf-8', 'surrogateescape')


def split_nul(data: bytes) -> list[str]:
    return [decode(item) for item in data.split(b'\0') if item]


def is_not_a_repo(proc: subprocess.CompletedProcess[bytes]) -> bool:
    return proc.returncode != 0 and NOT_A_REPO in decode(proc.stderr).lower()


def listed_files(directory: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files below `directory`, relative to it;
    None when `directory` is not inside a git work tree (or git is missing)."""
    try:
        proc = run(['-C', os.fspath(directory), 'ls-files', '-z', '--cached', '--others',
                    '--exclude-standard', '--deduplicate'], check=False)
    except GitError:
        return None
    if proc.returncode != 0:
        if is_not_a_repo(proc) or b'outside repository' in proc.stderr:
            return None
        raise GitError(f'git ls-files failed in {directory}: {decode(proc.stderr).strip()}')
    return split_nul(proc.stdout)


# ---- hooks, own secrets and CI (guard install, guard.own_secrets, guard ci) ----

def tracked(names: list[str], cwd: Path) -> set[str]:
    """Which of `names` (relative to `cwd`) are tracked; empty outside a repository."""
    proc = run(['--literal-pathspecs', 'ls-files', '-z', '--cached', '--', *names], cwd=cwd, check=False)
    return set(split_nul(proc.stdout)) if proc.returncode == 0 else set()


def hooks_dir(cwd: Path | None = None) -> Path:
    """Where git looks for hooks (core.hooksPath honoured), absolute."""
    proc = run(['rev-parse', '--git-path', 'hooks'], cwd=cwd, check=False)
    if proc.returncode != 0:
        raise GitError(f'not a git repository ({decode(proc.stderr).strip()}): run this inside one')
    path = Path(decode(proc.stdout).strip())
    return path if path.is_absolute() else (Path(cwd or Path.cwd()) / path).resolve()


def config_get(key: str, cwd: Path | None = None) -> str | None:
    proc = run(['config', '--get', key], cwd=cwd, check=False)
    return decode(proc.stdout).strip() if proc.returncode == 0 else None


def fetch(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """`git fetch` (only CI calls this, to deepen a shallow checkout); never raises."""
    return run(['fetch', '--no-tags', '--quiet', *args], cwd=cwd, check=False)


def merge_base(a: str, b: str) -> str | None:
    proc = run(['merge-base', a, b], check=False)
    return decode(proc.stdout).strip() or None if proc.returncode == 0 else None
