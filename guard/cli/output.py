"""Writing a Report: the chosen format to stdout or --output, the receipt to stderr.

Free of click, like everything the pre-commit path imports (see guard/cli/fastpath.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from guard.cli import say
from guard.errors import InputError
from guard.models import Report
from guard.report import REPORTERS
from guard.report.text import receipt_line

FORMAT_NAMES = tuple(sorted(REPORTERS))


def emit(report: Report, fmt: str, output: Path | None, quiet: bool = False) -> int:
    writer = REPORTERS[fmt]
    if output is None:
        writer(report, sys.stdout)
        sys.stdout.flush()
    else:
        from guard import atomic

        try:
            with atomic.replacing(output, errors='replace') as fh:  # whole or not at all
                writer(report, fh)
        except OSError as e:
            raise InputError(f'cannot write {output}: {e.strerror}') from None
    if not quiet:
        say(receipt_line(report))
    return report.exit_code
