"""A JSON object: {"version", "findings": [...], "suppressed": [...], "receipt": {...}}."""

from __future__ import annotations

import json
from typing import IO, Any

from guard.models import Finding, Report

JSON_VERSION = 1


def finding_dict(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        'path': finding.path,
        'line': finding.line,
        'column': finding.column,
        'rule_id': finding.rule_id,
        'severity': str(finding.severity),
        'confidence': str(finding.confidence),
        'message': finding.message,
        'preview': finding.preview,
        'fingerprint': finding.fingerprint,
    }
    if finding.commit is not None:
        data['commit'] = finding.commit._asdict()
    if finding.allowed is not None:
        data['allowed'] = finding.allowed
    return data


def report_dict(report: Report) -> dict[str, Any]:
    return {
        'version': JSON_VERSION,
        'findings': [finding_dict(f) for f in report.findings],
        'suppressed': [finding_dict(f) for f in report.suppressed],
        'receipt': report.receipt._asdict(),
    }


def write_json(report: Report, out: IO[str]) -> None:
    json.dump(report_dict(report), out, indent=2, ensure_ascii=False)
    out.write('\n')
