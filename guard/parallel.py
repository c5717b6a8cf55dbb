"""Reading and scanning files on every core, for trees big enough to pay for it.

Reading, decoding, the keyword prefilter and the detectors' regexes are all
CPU-bound Python, so threads would not help: the work goes to a pool of forked
processes. Fork (Linux only) lets each worker inherit the parent's Scanner,
rules already parsed, with nothing pickled on the way in; each worker compiles
the regexes it needs itself. Files go out in batches in walk order and come back
in that order (`imap`), so the report is the same as a serial scan's.

Starting and stopping a pool costs ~50 ms and the workers pickle their findings
back (~10 % more CPU in all); with a second core free, two workers then nearly
halve the rest. Below MIN_FILES files (~0.2 s of serial work) that gain is lost in
the noise, and one core gains nothing: then, or without fork, everything runs in
this process. GUARD_JOBS=N sets the number of workers (1: serial).
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator, Sequence

from guard import forkpool, sources
from guard.models import Finding
from guard.scanner import Scanner

MIN_FILES = 400  # see the module docstring
BATCH = 48  # files per task: small enough to balance a few huge files, big enough to amortise IPC

Entry = tuple[str, str]  # (filesystem path, path as reported)

_scanner: Scanner | None = None
_max_size = 0


def workers() -> int:
    """GUARD_JOBS if set (1: serial), else a few more workers than cores.

    A worker waiting on a read from disk leaves its core idle; extra workers fill it.
    Measured on the 200 MB bench tree (2 cores, shared): 4 workers took the same CPU
    as 2 and ~10 % less wall time.
    """
    if os.environ.get('GUARD_JOBS', '').isdigit():
        return max(1, int(os.environ['GUARD_JOBS']))
    cores = forkpool.cores()
    return 1 if cores < 2 else min(2 * cores, cores + 4)


def scan_entries(
    scanner: Scanner, entries: Iterable[Entry], *, max_size: int, tally: sources.Tally, jobs: int | None = None
) -> list[Finding]:
    """Findings of every file in `entries`, in order; serial or on `jobs` processes (default: every core)."""
    jobs = workers() if jobs is None else jobs
    stream = iter(entries)
    head = list(itertools.islice(stream, MIN_FILES))
    if jobs < 2 or len(head) < MIN_FILES or not forkpool.can_fork():
        return _scan_serial(scanner, itertools.chain(head, stream), max_size, tally)
    return _scan_pool(scanner, itertools.chain(head, stream), max_size, tally, jobs)


def _scan_serial(scanner: Scanner, entries: Iterable[Entry], max_size: int, tally: sources.Tally) -> list[Finding]:
    findings: list[Finding] = []
    for path, shown in entries:
        fragment = sources.read_file(path, shown, max_size, tally)
        if fragment is not None:
            findings += scanner.scan(fragment)
    return findings


def _scan_pool(
    scanner: Scanner, entries: Iterable[Entry], max_size: int, tally: sources.Tally, jobs: int
) -> list[Finding]:
    global _scanner, _max_size
    _scanner, _max_size = scanner, max_size  # inherited by the forked workers
    findings: list[Finding] = []
    try:
        with multiprocessing.get_context('fork').Pool(jobs, initializer=_ignore_sigint) as pool:
            for batch_findings, batch_tally in pool.imap(_scan_batch, _batches(entries)):
                findings += batch_findings
                tally.merge(batch_tally)
    finally:
        _scanner = None
    return findings


def _batches(entries: Iterable[Entry]) -> Iterator[list[Entry]]:
    stream = iter(entries)
    while batch := list(itertools.islice(stream, BATCH)):
        yield batch


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group: the parent handles it (exit 130) and
    # tears the pool down; workers printing their own tracebacks would only be noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent unwinds on SIGTERM (exit 143) and its pool's terminate() sends SIGTERM
    # here: a worker just ends (fork gave it the parent's raising handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _scan_batch(batch: Sequence[Entry]) -> tuple[list[Finding], sources.Tally]:
    assert _scanner is not None, 'workers inherit the scanner through fork'
    tally = sources.Tally()
    return _scan_serial(_scanner, batch, _max_size, tally), tally
