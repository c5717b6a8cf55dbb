"""The functions Dask runs on its workers: the only code the client sends.

Each repository goes through three tasks: `plan` (clone or fetch it, list the commits its
store lacks), `scan_chunk` for each slice of those commits, and `finish`, which hands the
chunk results to scan-history's own audit (store, grouping, HEAD state, filters), so an
audit reports exactly what `guard scan-history` reports in that repository.

Every task is safe to run again: `plan` clones only what is missing, `scan_chunk` only
reads, and `finish` saves to the store with idempotent inserts. That is what lets the
scheduler retry a task whose worker died.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from guard import git
from guard.errors import GitError, GuardError
from guard.models import Report
from guard.scanner import Scanner

if TYPE_CHECKING:  # imported by the tasks that use them, on the worker
    from guard.config import Config
    from guard.history.audit import Group
    from guard.history.scan import ChunkResult, ChunkScan
    from guard.report.htmlview import RepoFacts

# guard's git calls run in the process's working directory. A worker may run tasks in several
# threads, so a task holds this lock while it is inside its repository; the work is Python
# under the GIL anyway, and parallelism comes from worker processes.
_in_repo_lock = threading.Lock()


class Job(NamedTuple):
    """One repository of an audit, as every task needs it (small, picklable)."""

    name: str  # as the user named it: a path or a URL
    path: str  # where it is scanned: the repository itself, or guard's clone of the URL
    url: str | None  # None: a local repository, scanned in place
    config: str | None  # --config for every repository; None: each one's own .guard.yaml
    branches: tuple[str, ...] = ()
    since: str | None = None
    use_cache: bool = True
    run_id: str = ''  # one audit run: scanners are cached per worker within it, not across
    html: bool = False  # the HTML report also lists allowed findings and where each is exposed


class Plan(NamedTuple):
    todo: tuple[str, ...]  # commits to scan, in `git rev-list --date-order` order
    commits: int  # in range, scanned before or not


class Failed(NamedTuple):
    """A repository that could not be scanned: why, in one line. Tasks return it rather than
    raise, so that the scheduler retries only faults that may pass (a worker lost), not a
    repository that is missing or corrupt."""

    reason: str


class RepoResult(NamedTuple):
    name: str
    report: Report
    groups: tuple[Group, ...]
    warnings: tuple[str, ...]
    facts: RepoFacts | None = None  # for the HTML report: exposure, refs, commit dates


@contextlib.contextmanager
def in_repo(path: str) -> Iterator[None]:
    with _in_repo_lock:
        previous = os.getcwd()
        os.chdir(path)
        try:
            yield
        finally:
            os.chdir(previous)


def plan(job: Job) -> Plan | Failed:
    """Clone or fetch the repository, then list the commits its store has not scanned."""
    try:
        return _plan(job)
    except GuardError as e:
        return Failed(str(e))


def _plan(job: Job) -> Plan:
    from guard import api
    from guard.history.store import Store
    from guard.sources.commits import rev_list_args

    _obtain(job)
    with in_repo(job.path):
        scanner = _scanner(job)
        commits = git.rev_list(['--date-order', *rev_list_args(job.branches, job.since)])
        if not job.use_cache:
            return Plan(tuple(commits), len(commits))
        common, _shallow = git.repo_state()
        warnings: list[str] = []
        store = Store.open(common / 'guard', api.rules_version(scanner), warnings)
        try:
            known = store.scanned()
        finally:
            store.close()
        return Plan(tuple(c for c in commits if c not in known), len(commits))


def scan_chunk(job: Job, commits: Sequence[str]) -> tuple[ChunkResult, ...] | Failed:
    """scan-history's chunk results for these commits."""
    from guard.history import scan as history

    try:
        with in_repo(job.path):
            return tuple(history.scan_parallel(commits, _scanner(job), jobs=1))
    except GuardError as e:
        return Failed(str(e))


def finish(job: Job, chunks: Sequence[tuple[ChunkResult, ...] | Failed]) -> RepoResult | Failed:
    """scan-history's audit of the repository, fed with the chunks' results."""
    failed = [c for c in chunks if isinstance(c, Failed)]
    if failed:
        return failed[0]
    try:
        return _finish(job, [c for c in chunks if not isinstance(c, Failed)])
    except GuardError as e:
        return Failed(str(e))


def _finish(job: Job, chunks: Sequence[tuple[ChunkResult, ...]]) -> RepoResult:
    from guard import api

    warnings: list[str] = []
    with in_repo(job.path):
        config = _config(job)
        report, groups = api.scan_history(
            config,
            branches=job.branches,
            since=job.since,
            jobs=1,
            use_cache=job.use_cache,
            warn=warnings.append,
            chunk_scan=_replay([result for chunk in chunks for result in chunk]),
            keep_allowed=job.html,
        )
        facts = api.audit_facts(config, groups, branches=job.branches, since=job.since) if job.html else None
    return RepoResult(job.name, report, groups, tuple(warnings), facts)


def _replay(results: Sequence[ChunkResult]) -> ChunkScan:
    """A ChunkScan that yields what the chunk tasks found for the commits still to do. A commit
    the store gained since `plan` (another run) is left out; one it lost is scanned here."""
    from guard.history import scan as history

    def scan(todo: Sequence[str], scanner: Scanner) -> Iterable[ChunkResult]:
        wanted = set(todo)
        done: set[str] = set()
        for result in results:
            rows = tuple(row for row in result.rows if row[0] in wanted and row[0] not in done)
            kept = {row[0] for row in rows}
            scans = tuple(s for s in result.scans if s.sha in kept)
            done |= kept
            yield history.ChunkResult(rows, scans, result.binary if len(rows) == len(result.rows) else 0)
        rest = [sha for sha in todo if sha not in done]
        if rest:
            yield from history.scan_parallel(rest, scanner, jobs=1)

    return scan


def _obtain(job: Job) -> None:
    """A URL is cloned into the work dir on the first run and fetched on later ones."""
    path = Path(job.path)
    if job.url is None:
        if not path.is_dir():
            raise GitError('no such directory')
        if not git.is_repository(path):
            raise GitError('not a git repository')
        return
    if (path / 'HEAD').is_file() and git.is_repository(path):
        git.fetch_mirror(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + '.partial')
    if partial.exists():  # a clone a killed task left half done
        import shutil

        shutil.rmtree(partial)
    git.clone_mirror(job.url, partial)
    partial.rename(path)


def _config(job: Job) -> Config:
    from guard.config import load_config

    return load_config(Path(job.config) if job.config else None, start=Path(job.path))


@functools.lru_cache(maxsize=16)
def _cached_scanner(path: str, config: str | None, run_id: str) -> Scanner:
    from guard import api

    return api.make_scanner(_config(Job('', path, None, config, run_id=run_id)))


def _scanner(job: Job) -> Scanner:
    """One scanner per repository per worker for the run: building one compiles every rule."""
    return _cached_scanner(job.path, job.config, job.run_id)
