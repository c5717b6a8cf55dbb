"""SARIF from real scans: valid against the official schema, with the fields GitHub code scanning
reads; commit messages as logical locations, rule descriptions from the rules, allowed findings
as suppressions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from tests.conftest import commit_all, run_guard, write
from tests.secrets import github_token, random_body

SCHEMA = json.loads((Path(__file__).parent / 'data' / 'sarif-schema-2.1.0.json').read_bytes())


def sarif(*args: str) -> dict[str, Any]:
    result = run_guard('scan', '--format', 'sarif', *args)
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(result.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(data)
    assert_github_fields(data)
    return data


def assert_github_fields(data: dict[str, Any]) -> None:
    """What GitHub's SARIF support requires beyond the schema (REFERENCE.md §4), and no empty string."""
    run = data['runs'][0]
    rules = run['tool']['driver']['rules']
    assert run['tool']['driver']['name'] == 'guard'
    for rule in rules:
        assert rule['id'] and len(rule['name']) <= 255
        for key in ('shortDescription', 'fullDescription', 'help'):
            assert 0 < len(rule[key]['text']) <= 1024 or key == 'help'
        assert rule['defaultConfiguration']['level'] in ('note', 'warning', 'error')
        assert 'security' in rule['properties']['tags'] and len(rule['properties']['tags']) <= 10
        assert isinstance(rule['properties']['security-severity'], str)
        assert 0.1 <= float(rule['properties']['security-severity']) <= 10.0
    for result in run['results']:
        assert rules[result['ruleIndex']]['id'] == result['ruleId']
        assert result['level'] in ('note', 'warning', 'error') and result['message']['text']
        assert 1 <= len(result['locations']) <= 10 and result['partialFingerprints']
    assert '""' not in json.dumps(data)


def test_commit_message_is_a_logical_location_and_commits_annotate_ranges(repo: Path) -> None:
    write(repo / 'a.txt', 'a\n')
    base = commit_all(repo)
    write(repo / 'conf.py', f'T = "{github_token()}"\n')
    sha = commit_all(repo, f'add conf\n\nthe old one was {github_token()}')
    results = sarif('--range', f'{base}..HEAD')['runs'][0]['results']
    by_kind = {'physicalLocation' in r['locations'][0]: r for r in results}
    message, file = by_kind[False], by_kind[True]
    assert 'commit-message' not in json.dumps(message['locations'])
    (logical,) = message['locations'][0]['logicalLocations']
    assert logical['fullyQualifiedName'] == sha and logical['kind'] == 'commit'
    location = file['locations'][0]
    assert location['physicalLocation']['artifactLocation']['uri'] == 'conf.py'
    assert location['annotations'][0]['message']['text'] == f'added in commit {sha}'
    assert location['annotations'][0]['startLine'] == 1
    assert file['properties']['commit'] == sha == message['properties']['commit']


def test_rule_description_is_the_rules_not_the_first_findings_message(repo: Path) -> None:
    write(repo / 'db.py', f'URL = "postgres://svc:{random_body(22)}@pg.lumen.io/app"\n')
    data = sarif()
    (rule,) = data['runs'][0]['tool']['driver']['rules']
    assert rule['id'] == 'connection-string'
    assert 'pg.lumen.io' not in json.dumps(rule)
    assert rule['shortDescription']['text'].startswith('Connection string or URI with a password')
    assert 'pg.lumen.io' in data['runs'][0]['results'][0]['message']['text']  # the result still says where


def test_allowed_and_baselined_findings_are_emitted_as_suppressions(repo: Path) -> None:
    write(repo / 'old.py', f'OLD = "{github_token()}"\n')
    assert run_guard('baseline', 'create').returncode == 0
    write(repo / 'inline.py', f'T = "{github_token()}"  # guard:allow fixture, revoked\n')
    write(repo / 'new.py', f'NEW = "{github_token()}"\n')
    results = sarif()['runs'][0]['results']
    by_path = {r['locations'][0]['physicalLocation']['artifactLocation']['uri']: r for r in results}
    assert set(by_path) == {'old.py', 'inline.py', 'new.py'}
    assert 'suppressions' not in by_path['new.py']
    assert by_path['inline.py']['suppressions'] == [
        {'kind': 'inSource', 'status': 'accepted', 'justification': 'fixture, revoked'}
    ]
    assert by_path['old.py']['suppressions'] == [
        {'kind': 'external', 'status': 'accepted', 'justification': 'baseline'}
    ]
