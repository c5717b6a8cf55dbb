"""Every output format: its shape, SARIF against the official schema, and no whole secret anywhere."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jsonschema
import pytest

from guard.report import REPORTERS
from tests.conftest import run_guard, write
from tests.secrets import github_token

SCHEMA = Path(__file__).parent / 'data' / 'sarif-schema-2.1.0.json'
SCHEMA_SHA256 = 'c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e'


@pytest.fixture
def planted(repo: Path) -> list[str]:
    tokens = [github_token(), github_token('gho'), github_token('ghs')]
    write(repo / 'a.py', f'A = "{tokens[0]}"\n')
    write(repo / 'dir, with: commas' / 'b.yaml', f'b: {tokens[1]}\nc: {tokens[2]}  # guard:allow known\n')
    return tokens


@pytest.mark.parametrize('fmt', sorted(REPORTERS))
def test_no_format_prints_a_whole_secret(planted: list[str], fmt: str, repo: Path) -> None:
    result = run_guard('scan', '--format', fmt, '--output', 'report.out')
    written = (repo / 'report.out').read_text(encoding='utf-8')
    everything = result.stdout + result.stderr + written
    assert result.returncode == 1
    for token in planted:
        assert token not in everything
        assert token[4:] not in everything


def test_sarif_validates_against_the_official_schema(planted: list[str]) -> None:
    schema_bytes = SCHEMA.read_bytes()
    assert hashlib.sha256(schema_bytes).hexdigest() == SCHEMA_SHA256
    sarif = json.loads(run_guard('scan', '--format', 'sarif').stdout)
    jsonschema.Draft4Validator(json.loads(schema_bytes)).validate(sarif)
    results = sarif['runs'][0]['results']
    assert {r['locations'][0]['physicalLocation']['artifactLocation']['uri'] for r in results} == {
        'a.py',
        'dir%2C%20with%3A%20commas/b.yaml',
    }
    rule = sarif['runs'][0]['tool']['driver']['rules'][0]
    assert rule['properties']['security-severity'] == '9.5'
    assert all(r['partialFingerprints'] for r in results)


def test_sarif_rejects_what_the_schema_forbids() -> None:
    """The validator is live: a startLine of 0 fails."""
    schema = json.loads(SCHEMA.read_bytes())
    bad = {
        'version': '2.1.0',
        'runs': [
            {
                'tool': {'driver': {'name': 'guard'}},
                'results': [
                    {
                        'message': {'text': 'x'},
                        'locations': [
                            {'physicalLocation': {'artifactLocation': {'uri': 'a'}, 'region': {'startLine': 0}}}
                        ],
                    }
                ],
            }
        ],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(bad)


def test_json_shape(planted: list[str]) -> None:
    report = json.loads(run_guard('scan', '--format', 'json').stdout)
    assert report['version'] == 1
    finding = report['findings'][0]
    assert set(finding) >= {'path', 'line', 'rule_id', 'severity', 'message', 'preview', 'fingerprint'}
    assert finding['preview'] == 'ghp_…(40)'
    assert finding['fingerprint'].startswith('github-pat:a.py:')
    assert report['receipt']['files'] == 2


def test_github_annotations_escape_properties(planted: list[str]) -> None:
    lines = run_guard('scan', '--format', 'github').stdout.splitlines()
    assert (
        '::error file=a.py,line=1,col=6,title=guard%3A github-pat::'
        'GitHub personal access token (classic) (ghp_…(40))' in lines
    )
    assert any(line.startswith('::error file=dir%2C with%3A commas/b.yaml,line=1,') for line in lines)


def test_github_caps_annotations(repo: Path) -> None:
    write(repo / 'many.txt', ''.join(f'{github_token()}\n' for _ in range(14)))
    lines = run_guard('scan', '--format', 'github').stdout.splitlines()
    assert sum(line.startswith('::error ') for line in lines) == 10
    assert '4 more findings are not annotated' in lines[-1]
