"""The fork pool: tasks shared between this process and forked children, results streamed
back. Both the tree scan (batches of files) and scan-history (chunks of commits) run on it.

Reading, decoding, the keyword prefilter and the detectors' regexes are all CPU-bound
Python, so threads would not help. Fork (Linux only) lets each child inherit the parent's
state (the scanner, its rules already parsed, the tasks themselves): nothing is pickled on
the way in, only results on the way back. This process takes tasks too, so `jobs` workers
cost `jobs - 1` forks: on the 6,000-commit bench a forked worker costs ~18 ms of CPU before
it does anything (copy-on-write faults as it touches the inherited heap), and
concurrent.futures' process pool ~25 ms more (imports, queue threads).

Tasks are handed out through a pipe holding their indexes (4-byte reads from a pipe are
atomic), so a fast worker takes more of them. Each child writes framed messages on its own
pipe: progress ticks, a pickled result per task, or an error; a thread per child reads them
into a queue this process drains between its own tasks. Linux only (see can_fork):
elsewhere, with one job, or with more tasks than the task pipe holds at once
(MAX_TASKS), everything runs here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Generic, TypeVar

from guard.errors import GitError

T = TypeVar('T')
R = TypeVar('R')
Tick = Callable[[int], None]

_INDEX = 4  # bytes per task index in the task pipe
_HEADER = 9  # message kind (1 byte) + payload length or tick count (8 bytes)
_POLL = 0.25  # seconds between progress reports while waiting on children
_GRACE = 2.0  # seconds a stopped child gets to stop its git before SIGKILL
MAX_TASKS = 16_384  # every index is written to the task pipe at once: 64 KB, a pipe's least size


def can_fork() -> bool:
    """Linux only: forking a process that may have loaded macOS system frameworks is unsafe
    (why multiprocessing spawns there), and Windows has no fork."""
    return sys.platform.startswith('linux') and hasattr(os, 'fork')


def cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def workers() -> int:
    """GUARD_JOBS if set (1: serial), else a few more workers than cores (the tree scan).

    A worker waiting on a read from disk leaves its core idle; extra workers fill it.
    Measured on the 200 MB bench tree (2 cores, shared): 4 workers took the same CPU
    as 2 and ~10 % less wall time.
    """
    if os.environ.get('GUARD_JOBS', '').isdigit():
        return max(1, int(os.environ['GUARD_JOBS']))
    count = cores()
    return 1 if count < 2 else min(2 * count, count + 4)


def ordered(tasks: Sequence[T], work: Callable[[T, Tick], R], jobs: int) -> Iterator[R]:
    """`run`'s results in the order of `tasks` (each yielded as soon as those before it are)."""

    def indexed(task: tuple[int, T], tick: Tick) -> tuple[int, R]:
        return task[0], work(task[1], tick)

    waiting: dict[int, R] = {}
    following = 0
    for index, result in run(list(enumerate(tasks)), indexed, jobs):
        waiting[index] = result
        while following in waiting:
            yield waiting.pop(following)
            following += 1


def run(
    tasks: Sequence[T], work: Callable[[T, Tick], R], jobs: int, progress: Callable[[int], None] | None = None
) -> Iterator[R]:
    """`work(task, tick)` for every task, results in the order they finish. `tick(n)`
    reports n units of work done; `progress(total units done)` is called here.
    Interrupting (or an error) stops the children; results already yielded stay valid."""
    workers = min(jobs, len(tasks))
    if workers <= 1 or not can_fork() or len(tasks) > MAX_TASKS:
        yield from _serial(tasks, work, progress)
        return
    pool = _Pool(tasks, work, workers - 1)
    try:
        yield from pool.results(progress)
    finally:
        pool.stop()


def _serial(tasks: Sequence[T], work: Callable[[T, Tick], R], progress: Callable[[int], None] | None) -> Iterator[R]:
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done)

    for task in tasks:
        yield work(task, tick)


