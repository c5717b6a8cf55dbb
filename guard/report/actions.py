"""GitHub Actions' other outputs of `guard ci`: the job summary (Markdown, previews only)
and the step outputs ($GITHUB_OUTPUT), appended to the files the runner names."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from guard.errors import InputError
from guard.models import Finding, Report, Severity
from guard.report.printable import printable

SUMMARY_ROWS = 100


def blocking(report: Report, fail_on: Severity) -> list[Finding]:
    return [f for f in report.findings if f.severity >= fail_on]


def summary_markdown(report: Report, scanned: str, fail_on: Severity) -> str:
    """The job summary: what was scanned (`scanned`: the plan's note) and a table of findings."""
    blocked = blocking(report, fail_on)
    status = (
        f'{len(blocked)} finding(s) at or above {fail_on}'
        if blocked
        else 'no findings'
        if not report.findings
        else f'{len(report.findings)} finding(s) below {fail_on}'
    )
    r = report.receipt
    lines = [
        f'## guard: {status}',
        '',
        f'Scanned {_cell(scanned)}: {r.commits} commits, {r.files} files, {r.bytes} bytes in {r.seconds:.1f} s.',
    ]
    if report.suppressed:
        lines.append(f'{len(report.suppressed)} allowed (inline, allowlist or baseline).')
    if r.notes:
        lines.append('Notes: ' + _cell('; '.join(r.notes)))
    if report.findings:
        lines += ['', '| Severity | Rule | Location | Preview | Commit |', '|---|---|---|---|---|']
        ordered = sorted(report.findings, key=lambda f: (-f.severity, f.path, f.line or 0))
        for f in ordered[:SUMMARY_ROWS]:
            where = f'{f.path}:{f.line}' if f.line else f.path
            commit = f.commit.sha[:12] if f.commit else ''
            lines.append(
                f'| {f.severity} | `{_cell(f.rule_id)}` | `{_cell(where)}` | `{_cell(f.preview)}` | {commit} |'
            )
        if len(ordered) > SUMMARY_ROWS:
            lines.append(f'\n{len(ordered) - SUMMARY_ROWS} more: see the SARIF upload or the step log.')
    return '\n'.join(lines) + '\n'


def _cell(text: str) -> str:
    # names that are not UTF-8, control characters; and nothing that ends a cell or a code span
    return printable(text).replace('|', '\\|').replace('`', "'")


def outputs_text(values: Mapping[str, str]) -> str:
    """$GITHUB_OUTPUT lines; a value with a newline uses a random delimiter."""
    out = []
    for name, value in values.items():
        if '\n' in value:
            delimiter = f'guard_{secrets.token_hex(8)}'
            out.append(f'{name}<<{delimiter}\n{value}\n{delimiter}\n')
        else:
            out.append(f'{name}={value}\n')
    return ''.join(out)


def append_file(path: str, text: str) -> None:
    try:
        with open(path, 'a', encoding='utf-8', newline='\n') as fh:
            fh.write(text)
    except OSError as e:
        raise InputError(f'cannot write {path}: {e.strerror}') from None
