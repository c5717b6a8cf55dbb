"""Nothing guard writes lets a wordlist recover a secret: no plain digest of a secret, of its
line or of the whole URL anywhere (every report format, the baseline, the history store in
.git/guard/, the caches), and a baseline written before keeps working."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from guard.cli import main
from tests.conftest import commit_all, git, write
from tests.secrets import github_token

ALGORITHMS = ('md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'blake2b', 'blake2s', 'sha3_256', 'sha3_512')
HEX = re.compile(r'[0-9a-fA-F]{10,}')


class Planted:
    """A weak password in a Neon URL, a weak password in an assignment, a strong token."""

    def __init__(self) -> None:
        self.url_password = 'Win' + 'ter2024!'
        self.url = f'postgresql://app:{self.url_password}@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb'
        self.password = 'Aut' + 'umn1999#'
        self.token = github_token()
        self.lines = [
            f'DATABASE_URL = "{self.url}"',
            f'SMTP_PASSWORD = "{self.password}"',
            f'GITHUB_TOKEN = "{self.token}"',
        ]

    @property
    def text(self) -> str:
        return '\n'.join(self.lines) + '\n'

    def values(self) -> list[str]:
        values = [self.url_password, self.password, self.token, self.url]
        for line in self.lines:
            values += [line, line + '\n', line.strip()]
        return values


def digests(values: list[str]) -> dict[str, str]:
    """Every plain digest (hex) of every value → what it is a digest of."""
    out = {}
    for value in values:
        data = value.encode()
        for name in ALGORITHMS:
            out[hashlib.new(name, data).hexdigest()] = f'{name}({value[:4]}…)'
    return out


def hex_strings(text: str) -> Iterator[str]:
    yield from (m.group().lower() for m in HEX.finditer(text))


def files_text(root: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(p for p in root.rglob('*') if p.is_file()):
        yield str(path), path.read_bytes().decode('latin-1')


def leaks(texts: dict[str, str], planted: Planted) -> list[str]:
    plain = digests(planted.values())
    found = []
    for where, text in texts.items():
        for value in (planted.url_password, planted.password, planted.token):
            if value in text:
                found.append(f'{where}: the whole secret {value[:3]}…')
        for hexed in set(hex_strings(text)):
            for digest, what in plain.items():
                if digest.startswith(hexed):
                    found.append(f'{where}: {hexed} is a prefix of {what}')
    return found


@pytest.fixture
def planted(repo: Path) -> Planted:
    p = Planted()
    write(repo / 'settings.py', p.text)
    commit_all(repo, 'settings')
    return p


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out + err


def test_nothing_written_is_a_plain_digest_of_a_secret(
    repo: Path, planted: Planted, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts: dict[str, str] = {}
    for fmt in ('text', 'json', 'sarif', 'github', 'html'):
        code, shown = run(capsys, 'scan', '--format', fmt)
        assert code == 1, shown
        texts[f'scan --format {fmt}'] = shown
    report = json.loads(run(capsys, 'scan', '--format', 'json')[1].split('\nguard scan:')[0])
    assert {f['rule_id'] for f in report['findings']} == {
        'connection-string',
        'generic-secret-assignment',
        'github-pat',
    }
    for fmt in ('text', 'json', 'sarif', 'html'):
        texts[f'scan-history --format {fmt}'] = run(capsys, 'scan-history', '--format', fmt)[1]
    runner = tmp_path / 'runner'
    runner.mkdir()
    (runner / 'event.json').write_text('{}', encoding='utf-8')
    monkeypatch.setenv('GITHUB_EVENT_NAME', 'workflow_dispatch')
    monkeypatch.setenv('GITHUB_EVENT_PATH', str(runner / 'event.json'))
    monkeypatch.setenv('GITHUB_STEP_SUMMARY', str(runner / 'summary.md'))
    monkeypatch.setenv('GITHUB_OUTPUT', str(runner / 'output.txt'))
    texts['guard ci'] = run(capsys, 'ci', '--mode', 'full', '--sarif', str(runner / 'ci.sarif'))[1]
    assert (runner / 'summary.md').read_text().count('| `') >= 3  # the summary lists the findings
    assert run(capsys, 'baseline', 'create')[0] == 0
    texts['scan with the baseline'] = run(capsys, 'scan', '--baseline', '.guard-baseline.json', '--format', 'json')[1]
    texts.update(files_text(runner))
    texts.update(files_text(repo / '.git' / 'guard'))
    texts[str(repo / '.guard-baseline.json')] = (repo / '.guard-baseline.json').read_text()
    texts.update(files_text(tmp_path / 'home'))  # the caches: rules, own secrets
    assert any('history' in where for where in texts)
    assert leaks(texts, planted) == []


def test_weak_secrets_preview_no_characters(repo: Path, planted: Planted, capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads(run(capsys, 'scan', '--format', 'json', '-q')[1])
    previews = {f['rule_id']: f['preview'] for f in report['findings']}
    assert previews == {
        'connection-string': '…(11)',
        'generic-secret-assignment': '…(11)',
        'github-pat': 'ghp_…(40)',
    }


V1_BASELINE_PREFIX = 16


def test_a_version_1_baseline_still_suppresses_and_update_migrates_it_once(
    repo: Path, planted: Planted, capsys: pytest.CaptureFixture[str]
) -> None:
    def v1_hash(secret: str) -> str:  # what guard wrote before version 2
        return hashlib.sha256(secret.encode()).hexdigest()[:V1_BASELINE_PREFIX]

    entries = [
        {'path': 'settings.py', 'rule': 'connection-string', 'hash': v1_hash(planted.url_password)},
        {'path': 'settings.py', 'rule': 'github-pat', 'hash': v1_hash(planted.token), 'confirmed': True},
    ]
    (repo / '.guard-baseline.json').write_text(json.dumps({'version': 1, 'entries': entries}), encoding='utf-8')
    code, shown = run(capsys, 'scan', '--baseline', '.guard-baseline.json', '--format', 'json')
    assert code == 1
    report = json.loads(shown.split('\nguard scan:')[0])
    assert [f['rule_id'] for f in report['findings']] == ['generic-secret-assignment']
    assert sorted(f['rule_id'] for f in report['suppressed']) == ['connection-string', 'github-pat']
    assert 'version 1' in shown and 'guard baseline update' in shown  # never silently old
    code, shown = run(capsys, 'baseline', 'update')
    assert code == 0, shown
    data = json.loads((repo / '.guard-baseline.json').read_text())
    assert data['version'] == 2 and re.fullmatch('[0-9a-f]{32}', data['salt_hex'])
    assert [e['rule'] for e in data['entries']] == ['connection-string', 'generic-secret-assignment', 'github-pat']
    assert [e.get('confirmed', False) for e in data['entries']] == [False, False, True]
    code, shown = run(capsys, 'scan', '--baseline', '.guard-baseline.json')
    assert code == 0 and 'version 1' not in shown, shown
    assert leaks({'baseline': (repo / '.guard-baseline.json').read_text()}, planted) == []
    second = (repo / '.guard-baseline.json').read_text()
    assert run(capsys, 'baseline', 'update')[0] == 0
    assert (repo / '.guard-baseline.json').read_text() == second  # migrated once, no churn after


def test_a_committed_baseline_matches_on_a_fresh_clone(
    repo: Path, planted: Planted, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, 'baseline', 'create')[0] == 0
    commit_all(repo, 'baseline')
    clone = tmp_path / 'clone'
    git('clone', '-q', str(repo), str(clone))
    monkeypatch.chdir(clone)
    code, shown = run(capsys, 'scan', '--baseline', '.guard-baseline.json')
    assert code == 0, shown
    assert '3 in baseline' in shown


def test_a_fingerprint_key_changes_every_digest_and_is_needed_to_match(
    repo: Path, planted: Planted, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = json.loads(run(capsys, 'scan', '--format', 'json', '-q')[1])
    monkeypatch.setenv('GUARD_FINGERPRINT_KEY', 'k' * 32)
    keyed = json.loads(run(capsys, 'scan', '--format', 'json', '-q')[1])
    assert [f['rule_id'] for f in keyed['findings']] == [f['rule_id'] for f in plain['findings']]
    for a, b in zip(plain['findings'], keyed['findings'], strict=True):
        assert a['fingerprint'] != b['fingerprint']
    by_option = json.loads(run(capsys, 'scan', '--format', 'json', '-q', '--fingerprint-key', 'k' * 32)[1])
    monkeypatch.delenv('GUARD_FINGERPRINT_KEY')
    assert [f['fingerprint'] for f in by_option['findings']] == [f['fingerprint'] for f in keyed['findings']]
    assert run(capsys, 'baseline', 'create', '--fingerprint-key', 'k' * 32)[0] == 0
    code, shown = run(capsys, 'scan', '--baseline', '.guard-baseline.json')
    assert code == 2 and 'GUARD_FINGERPRINT_KEY' in shown  # not a silent mismatch
    monkeypatch.setenv('GUARD_FINGERPRINT_KEY', 'k' * 32)
    assert run(capsys, 'scan', '--baseline', '.guard-baseline.json')[0] == 0
