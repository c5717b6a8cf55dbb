"""GitHub Actions workflow commands: one annotation per finding, within GitHub's caps."""

from __future__ import annotations

from typing import IO

from guard.models import Finding, Report, Severity
from guard.report.printable import printable

COMMAND = {
    Severity.CRITICAL: 'error',
    Severity.HIGH: 'error',
    Severity.MEDIUM: 'warning',
    Severity.LOW: 'notice',
    Severity.INFO: 'notice',
}
PER_LEVEL_CAP = 10  # GitHub shows at most 10 annotations of each level per step


def escape_data(text: str) -> str:
    """A workflow command's data: GitHub's own escapes, then no other control character
    (the log renders ANSI escapes, so a file name could colour or hide lines)."""
    return printable(text.replace('%', '%25').replace('\r', '%0D').replace('\n', '%0A'))


def escape_property(text: str) -> str:
    return escape_data(text).replace(':', '%3A').replace(',', '%2C')


def annotation(finding: Finding) -> str:
    props = [f'file={escape_property(finding.path)}']
    if finding.line:
        props.append(f'line={finding.line}')
        if finding.column:
            props.append(f'col={finding.column}')
    props.append(f'title={escape_property(f"guard: {finding.rule_id}")}')
    message = finding.message + (f' ({finding.preview})' if finding.preview else '')
    return f'::{COMMAND[finding.severity]} {",".join(props)}::{escape_data(message)}'


def write_github(report: Report, out: IO[str]) -> None:
    shown: dict[str, int] = {}
    hidden = 0
    for finding in sorted(report.findings, key=lambda f: f.severity, reverse=True):
        level = COMMAND[finding.severity]
        if shown.get(level, 0) >= PER_LEVEL_CAP:
            hidden += 1
            continue
        shown[level] = shown.get(level, 0) + 1
        out.write(annotation(finding) + '\n')
    if hidden:
        out.write(
            f'::warning title=guard::{hidden} more findings are not annotated '
            f'(GitHub caps annotations per step); see the SARIF upload or the job summary\n'
        )
