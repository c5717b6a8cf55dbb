"""SARIF 2.1.0 as GitHub code scanning reads it."""

from __future__ import annotations

import json
import urllib.parse
from typing import IO, Any

from guard import __version__
from guard.models import Finding, Report, Severity, name_text

SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'
MAX_RESULTS = 25_000
LEVEL = {
    Severity.CRITICAL: 'error',
    Severity.HIGH: 'error',
    Severity.MEDIUM: 'warning',
    Severity.LOW: 'note',
    Severity.INFO: 'note',
}
SECURITY_SEVERITY = {
    Severity.CRITICAL: '9.5',
    Severity.HIGH: '8.0',
    Severity.MEDIUM: '5.5',
    Severity.LOW: '3.0',
    Severity.INFO: '1.0',
}


def artifact_uri(path: str) -> str:
    """A relative (or file://) URI: the path's bytes percent-encoded, so a name that is not
    UTF-8 (bytes kept as lone surrogates) is written exactly, as RFC 3986 allows."""
    data = path.encode('utf-8', 'surrogateescape')
    if path.startswith('/'):
        return 'file://' + urllib.parse.quote(data)
    return urllib.parse.quote(data.removeprefix(b'./'))


def _rule(finding: Finding) -> dict[str, Any]:
    description = name_text(finding.message)[:1024] or finding.rule_id
    return {
        'id': finding.rule_id,
        'name': finding.rule_id,
        'shortDescription': {'text': description},
        'fullDescription': {'text': description},
        'help': {
            'text': f'{description}. Remove it from the code, rotate it if it was real, '
            'or mark an accepted line with a `guard:allow <reason>` comment.'
        },
        'defaultConfiguration': {'level': LEVEL[finding.severity]},
        'properties': {
            'tags': ['security', 'secrets'] if finding.secret_hash else ['security', 'configuration'],
            'precision': {3: 'very-high', 2: 'high', 1: 'medium'}[int(finding.confidence)],
            'security-severity': SECURITY_SEVERITY[finding.severity],
        },
    }


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    region: dict[str, int] = {'startLine': max(finding.line or 1, 1)}
    if finding.column:
        region['startColumn'] = finding.column
        if finding.end_column and finding.end_column > finding.column:
            region['endColumn'] = finding.end_column
    message = name_text(finding.message) + (f' ({name_text(finding.preview)})' if finding.preview else '')
    if finding.commit is not None:
        message += f' in commit {finding.commit.sha[:12]}'
    return {
        'ruleId': finding.rule_id,
        'ruleIndex': rule_index,
        'level': LEVEL[finding.severity],
        'message': {'text': message},
        'locations': [
            {
                'physicalLocation': {
                    'artifactLocation': {'uri': artifact_uri(finding.path)},
                    'region': region,
                }
            }
        ],
        'partialFingerprints': {'guardFingerprint/v1': finding.fingerprint},
    }


def sarif_dict(report: Report) -> dict[str, Any]:
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results = []
    ordered = sorted(report.findings, key=lambda f: f.severity, reverse=True)[:MAX_RESULTS]
    for finding in ordered:
        if finding.rule_id not in index:
            index[finding.rule_id] = len(rules)
            rules.append(_rule(finding))
        results.append(_result(finding, index[finding.rule_id]))
    return {
        '$schema': SCHEMA,
        'version': '2.1.0',
        'runs': [
            {
                'tool': {
                    'driver': {
                        'name': 'guard',
                        'semanticVersion': __version__,
                        'informationUri': 'https://pypi.org/project/guard/',
                        'rules': rules,
                    }
                },
                'results': results,
            }
        ],
    }


def write_sarif(report: Report, out: IO[str]) -> None:
    json.dump(sarif_dict(report), out, indent=2, ensure_ascii=False)
    out.write('\n')
