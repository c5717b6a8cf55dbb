"""scan-history's commits through the scanner: contiguous chunks, each one `git log -p`
(guard.sources.commits) plus the Python that reads and scans it, on this process and
forked workers (guard.pool)."""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

from guard.gate import Gate
from guard.models import Commit, Finding
from guard.scanner import Scanner
from guard.sources import Wanted
from guard.sources.commits import EnvEvent, read_commits

MIN_CHUNK = 64  # commits per worker task: enough to amortise a `git log` start
# and at most this many: git's memory grows with the commits one `git log` walks (63 MB for
# a 7,500-commit chunk of the generated 30,000-commit history), so long histories get more
# chunks rather than bigger ones
MAX_CHUNK = 2_000
TASKS_PER_JOB = 4  # more tasks than workers, so progress is saved often and loads balance

Progress = Callable[[int, int], None]
# How an audit gets its results for the commits the store lacks: by default a fork pool
# here; `guard audit` hands in what its Dask tasks already scanned.
ChunkScan = Callable[[Sequence[str], Scanner], Iterable['ChunkResult']]


class CommitScan(NamedTuple):
    sha: str
    commit: Commit
    findings: tuple[Finding, ...]
    env_events: tuple[EnvEvent, ...]
    bytes: int
    files: int
    binary: int


@dataclasses.dataclass(frozen=True, slots=True)
class ChunkResult:
    """What one worker task found in its share of the commits: every commit as a small
    (sha, bytes, files) row, full CommitScans only for those holding something (pickling
    thousands of empty ones back to the parent cost more than scanning them)."""

    rows: tuple[tuple[str, int, int, int], ...]  # (sha, bytes, files, binary files)
    scans: tuple[CommitScan, ...]
    binary: int


def scan_commits(commits: Sequence[str], scanner: Scanner, wanted: Wanted) -> Iterator[CommitScan]:
    """Each commit's findings, env events and sizes, streamed from one `git log -p`."""
    for read in read_commits(commits, wanted):
        findings: list[Finding] = []
        for fragment in read.fragments:
            findings += scanner.scan(fragment)
        yield CommitScan(read.sha, read.commit, tuple(findings), read.env_events, read.bytes, read.files, read.binary)


def scan_chunk(commits: Sequence[str], scanner: Scanner, wanted: Wanted, tick: Callable[[int], None]) -> ChunkResult:
    """One chunk's commits through one `git log`; runs here or in a forked child (which
    inherits the scanner and the gate: nothing is pickled on the way in)."""
    rows = []
    scans = []
    binary = pending = 0
    for scan in scan_commits(commits, scanner, wanted):
        rows.append((scan.sha, scan.bytes, scan.files, scan.binary))
        binary += scan.binary
        if scan.findings or scan.env_events:
            scans.append(scan)
        pending += 1
        if pending == 16:
            tick(pending)
            pending = 0
    if pending:
        tick(pending)
    return ChunkResult(tuple(rows), tuple(scans), binary)


def chunks(commits: Sequence[str], jobs: int) -> list[Sequence[str]]:
    """Contiguous slices (neighbouring commits share pack deltas, which git then reuses)."""
    size = min(MAX_CHUNK, max(MIN_CHUNK, -(-len(commits) // (jobs * TASKS_PER_JOB))))
    return [commits[i : i + size] for i in range(0, len(commits), size)]


def scan_parallel(
    commits: Sequence[str], scanner: Scanner, jobs: int, progress: Progress | None = None
) -> Iterator[ChunkResult]:
    """Chunk results as they finish, from this process and `jobs - 1` forked ones.
    Interrupting stops the workers; results already yielded stay valid, so the caller
    can save them."""
    if not commits:  # a re-run with nothing new: no pool, no prefilter to build
        return
    from guard import pool

    gate = Gate(scanner.detectors).build()  # built once here, not once per forked worker

    def work(part: Sequence[str], tick: Callable[[int], None]) -> ChunkResult:
        return scan_chunk(part, scanner, gate, tick)

    def report(done: int) -> None:
        if progress is not None:
            progress(done, len(commits))

    # Objects alive now (rules, compiled patterns, modules) live as long as the run: the
    # collector need not walk them again, and not writing to them spares forked workers
    # the copy-on-write of those pages.
    gc.freeze()
    try:
        yield from pool.run(chunks(commits, jobs), work, jobs, report)
    finally:
        gc.unfreeze()


def default_jobs() -> int:
    from guard import pool  # not at import: a re-run with nothing new needs no workers

    return pool.cores()
