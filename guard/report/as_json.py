"""A JSON object: {"version", "findings": [...], "suppressed": [...], "receipt": {...}}.

Paths are git's bytes: one that is not UTF-8 is written with each such byte as `\\xNN` in
`path` (readable, valid UTF-8) and, exactly, percent-encoded in `path_bytes` (present
only then; the same encoding as SARIF's artifact URIs)."""

from __future__ import annotations

import json
import urllib.parse
from typing import IO, Any

from guard.models import Finding, Report, name_text

JSON_VERSION = 1


def finding_dict(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        'path': name_text(finding.path),
        'line': finding.line,
        'column': finding.column,
        'rule_id': finding.rule_id,
        'severity': str(finding.severity),
        'confidence': str(finding.confidence),
        'message': name_text(finding.message),
        'preview': name_text(finding.preview),
        'fingerprint': finding.fingerprint,
    }
    if name_text(finding.path) != finding.path:
        data['path_bytes'] = path_bytes(finding.path)
    if finding.commit is not None:
        data['commit'] = finding.commit._asdict()
    if finding.allowed is not None:
        data['allowed'] = finding.allowed
    return data


def path_bytes(path: str) -> str:
    """The exact bytes of a path, percent-encoded (`caf%E9.txt`); `/` stays."""
    return urllib.parse.quote(path.encode('utf-8', 'surrogateescape'), safe='/')


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
