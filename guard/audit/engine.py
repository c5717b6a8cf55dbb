"""The client side of `guard audit`: a Dask cluster (a LocalCluster sized to the machine, or
the scheduler at an address), the task graph, progress, faults and the merged result.

Each repository is a `plan` task; once its plan is known, its commits become `scan_chunk`
tasks (a large history is split so that it does not serialise the run) and one `finish`
task that depends on them. A repository whose tasks fail is reported and the run goes on.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from guard.audit import tasks
from guard.audit.tasks import Failed, Job, RepoResult
from guard.models import Receipt

if TYPE_CHECKING:
    from distributed import Client, Future

MIN_CHUNK = 256  # commits per scan task: below this a task's start costs more than it spreads
CHUNKS_PER_WORKER = 2  # a large repository is cut into this many tasks per worker
RETRIES = 2  # a task that raised is tried this many more times (a dead worker's are rescheduled anyway)

# (repositories done, repositories, commits done, commits known so far)
AuditProgress = Callable[[int, int, int, int], None]


class Failure(NamedTuple):
    name: str
    reason: str


class OrgAudit(NamedTuple):
    results: tuple[RepoResult, ...]  # in the order the repositories were given
    failures: tuple[Failure, ...]
    receipt: Receipt

    @property
    def exit_code(self) -> int:
        if not self.results:
            return 2
        return 1 if any(r.report.findings for r in self.results) else 0


def chunks(todo: Sequence[str], workers: int, size: int | None = None) -> list[Sequence[str]]:
    """Contiguous slices of a repository's commits (neighbours share pack deltas): `size`
    commits each, or by default enough slices to spread one large history over every worker."""
    if not todo:
        return []
    size = size or max(MIN_CHUNK, -(-len(todo) // (max(workers, 1) * CHUNKS_PER_WORKER)))
    return [todo[i : i + size] for i in range(0, len(todo), size)]


@contextlib.contextmanager
def cluster_client(scheduler: str | None, workers: int | None) -> Iterator[Client]:
    """A client of the scheduler at `scheduler`, or of a LocalCluster started (and stopped) here:
    one single-threaded worker process per core, no dashboard, quiet logs."""
    from distributed import Client

    if scheduler:
        with Client(scheduler, timeout='30s') as client:
            yield client
        return
    with interrupts_deferred():  # a Ctrl-C while workers start would leave them half made
        cluster = _local_cluster(workers)
    client = None
    try:
        client = Client(cluster)
        yield client
    finally:
        with interrupts_deferred():
            if client is not None:
                with contextlib.suppress(Exception):
                    client.close()
            with contextlib.suppress(Exception):
                cluster.close(timeout=10)


def _local_cluster(workers: int | None) -> Any:
    import dask
    from distributed import LocalCluster

    from guard import pool

    # Forked workers start in ~0.5 s; spawned ones import distributed again (~5 s on 2 busy cores).
    method = 'fork' if pool.can_fork() else 'spawn'
    with dask.config.set({'distributed.worker.multiprocessing-method': method}):
        return LocalCluster(
            n_workers=workers or pool.cores(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # not even CRITICAL: a Ctrl-C makes the in-process scheduler log closed comms with
            # tracebacks; guard reports what failed itself, per repository
            silence_logs=logging.CRITICAL + 1,
        )


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold a Ctrl-C until the block is done, then raise it (main thread only: elsewhere a
    signal handler cannot be set, and the block runs as it is)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def run(
    jobs: Sequence[Job],
    client: Client,
    *,
    progress: AuditProgress | None = None,
    chunk_commits: int | None = None,
) -> OrgAudit:
    """Every repository's scan-history on the cluster, merged; failures are kept, not raised."""
    from distributed import as_completed

    started = time.perf_counter()
    workers = max(sum(w.get('nthreads', 1) for w in client.scheduler_info()['workers'].values()), 1)
    kind: dict[Future[Any], tuple[str, Job]] = {}
    sizes: dict[Future[Any], int] = {}  # commits in each chunk task, for the progress line
    results: dict[str, RepoResult] = {}
    failures: dict[str, str] = {}
    commits_total = commits_done = 0

    def submit(what: str, job: Job, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future = client.submit(fn, *args, retries=RETRIES, pure=False, key=f'guard-{what}-{_token()}')
        kind[future] = (what, job)
        return future

    pending = as_completed([submit('plan', job, tasks.plan, job) for job in jobs], with_results=False)
    for future in pending:
        what, job = kind.pop(future)
        value = _value(future)
        if isinstance(value, Failed):
            if what != 'chunk':  # a failed chunk fails its repository's finish task too
                failures[job.name] = value.reason
        elif what == 'plan':
            plan = value
            commits_total += len(plan.todo)
            parts = []
            for part in chunks(plan.todo, workers, chunk_commits):
                parts.append(submit('chunk', job, tasks.scan_chunk, job, part))
                sizes[parts[-1]] = len(part)
            pending.update([*parts, submit('finish', job, tasks.finish, job, parts)])
        elif what == 'chunk':
            commits_done += sizes.pop(future, 0)
        else:
            results[job.name] = value
        future.release()
        if progress is not None:
            progress(len(results) + len(failures), len(jobs), commits_done, commits_total)
    ordered = tuple(results[j.name] for j in jobs if j.name in results)
    lost = tuple(Failure(j.name, failures[j.name]) for j in jobs if j.name in failures)
    return OrgAudit(ordered, lost, _receipt(ordered, lost, workers, time.perf_counter() - started))


def _value(future: Future[Any]) -> Any:
    """The task's result, or Failed when it raised even after its retries."""
    if future.status == 'error':
        exception = future.exception()
        return Failed(f'{type(exception).__name__} in a task, after {RETRIES} retries (see the worker log)')
    return future.result()


def _token() -> str:
    import uuid

    return uuid.uuid4().hex


def _receipt(results: Sequence[RepoResult], failures: Sequence[Failure], workers: int, seconds: float) -> Receipt:
    receipts = [r.report.receipt for r in results]
    notes = [f'{len(results)} of {len(results) + len(failures)} repositories scanned', f'{workers} workers']
    notes += [f'could not scan {f.name}: {f.reason}' for f in failures]
    return Receipt(
        mode='audit',
        files=sum(r.files for r in receipts),
        commits=sum(r.commits for r in receipts),
        bytes=sum(r.bytes for r in receipts),
        skipped=sum(r.skipped for r in receipts),
        seconds=seconds,
        notes=tuple(notes),
    )
