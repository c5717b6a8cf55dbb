"""`path:line: rule-id message (preview)`, one finding a line, and the receipt.

Each line goes through `printable`: names and messages from the repository cannot forge
lines or send terminal escapes."""

from __future__ import annotations

from typing import IO

from guard.models import Finding, Receipt, Report
from guard.report.printable import printable


def location(finding: Finding) -> str:
    where = finding.path if finding.line is None else f'{finding.path}:{finding.line}'
    if finding.commit is not None:
        where = f'{finding.commit.sha[:12]}:{where}'
    return where


def finding_line(finding: Finding) -> str:
    preview = f' ({finding.preview})' if finding.preview else ''
    return printable(f'{location(finding)}: {finding.rule_id} {finding.message}{preview}')


def write_text(report: Report, out: IO[str]) -> None:
    for finding in report.findings:
        out.write(finding_line(finding) + '\n')


def receipt_line(report: Report) -> str:
    """One line of what was scanned, for stderr."""
    r: Receipt = report.receipt
    parts = [f'guard {r.mode}:']
    if r.commits:
        parts.append(f'{r.commits} commits,')
    parts.append(f'{r.files} files, {_size(r.bytes)}, {r.skipped} skipped,')
    parts.append(f'{r.seconds:.2f} s, {len(report.findings)} findings')
    if report.suppressed:
        parts[-1] += f' ({len(report.suppressed)} allowed)'
    line = ' '.join(parts)
    notes = (f'nothing scanned: {r.empty}', *r.notes) if r.empty else r.notes
    if notes:
        line += ' [' + '; '.join(notes) + ']'
    return printable(line)


def _size(n: int) -> str:
    for unit in ('B', 'KB', 'MB'):
        if n < 1024 or unit == 'MB':
            return f'{n:.0f} {unit}' if unit == 'B' else f'{n:.1f} {unit}'
        n /= 1024  # type: ignore[assignment]
    return f'{n} B'
