"""Entry point: argv → exit code.

`guard scan --staged …`, the pre-commit hook's command line, is parsed without click
(guard/cli/fastpath.py): it runs on every commit, and importing click alone cost a fifth
of the hook's budget. Every other command line goes through click (guard/cli/commands.py).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator, Sequence

from guard.errors import INTERNAL_ERROR, INTERRUPTED, TERMINATED, GuardError, Terminated

ERROR_LIMIT = 600  # characters of an error line: a site that quotes user data cuts its part shorter


@contextlib.contextmanager
def error_handler() -> Iterator[list[int]]:
    """Typed errors → their exit code; interrupts → 130; anything else → 3 with a short note."""
    code = [0]
    try:
        yield code
    except GuardError as e:
        from guard.brief import clip
        from guard.redact import redact_secrets  # its message may quote a value or a config line

        # cut before the scanner runs over it; the end, where the fix is named, is kept
        say(f'guard: {redact_secrets(clip(str(e), ERROR_LIMIT, tail=ERROR_LIMIT // 3))}')
        code[0] = e.exit_code
    except KeyboardInterrupt:
        say('guard: interrupted')
        code[0] = INTERRUPTED
    except Terminated:
        say('guard: terminated')
        code[0] = TERMINATED
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (guard scan | head): not our error
        code[0] = INTERNAL_ERROR
    except Exception as e:
        # the exception's text is not shown: it may be a value from user code or user data
        # (a validator raising KeyError(value) printed a whole token); its type and where is
        say(f'guard: internal error: {crash_note(e)} (please report it with the command you ran)')
        code[0] = INTERNAL_ERROR


def crash_note(error: BaseException) -> str:
    """`KeyError at guard/x.py:12 (fn)`, and guard's own innermost frame when the error was
    raised outside guard (user code, a library): a location, never the exception's text."""
    import os
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return type(error).__name__
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def where(frame: traceback.FrameSummary) -> str:
        name = frame.filename
        if name.startswith(package + os.sep):
            name = os.path.relpath(name, os.path.dirname(package))
        return f'{name}:{frame.lineno} ({frame.name})'

    note = f'{type(error).__name__} at {where(frames[-1])}'
    ours = [f for f in frames if f.filename.startswith(package + os.sep)]
    if ours and ours[-1] is not frames[-1]:
        note += f', from {where(ours[-1])}'
    return note


def say(line: str) -> None:
    """One line on stderr (what click.echo(err=True) does for plain text, without importing click)."""
    stream = sys.stderr
    if stream is None:  # pythonw, or stderr closed by a reader that went away
        return
    from guard.report.printable import printable

    stream.write(printable(line) + '\n')
    stream.flush()


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _child_default() -> None:
    # A forked child (a pool worker, a Dask worker) is stopped by its parent with SIGTERM and
    # must just end, as it did before: raising Terminated inside it would unwind code that
    # does not expect it (Dask's worker loop hangs). Children that want more set their own.
    if signal.getsignal(signal.SIGTERM) is _terminate:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


_at_fork: list[bool] = []


@contextlib.contextmanager
def sigterm_unwinds() -> Iterator[None]:
    """SIGTERM raises Terminated here (Python's default would kill this process alone and
    leave forked workers writing tracebacks into a closed pipe); restored afterwards."""
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    if not _at_fork and hasattr(os, 'register_at_fork'):
        os.register_at_fork(after_in_child=_child_default)
        _at_fork.append(True)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    from guard.cli.fastpath import parse_staged_scan

    with error_handler() as code, sigterm_unwinds():
        args = parse_staged_scan(sys.argv[1:] if argv is None else list(argv))
        if args is not None:
            from guard.cli.scanning import run_scan

            code[0] = run_scan(args)
        else:
            from guard.cli.commands import run_click

            code[0] = run_click(argv)
    return code[0]