class _Pool(Generic[T, R]):
    def __init__(self, tasks: Sequence[T], work: Callable[[T, Tick], R], children: int) -> None:
        self.tasks = tasks
        self.work = work
        read, write = os.pipe()
        # every index is written before any fork (all fit: see MAX_TASKS)
        os.write(write, b''.join(i.to_bytes(_INDEX, 'little') for i in range(len(tasks))))
        os.close(write)
        self.task_fd = read
        self.pids: list[int] = []
        self.inbox: queue.SimpleQueue[tuple[bytes, bytes]] = queue.SimpleQueue()
        self.ticks = [0] * children  # per child, written by its reader thread only
        self.own_ticks = 0
        self.running = children
        self.received = 0
        pipes = []
        for _ in range(children):  # every fork before any thread starts here
            result_read, result_write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(result_read)
                self._child(result_write)  # never returns
            os.close(result_write)
            self.pids.append(pid)
            pipes.append(result_read)
        for child, fd in enumerate(pipes):
            threading.Thread(target=self._receive, args=(child, fd), daemon=True).start()

    # -- in a child

    def _child(self, fd: int) -> None:
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us,
            signal.signal(signal.SIGTERM, _exit_now)  # with SIGTERM: unwinding kills our git
            out = open(fd, 'wb')  # noqa: SIM115 - closed by os._exit, which flushes nothing

            def tick(n: int) -> None:
                out.write(b't' + n.to_bytes(8, 'little'))
                out.flush()

            try:
                while (task := self._next_task()) is not None:
                    data = pickle.dumps(self.work(task, tick), protocol=pickle.HIGHEST_PROTOCOL)
                    out.write(b'r' + len(data).to_bytes(8, 'little') + data)
                    out.flush()
                code = 0
            except BaseException as e:  # sent to the parent, which raises it
                out.write(_error_message(e))
                out.flush()
        finally:
            os._exit(code)

    def _next_task(self) -> T | None:
        index = os.read(self.task_fd, _INDEX)
        return self.tasks[int.from_bytes(index, 'little')] if len(index) == _INDEX else None

    # -- in this process

    def _receive(self, child: int, fd: int) -> None:
        """Reader thread: one child's messages into the inbox, then (b'', b'') at its end
        (a message cut short means the child died writing it: its end too)."""
        try:
            with contextlib.suppress(OSError), open(fd, 'rb') as stream:
                while len(header := stream.read(_HEADER)) == _HEADER:
                    kind, size = header[:1], int.from_bytes(header[1:], 'little')
                    if kind == b't':
                        self.ticks[child] += size
                        continue
                    payload = stream.read(size)
                    if len(payload) != size:
                        break
                    self.inbox.put((kind, payload))
        finally:
            self.inbox.put((b'', b''))

    def results(self, progress: Callable[[int], None] | None) -> Iterator[R]:
        def report() -> None:
            if progress is not None:
                progress(self.own_ticks + sum(self.ticks))

        def tick(n: int) -> None:
            self.own_ticks += n
            report()

        own = 0
        while (task := self._next_task()) is not None:
            yield self.work(task, tick)
            own += 1
            while not self.inbox.empty():
                yield from self._take(self.inbox.get())
        while self.running:
            try:
                message = self.inbox.get(timeout=_POLL)
            except queue.Empty:
                report()
                continue
            yield from self._take(message)
        report()
        if own + self.received != len(self.tasks):
            raise GitError(
                'a scan-history worker process died before finishing its share: '
                'run the scan again (what was scanned is kept)'
            )

    def _take(self, message: tuple[bytes, bytes]) -> Iterator[R]:
        kind, payload = message
        if kind == b'r':
            self.received += 1
            yield pickle.loads(payload)  # from our own child, through our own pipe
        elif kind == b'e':
            raise pickle.loads(payload)
        elif kind == b'E':
            raise GitError(payload.decode('utf-8', 'replace'))
        else:
            self.running -= 1

    def stop(self) -> None:
        """Children still running (an interrupt, an error) are stopped; all are reaped.
        SIGTERM first, so a child's `git log` goes with it rather than run on orphaned."""
        running = []
        for pid in self.pids:
            with contextlib.suppress(OSError):
                if os.waitpid(pid, os.WNOHANG) == (0, 0):
                    os.kill(pid, signal.SIGTERM)
                    running.append(pid)
        deadline = time.monotonic() + _GRACE
        while running and time.monotonic() < deadline:
            time.sleep(0.005)
            running = [pid for pid in running if not _reaped(pid)]
        for pid in running:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        self.pids = []
        with contextlib.suppress(OSError):
            os.close(self.task_fd)


def _error_message(error: BaseException) -> bytes:
    """The child's error as raised here: pickled when it can be (a GitError keeps its exit
    code, a bug stays an internal error), else its text as a GitError."""
    try:
        if not isinstance(error, Exception):  # SystemExit (our SIGTERM) must not stop the parent
            raise TypeError(type(error).__name__)
        kind, payload = b'e', pickle.dumps(error, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(payload)
    except Exception:  # any exception can be unpicklable in its own way
        kind, payload = b'E', (str(error) or type(error).__name__).encode('utf-8', 'replace')
    return kind + len(payload).to_bytes(8, 'little') + payload


def _reaped(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG) != (0, 0)
    except ChildProcessError:
        return True


def _exit_now(signum: int, frame: object) -> None:
    raise SystemExit(1)
