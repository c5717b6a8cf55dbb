"""A pull request cannot switch guard off for itself: `guard ci` judges it by the base commit's
.guard.yaml, extra rules and baseline, and reports what the pull request loosens."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from guard.cli import main
from tests.conftest import commit_all, git, write
from tests.secrets import github_token
from tests.test_action import run_scan_step

LOOSE = 'allow:\n  paths: ["**"]\nrules:\n  disable: [github-pat]\n'


def pull_request(tmp_path: Path, base_files: dict[str, str], head_files: dict[str, str]) -> tuple[Path, dict[str, Any]]:
    """A clone checked out at a pull request's head, and the event GitHub sends for it."""
    origin = tmp_path / 'origin.git'
    git('init', '-q', '--bare', '-b', 'main', str(origin))
    seed = tmp_path / 'seed'
    git('clone', '-q', str(origin), str(seed))
    for name, text in {'app.py': 'print("hello")\n', **base_files}.items():
        write(seed / name, text)
    base = commit_all(seed, 'base')
    git('push', '-q', 'origin', 'main', cwd=seed)
    git('checkout', '-q', '-b', 'feature', cwd=seed)
    for name, text in head_files.items():
        write(seed / name, text)
    head = commit_all(seed, 'loosen and leak')
    git('push', '-q', 'origin', 'feature', cwd=seed)
    work = tmp_path / 'work'
    git('clone', '-q', str(origin), str(work))
    git('checkout', '-q', head, cwd=work)
    payload = {
        'action': 'opened',
        'number': 9,
        'pull_request': {'number': 9, 'base': {'ref': 'main', 'sha': base}, 'head': {'ref': 'feature', 'sha': head}},
    }
    return work, payload


def test_a_pull_request_that_loosens_the_config_still_reports_its_token(tmp_path: Path) -> None:
    token = github_token()
    work, payload = pull_request(
        tmp_path,
        {'.guard.yaml': 'rules:\n  min_severity: low\n'},
        {'.guard.yaml': LOOSE, 'deploy.sh': f'export TOKEN={token}\n'},
    )
    result = run_scan_step(work, tmp_path, 'pull_request', payload, format='json')
    assert result.code == 1, result.stderr
    report = json.loads(result.stdout)
    assert sorted(f['rule_id'] for f in report['findings']) == ['config-changed', 'github-pat']
    changed = next(f for f in report['findings'] if f['rule_id'] == 'config-changed')
    assert changed['path'] == '.guard.yaml'
    assert "allows paths '**'" in changed['message'] and 'disables rules github-pat' in changed['message']
    assert 'settings from the base commit' in result.stderr
    assert '`config-changed`' in result.summary and '`github-pat`' in result.summary
    assert token not in result.stdout + result.stderr


def test_a_pull_request_that_adds_its_token_to_the_baseline_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = github_token()
    work, payload = pull_request(tmp_path, {}, {'deploy.sh': f'export TOKEN={token}\n'})
    monkeypatch.chdir(work)
    assert main(['baseline', 'create']) == 0  # the head accepts its own token
    commit_all(work, 'baseline')
    payload['pull_request']['head']['sha'] = git('rev-parse', 'HEAD', cwd=work).strip()
    capsys.readouterr()
    result = run_scan_step(work, tmp_path, 'pull_request', payload, format='json')
    assert result.code == 1, result.stderr
    findings = json.loads(result.stdout)['findings']
    assert sorted(f['rule_id'] for f in findings) == ['config-changed', 'github-pat']
    changed = next(f for f in findings if f['rule_id'] == 'config-changed')
    assert changed['path'] == '.guard-baseline.json' and 'adds 1 baseline entries' in changed['message']


def test_an_unchanged_config_applies_and_reports_nothing_extra(tmp_path: Path) -> None:
    token = github_token()
    rules = 'allow:\n  paths: [deploy.sh]\n'  # the base's own, reviewed choice
    work, payload = pull_request(tmp_path, {'.guard.yaml': rules}, {'deploy.sh': f'export TOKEN={token}\n'})
    result = run_scan_step(work, tmp_path, 'pull_request', payload, format='json')
    assert result.code == 0, result.stderr + result.stdout
    assert json.loads(result.stdout)['findings'] == []


def test_scan_range_config_from_reads_the_base_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = github_token()
    work, payload = pull_request(tmp_path, {}, {'.guard.yaml': LOOSE, 'deploy.sh': f'export TOKEN={token}\n'})
    monkeypatch.chdir(work)
    base, head = payload['pull_request']['base']['sha'], payload['pull_request']['head']['sha']
    assert main(['scan', '--range', f'{base}..{head}']) == 0  # the range's own config lets it through
    capsys.readouterr()
    assert main(['scan', '--range', f'{base}..{head}', '--config-from', base, '--format', 'json', '-q']) == 1
    findings = json.loads(capsys.readouterr().out)['findings']
    assert sorted(f['rule_id'] for f in findings) == ['config-changed', 'github-pat'], [f['message'] for f in findings]
