"""scan-history's workers: chunks shared between this process and forked children,
progress on a terminal, errors and interrupts."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from guard import pool
from guard.errors import GitError
from tests.conftest import GUARD
from tests.test_history import fast_import, history

Tick = Callable[[int], None]


def test_every_task_once_from_more_than_one_process() -> None:
    done: list[int] = []

    def work(task: int, tick: Tick) -> tuple[int, int]:
        time.sleep(0.01)  # long enough for the child to take some tasks too
        tick(1)
        return task, os.getpid()

    results = list(pool.run(list(range(40)), work, 3, done.append))
    assert sorted(task for task, _ in results) == list(range(40))
    assert len({pid for _, pid in results}) > 1 and os.getpid() in {pid for _, pid in results}
    assert done[-1] == 40


def test_one_job_runs_here() -> None:
    results = list(pool.run([1, 2, 3], lambda task, tick: (task, os.getpid()), 1))
    assert results == [(1, os.getpid()), (2, os.getpid()), (3, os.getpid())]


def test_an_error_in_a_child_is_raised_here_and_children_are_reaped() -> None:
    parent = os.getpid()

    def work(task: int, tick: Tick) -> int:
        if os.getpid() != parent:
            raise GitError(f'git log failed on task {task}')
        time.sleep(0.05)  # leaves tasks for the child
        return task

    with pytest.raises(GitError, match='git log failed on task'):
        list(pool.run(list(range(10)), work, 2))
    with pytest.raises(ChildProcessError):  # nothing left to reap
        os.waitpid(-1, os.WNOHANG)


def test_a_bug_in_a_child_stays_what_it_is() -> None:
    """Not every error is git's: the child's exception is raised here as it was."""
    parent = os.getpid()

    def work(task: int, tick: Tick) -> int:
        if os.getpid() != parent:
            raise KeyError(f'task {task}')
        time.sleep(0.05)
        return task

    with pytest.raises(KeyError, match='task'):
        list(pool.run(list(range(10)), work, 2))


def test_a_child_that_dies_is_reported() -> None:
    parent = os.getpid()

    def work(task: int, tick: Tick) -> int:
        if os.getpid() != parent:
            os._exit(9)
        time.sleep(0.05)
        return task

    with pytest.raises(GitError, match='worker process died'):
        list(pool.run(list(range(10)), work, 2))


def test_stopping_lets_a_child_stop_its_own_subprocess(tmp_path: Path) -> None:
    """An error here stops the children with SIGTERM: a child unwinds (its `git log` is
    killed on the way out) instead of leaving it to run on orphaned."""
    parent = os.getpid()
    started = tmp_path / 'pid'

    def work(task: int, tick: Tick) -> int:
        if os.getpid() == parent:
            while not started.exists():
                time.sleep(0.01)
            raise GitError('stop')
        with subprocess.Popen(['sleep', '60']) as sleeper:
            try:
                started.write_text(str(sleeper.pid))
                sleeper.wait()
            finally:
                sleeper.kill()
        return task

    with pytest.raises(GitError, match='stop'):
        list(pool.run([1, 2], work, 2))
    assert not _alive(int(started.read_text()))


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for init to reap it is not)."""
    try:
        return 'State:\tZ' not in Path(f'/proc/{pid}/status').read_text()
    except FileNotFoundError:
        return False


def test_progress_bar_on_a_terminal(repo: Path) -> None:
    fast_import(repo, 300)
    leader, follower = os.openpty()
    proc = subprocess.run(
        [*GUARD.split(), 'scan-history', '--jobs', '2'], cwd=repo, stdout=subprocess.PIPE, stderr=follower, check=False
    )
    os.close(follower)
    shown = b''
    while select.select([leader], [], [], 0.5)[0]:
        try:
            shown += os.read(leader, 65536)
        except OSError:
            break
    os.close(leader)
    assert proc.returncode == 0
    assert b'guard scan-history: 300/300 commits' in shown and b'/s, ETA' in shown
    assert b'300 commits scanned' in shown


def test_interrupt_stops_every_process_and_the_store_keeps_what_was_done(repo: Path) -> None:
    fast_import(repo, 3000, secret_every=100)
    proc = subprocess.Popen(
        [*GUARD.split(), 'scan-history', '--jobs', '2', '--format', 'json'],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(1.0)  # the run may be over by then on a fast machine: both outcomes are checked
    os.killpg(proc.pid, signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert b'Traceback' not in err
    # 130: interrupted in the scan; 2: git, interrupted too, was seen failing first; -SIGINT: the
    # signal came while the interpreter started or shut down, where Python dies of it silently
    assert proc.returncode in (0, 1, 2, 130, -signal.SIGINT)
    assert _session_ends(proc.pid), 'a worker or a git outlived the run'
    _, resumed, stderr = history()
    assert 'commits scanned' in stderr and len(resumed['groups']) == 30
    full = json.loads(
        subprocess.run(
            [*GUARD.split(), 'scan-history', '--no-cache', '--format', 'json'],
            cwd=repo,
            capture_output=True,
            check=False,
        ).stdout
    )
    assert resumed['groups'] == full['groups']


def _session_ends(group: int) -> bool:
    """Whether every process of the group is gone within a few seconds (orphans left
    by the run, reparented to init, are reaped by it, not at once)."""
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False
