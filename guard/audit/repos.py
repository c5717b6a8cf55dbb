"""Which repositories an audit scans, and where: a local path in place, a URL as guard's own
mirror clone in the work dir (cloned on the first run, fetched on later ones)."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from guard.audit.tasks import Job
from guard.errors import InputError

# scp-like git addresses (git@github.com:org/repo.git) besides scheme://… URLs
_SCP_LIKE = re.compile(r'^[\w.-]+@[\w.-]+:(?!//)')


def is_url(repo: str) -> bool:
    return '://' in repo or bool(_SCP_LIKE.match(repo))


def default_workdir() -> Path:
    cache = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return Path(cache) / 'guard' / 'audit'


def read_repos_file(path: Path) -> list[str]:
    """One repository a line; blank lines and `#` comments are skipped."""
    try:
        text = path.read_text(encoding='utf-8', errors='surrogateescape')
    except OSError as e:
        raise InputError(f'cannot read {path}: {e.strerror}; pass an existing file to --repos-file') from None
    lines = (line.split('#', 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]


def clone_path(url: str, workdir: Path) -> Path:
    """A stable, readable folder name for a URL's clone: its last path part and a short hash."""
    tail = re.sub(r'[^\w.-]+', '-', url.rstrip('/').rsplit('/', 1)[-1].rsplit(':', 1)[-1]).strip('-.')
    tail = tail.removesuffix('.git') or 'repo'
    # hashed without its userinfo: `https://user:token@host/…` would put a plain digest of a
    # URL holding a token into a folder name
    public = re.sub(r'^([a-z][a-z0-9+.-]*://)[^/@]*@', r'\1', url, flags=re.I)
    digest = hashlib.sha256(public.encode('utf-8', 'surrogateescape')).hexdigest()[:10]
    return workdir / f'{tail[:60]}-{digest}.git'


def unique(repos: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(repos))


def jobs(
    repos: Sequence[str],
    workdir: Path,
    *,
    config: Path | None = None,
    branches: tuple[str, ...] = (),
    since: str | None = None,
    use_cache: bool = True,
    run_id: str = '',
    html: bool = False,
) -> list[Job]:
    """A Job per repository, in the order given, each named once."""
    out = []
    for repo in unique(repos):
        if is_url(repo):
            path, url = clone_path(repo, workdir.resolve()), repo
        else:
            path, url = Path(repo).resolve(), None
        out.append(
            Job(
                name=repo,
                path=os.fspath(path),
                url=url,
                config=os.fspath(config.resolve()) if config else None,
                branches=branches,
                since=since,
                use_cache=use_cache,
                run_id=run_id,
                html=html,
            )
        )
    return out
