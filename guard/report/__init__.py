"""One writer per output format, chosen by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO

from guard.models import Report
from guard.report.as_json import write_json
from guard.report.github import write_github
from guard.report.sarif import write_sarif
from guard.report.text import write_text

Writer = Callable[[Report, IO[str]], None]


def write_html(report: Report, out: IO[str]) -> None:
    # imported when asked for: the HTML writer and its assets stay off the pre-commit path
    from guard.report.html import write_html as write

    write(report, out)


REPORTERS: dict[str, Writer] = {
    'text': write_text,
    'json': write_json,
    'sarif': write_sarif,
    'github': write_github,
    'html': write_html,
}


def write_file(report: Report, fmt: str, path: Path) -> None:
    """The report in `fmt` as the file `path`, whole or not at all (a run killed mid-write
    leaves the old file, never half a report)."""
    from guard import atomic
    from guard.errors import InputError

    try:
        with atomic.replacing(path, errors='replace') as fh:
            REPORTERS[fmt](report, fh)
    except OSError as e:
        raise InputError(f'cannot write {path}: {e.strerror}') from None
