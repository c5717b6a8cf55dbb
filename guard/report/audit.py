"""`guard audit`'s merged report: every repository's scan-history report, one document.

JSON: {"repositories": {"<repo>": {"groups": [...], "receipt": {...}, ...}},
       "failures": {"<repo>": "<reason>"}, "receipt": {...}}. Each repository's entry is
exactly what `guard scan-history --format json` writes in it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from guard.models import Report
from guard.report.history import history_dict, write_groups
from guard.report.sarif import write_sarif as write_report_sarif
from guard.report.text import receipt_line

if TYPE_CHECKING:
    from guard.audit.engine import OrgAudit


def audit_dict(audit: OrgAudit) -> dict[str, Any]:
    return {
        'repositories': {r.name: history_dict(r.report, r.groups) for r in audit.results},
        'failures': {f.name: f.reason for f in audit.failures},
        'receipt': audit.receipt._asdict(),
    }


def write_json(audit: OrgAudit, out: IO[str]) -> None:
    json.dump(audit_dict(audit), out, indent=2, ensure_ascii=False)
    out.write('\n')


def write_text(audit: OrgAudit, out: IO[str]) -> None:
    """A section per repository: its groups as scan-history prints them, then its receipt."""
    for result in audit.results:
        out.write(f'== {result.name}\n')
        write_groups(result.groups, out)
        out.write(receipt_line(result.report) + '\n\n')
    for failure in audit.failures:
        out.write(f'== {failure.name}\ncould not scan: {failure.reason}\n\n')


def write_sarif(audit: OrgAudit, out: IO[str]) -> None:
    """One SARIF log, one run per repository (automationDetails.id names it)."""
    runs = []
    for result in audit.results:
        buffer = io.StringIO()
        write_report_sarif(result.report, buffer)
        run = json.loads(buffer.getvalue())['runs'][0]
        run['automationDetails'] = {'id': f'guard-audit/{result.name}/'}
        run.setdefault('properties', {})['repository'] = result.name
        runs.append(run)
    buffer = io.StringIO()
    write_report_sarif(Report(findings=(), receipt=audit.receipt), buffer)
    log = json.loads(buffer.getvalue())
    log['runs'] = runs
    json.dump(log, out, indent=2, ensure_ascii=False)
    out.write('\n')


def write_html(audit: OrgAudit, out: IO[str]) -> None:
    from guard.report.html import write_org_html

    write_org_html(audit, out)


AUDIT_REPORTERS: dict[str, Callable[[OrgAudit, IO[str]], None]] = {
    'text': write_text,
    'json': write_json,
    'sarif': write_sarif,
    'html': write_html,
}
