"""SARIF 2.1.0 as GitHub code scanning reads it."""

from __future__ import annotations

import json
import urllib.parse
from typing import IO, Any

from guard import __version__
from guard.models import Finding, Report, Severity, name_text

MESSAGE_PATH = '<commit-message>'  # guard.sources.commits.MESSAGE_PATH (that module reads git: not imported here)

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


# what suppresses a finding outside its own line: the baseline and the config's allowlist
_EXTERNAL = ('baseline', 'stopword ', 'allowlisted by regex ')
COMMIT_KIND = 'commit'  # a logicalLocation kind of our own: SARIF's list has none for it


def _rule(finding: Finding, described: dict[str, str]) -> dict[str, Any]:
    # the rule's own description, not the first finding's message (which names a host or a key)
    description = name_text(described.get(finding.rule_id) or finding.message or finding.rule_id)[:1024]
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


def _location(finding: Finding) -> dict[str, Any]:
    """Where it is: a file region; a commit (a logical location) for a commit message, which is
    in no file; a file region annotated with the commit that added it, for commit scans."""
    if finding.commit is not None and finding.path == MESSAGE_PATH:
        sha = finding.commit.sha
        return {
            'logicalLocations': [{'name': sha[:12], 'fullyQualifiedName': sha, 'kind': COMMIT_KIND}],
            'message': {'text': f'message of commit {sha}, line {max(finding.line or 1, 1)}'},
        }
    region: dict[str, int] = {'startLine': max(finding.line or 1, 1)}
    if finding.column:
        region['startColumn'] = finding.column
        if finding.end_column and finding.end_column > finding.column:
            region['endColumn'] = finding.end_column
    location: dict[str, Any] = {
        'physicalLocation': {'artifactLocation': {'uri': artifact_uri(finding.path)}, 'region': region}
    }
    if finding.commit is not None:
        location['annotations'] = [{**region, 'message': {'text': f'added in commit {finding.commit.sha}'}}]
    return location


def _suppression(finding: Finding) -> dict[str, Any]:
    """An allowed finding as SARIF says it: inline (`guard:allow`) or by the baseline or config."""
    reason = finding.allowed or ''
    kind = 'external' if reason.startswith(_EXTERNAL) else 'inSource'
    suppression: dict[str, Any] = {'kind': kind, 'status': 'accepted'}
    if reason:
        suppression['justification'] = reason
    return suppression


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    message = name_text(finding.message) + (f' ({name_text(finding.preview)})' if finding.preview else '')
    if finding.commit is not None:
        message += f' in commit {finding.commit.sha[:12]}'
    result: dict[str, Any] = {
        'ruleId': finding.rule_id,
        'ruleIndex': rule_index,
        'level': LEVEL[finding.severity],
        'message': {'text': message},
        'locations': [_location(finding)],
        'partialFingerprints': {'guardFingerprint/v2': finding.fingerprint},  # v2: sealed digests
    }
    if finding.commit is not None:
        result['properties'] = {'commit': finding.commit.sha}
    if finding.allowed is not None:
        result['suppressions'] = [_suppression(finding)]
    return result


def _descriptions() -> dict[str, str]:
    from guard.detectors import descriptions

    return descriptions()


def sarif_dict(report: Report) -> dict[str, Any]:
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results = []
    described = _descriptions()
    every = [*report.findings, *report.suppressed]  # allowed ones carry `suppressions`
    ordered = sorted(every, key=lambda f: (f.allowed is not None, -f.severity))[:MAX_RESULTS]
    for finding in ordered:
        if finding.rule_id not in index:
            index[finding.rule_id] = len(rules)
            rules.append(_rule(finding, described))
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
                        'informationUri': 'https://pypi.org/project/guard-secrets/',
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
