"""Writing a Report: the chosen format to stdout or --output, the receipt to stderr.

Free of click, like everything the pre-commit path imports (see guard/cli/fastpath.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from guard.cli import say
from guard.models import Report
from guard.report import REPORTERS, write_file
from guard.report.text import receipt_line

FORMAT_NAMES = tuple(sorted(REPORTERS))


def emit(report: Report, fmt: str, output: Path | None, quiet: bool = False) -> int:
    if output is None:
        REPORTERS[fmt](report, sys.stdout)
        sys.stdout.flush()
    else:
        write_file(report, fmt, output)
    if not quiet:
        say(receipt_line(report))
    return report.exit_code
