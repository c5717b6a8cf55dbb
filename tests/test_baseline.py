"""Baselines: known findings by fingerprint, stable bytes, detect-secrets import, allow policies."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from guard import api
from guard import baseline as bl
from guard.config import load_config
from tests.conftest import commit_all, git, run_guard, write
from tests.secrets import github_token, random_body

BASELINE = '.guard-baseline.json'


def use_baseline(repo: Path, extra: str = '') -> None:
    write(repo / '.guard.yaml', f'baseline: {BASELINE}\n{extra}')


def scan_json(*args: str) -> tuple[int, dict]:
    result = run_guard('scan', '--format', 'json', *args)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_create_writes_sorted_entries_without_lines(repo: Path) -> None:
    write(repo / 'b.py', f'T = "{github_token()}"\n')
    write(repo / 'a' / 'x.py', f'\n\nT = "{github_token()}"\n')
    result = run_guard('baseline', 'create')
    assert result.returncode == 0, result.stderr
    assert '2 entries written to .guard-baseline.json' in result.stderr
    raw = (repo / BASELINE).read_bytes()
    data = json.loads(raw)
    assert data['version'] == 2 and set(data) == {'version', 'salt_hex', 'entries'}
    assert [e['path'] for e in data['entries']] == ['a/x.py', 'b.py']
    assert all(set(e) == {'path', 'rule', 'hash'} for e in data['entries'])
    assert b'line' not in raw and raw.endswith(b'}\n')
    # the same findings give the same bytes, wherever the lines moved
    write(repo / 'b.py', f'import os\n\n\n{(repo / "b.py").read_text()}')
    assert run_guard('baseline', 'update').returncode == 0
    assert (repo / BASELINE).read_bytes() == raw


def test_baselined_findings_are_suppressed_and_new_ones_reported(repo: Path) -> None:
    old = github_token()
    write(repo / 'app.py', f'A = "{old}"\n')
    use_baseline(repo)
    assert run_guard('baseline', 'create').returncode == 0
    code, report = scan_json()
    assert code == 0
    assert [(f['path'], f['allowed']) for f in report['suppressed']] == [('app.py', 'baseline')]
    assert '1 in baseline' in report['receipt']['notes']
    # code moves: still known; a new secret on the baselined line: reported
    new = github_token()
    write(repo / 'app.py', f'# moved\n\nA = "{old}"; B = "{new}"\n')
    code, report = scan_json()
    assert code == 1
    assert [(f['path'], f['line'], f['column']) for f in report['findings']] == [('app.py', 3, 54)]
    assert len(report['suppressed']) == 1


def test_same_secret_in_another_file_is_not_covered(repo: Path) -> None:
    token = github_token()
    write(repo / 'a.py', f'A = "{token}"\n')
    use_baseline(repo)
    run_guard('baseline', 'create')
    write(repo / 'b.py', f'B = "{token}"\n')
    code, report = scan_json()
    assert code == 1
    assert [f['path'] for f in report['findings']] == ['b.py']


def test_update_drops_entries_that_match_nothing(repo: Path) -> None:
    write(repo / 'a.py', f'A = "{github_token()}"\n')
    write(repo / 'b.py', f'B = "{github_token()}"\n')
    run_guard('baseline', 'create')
    (repo / 'a.py').unlink()
    write(repo / 'c.py', f'C = "{github_token()}"\n')
    result = run_guard('baseline', 'update')
    assert '(1 added, 1 removed)' in result.stderr
    paths = [e['path'] for e in json.loads((repo / BASELINE).read_text())['entries']]
    assert paths == ['b.py', 'c.py']


def test_unused_entries_are_listed_and_can_fail(repo: Path) -> None:
    write(repo / 'a.py', f'A = "{github_token()}"\n')
    use_baseline(repo)
    run_guard('baseline', 'create')
    (repo / 'a.py').write_text('A = os.environ["A"]\n')
    config = load_config()._replace(unused_scope=('.',))
    listed = api.scan_paths(['.'], config._replace(report_unused=True))
    assert listed.exit_code == 0
    assert any(n.startswith('1 unused baseline entries: github-pat:a.py:') for n in listed.receipt.notes)
    failed = api.scan_paths(['.'], config._replace(fail_on_unused=True))
    assert failed.exit_code == 1
    assert [f.rule_id for f in failed.findings] == ['baseline-unused']
    # a run that says nothing of what it read whole judges nothing, and says so
    blind = api.scan_paths(['.'], config._replace(fail_on_unused=True, unused_scope=()))
    assert blind.exit_code == 0
    assert '1 baseline entries not judged unused: this run did not read their files whole' in blind.receipt.notes


def test_unused_scope_per_mode() -> None:
    assert bl.unused_scope([]) == ('.',)
    assert bl.unused_scope(['./src/', 'b.py']) == ('src', 'b.py')
    assert bl.unused_scope(['a.py'], commits=True) == ()
    assert bl.unused_scope([], stdin_name='./x.env') == ('x.env',)
    assert bl.unused_scope(['a.py', 'b.py'], staged=True, staged_paths=['a.py']) == ('b.py',)
    assert bl.unused_scope([], staged=True) == ()
    assert bl.covers(('.',), 'src/a.py') and not bl.covers(('.',), '../x.py')
    assert bl.covers(('src',), 'src/a.py') and not bl.covers(('src',), 'srcx/a.py')
    assert bl.covers(('b.py',), 'b.py') and not bl.covers(('b.py',), 'a.py')


def test_unused_is_judged_only_where_the_run_read_whole_files(repo: Path) -> None:
    write(repo / 'a.py', f'A = "{github_token()}"\n')
    write(repo / 'b.py', f'B = "{github_token()}"\n')
    write(repo / 'gone' / 'c.py', f'C = "{github_token()}"\n')
    use_baseline(repo)
    assert run_guard('baseline', 'create').returncode == 0
    commit_all(repo)
    (repo / 'a.py').write_text('A = None\n')
    (repo / 'b.py').write_text('B = None\n')
    shutil.rmtree(repo / 'gone')
    named = run_guard('scan', '--fail-on-unused', 'b.py')  # one file: only its entry is judged
    assert named.returncode == 1
    assert [line.split(' ')[0] for line in named.stdout.splitlines()] == ['b.py:']
    assert '2 baseline entries not judged unused' in named.stderr
    tree = run_guard('scan', '--fail-on-unused')  # the tree: a deleted file counts too
    assert tree.returncode == 1
    assert sorted(line.split(' ')[0] for line in tree.stdout.splitlines()) == ['a.py:', 'b.py:', 'gone/c.py:']
    git('add', 'a.py')  # a commit changing a.py
    staged = run_guard('scan', '--staged', '--fail-on-unused', 'a.py', 'b.py')
    assert staged.returncode == 1  # b.py, not staged, is read whole
    assert [line.split(' ')[0] for line in staged.stdout.splitlines()] == ['b.py:']
    hook = run_guard('scan', '--staged', '--fail-on-unused', 'a.py')  # only added lines: nothing judged
    assert hook.returncode == 0, hook.stdout
    assert '3 baseline entries not judged unused' in hook.stderr
    ranged = run_guard('scan', '--range', 'HEAD~1..HEAD', '--fail-on-unused')
    assert ranged.returncode in (0, 2) and 'baseline-unused' not in ranged.stdout


def test_require_allow_reason(repo: Path) -> None:
    write(
        repo / 'a.py',
        f'A = "{github_token()}"  # guard:allow\nB = "{github_token()}"  # guard:allow test fixture, revoked\n',
    )
    assert run_guard('scan').returncode == 0
    write(repo / '.guard.yaml', 'require_allow_reason: true\n')
    result = run_guard('scan')
    assert result.returncode == 1
    assert result.stdout.count('\n') == 1
    assert result.stdout.startswith('a.py:1: github-pat') and 'needs a reason' in result.stdout


@pytest.mark.parametrize(
    ('content', 'message'),
    [
        ('{not json', 'not valid JSON'),
        ('{"results": {}}', 'looks like a detect-secrets baseline'),
        ('{"version": 99, "entries": []}', 'version 99 is not supported'),
        ('{"version": 1, "entries": [{"path": "a.py", "rule": 7}]}', "entry key 'rule' has the wrong type"),
        ('{"version": 1, "entries": [{"path": "a.py", "line": 7}]}', "unknown entry keys ['line']"),
    ],
)
def test_bad_baseline_is_exit_2_naming_the_fix(repo: Path, content: str, message: str) -> None:
    use_baseline(repo)
    write(repo / BASELINE, content)
    result = run_guard('scan')
    assert result.returncode == 2
    assert message in result.stderr and result.stderr.startswith('guard: ')


def test_missing_baseline_says_how_to_create_it(repo: Path) -> None:
    use_baseline(repo)
    result = run_guard('scan')
    assert result.returncode == 2
    assert 'guard baseline create' in result.stderr


def detect_secrets_baseline(repo: Path) -> dict:
    exe = Path(sys.executable).with_name('detect-secrets')
    assert exe.exists(), 'detect-secrets is a dependency of guard'
    proc = subprocess.run([exe, 'scan', '--no-verify'], cwd=repo, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def test_import_from_a_real_detect_secrets_baseline(repo: Path) -> None:
    accepted, audited_real = github_token(), github_token()
    write(repo / 'a.py', f'A = "{accepted}"\n')
    write(repo / 'b.py', f'B = "{audited_real}"\n')
    commit_all(repo)  # detect-secrets scans tracked files
    data = detect_secrets_baseline(repo)
    by_file = data['results']
    assert hashlib.sha1(accepted.encode()).hexdigest() in {e['hashed_secret'] for e in by_file['a.py']}
    for entry in by_file['b.py']:
        entry['is_secret'] = True
    write(repo / '.secrets.baseline', json.dumps(data))
    write(repo / 'c.py', f'C = "{github_token()}"\n')  # after the detect-secrets run: not accepted
    result = run_guard('baseline', 'create', '--from-detect-secrets', '.secrets.baseline')
    assert result.returncode == 0, result.stderr
    assert (
        'b.py: github-pat confirmed as a real secret (audited in detect-secrets): accepted, but rotate it\n'
    ) in result.stdout
    assert 'a.py' not in result.stdout
    assert '1 findings detect-secrets did not accept are not baselined' in result.stderr
    entries = json.loads((repo / BASELINE).read_text())['entries']
    guard_entries = [(e['path'], e['rule'], e.get('confirmed', False)) for e in entries if 'rule' in e]
    assert guard_entries == [('a.py', 'github-pat', False), ('b.py', 'github-pat', True)]
    # its GitHub plugin hashes only the 'ghp' group: those entries map to the tokens, no SHA-1 is written
    assert all('rule' in e and 'sha1' not in e for e in entries)
    use_baseline(repo)
    code, report = scan_json()
    assert code == 1
    assert [f['path'] for f in report['findings']] == ['c.py']
    assert sorted((f['path'], f['allowed']) for f in report['suppressed']) == [
        ('a.py', 'baseline'),
        ('b.py', 'baseline: confirmed secret, rotate it'),
    ]
    assert '1 baselined secrets are confirmed real: rotate them' in report['receipt']['notes']


def test_fail_on_unused_passes_right_after_a_detect_secrets_import(repo: Path) -> None:
    write(repo / 'a.py', f'A = "{github_token()}"\nPASSWORD = "{random_body(20)}"\n')
    write(repo / 'b.py', f'B = "{github_token("gho")}"\n')
    commit_all(repo)
    write(repo / '.secrets.baseline', json.dumps(detect_secrets_baseline(repo)))
    result = run_guard('baseline', 'create', '--from-detect-secrets', '.secrets.baseline')
    assert result.returncode == 0, result.stderr
    unused = run_guard('scan', '--baseline', BASELINE, '--fail-on-unused', '--report-unused')
    assert unused.returncode == 0, unused.stdout + unused.stderr
    assert 'unused baseline entries' not in unused.stderr


def test_detect_secrets_entries_no_guard_finding_matches_are_reported_not_written(repo: Path) -> None:
    write(
        repo / '.secrets.baseline',
        json.dumps(
            {
                'version': '1.5.0',
                'results': {
                    'x.py': [
                        {'type': 'Secret Keyword', 'filename': 'x.py', 'hashed_secret': 'ab' * 20, 'is_verified': False}
                    ]
                },
            }
        ),
    )
    result = run_guard('baseline', 'create', '--from-detect-secrets', '.secrets.baseline')
    assert result.returncode == 0
    assert 'not imported: x.py: Secret Keyword matches no current finding' in result.stderr
    assert json.loads((repo / BASELINE).read_text())['entries'] == []  # a SHA-1 is a plain digest
    assert run_guard('scan', '--baseline', BASELINE, '--fail-on-unused').returncode == 0


def test_scan_flags_baseline_unused_and_reason(repo: Path) -> None:
    write(repo / 'a.py', f'A = "{github_token()}"\n')
    write(repo / 'b.py', f'B = "{github_token()}"\n')
    assert run_guard('baseline', 'create', '--output', 'known.json').returncode == 0
    assert run_guard('scan').returncode == 1
    assert run_guard('scan', '--baseline', 'known.json').returncode == 0
    (repo / 'b.py').write_text('B = None\n')
    listed = run_guard('scan', '--baseline', 'known.json', '--report-unused')
    assert listed.returncode == 0
    assert '1 unused baseline entries: github-pat:b.py:' in listed.stderr
    failed = run_guard('scan', '--baseline', 'known.json', '--fail-on-unused')
    assert failed.returncode == 1
    assert failed.stdout.startswith('b.py: baseline-unused baseline entry github-pat:b.py:')
    write(repo / 'c.py', f'C = "{github_token()}"  # guard:allow\n')
    assert run_guard('scan', '--baseline', 'known.json').returncode == 0
    strict = run_guard('scan', '--baseline', 'known.json', '--require-allow-reason')
    assert strict.returncode == 1 and strict.stdout.startswith('c.py:1: github-pat')


def test_staged_and_range_scans_apply_the_baseline(repo: Path) -> None:
    token = github_token()
    write(repo / 'a.py', f'A = "{token}"\n')
    use_baseline(repo)
    run_guard('baseline', 'create')
    base = commit_all(repo, 'known secret')
    write(repo / 'a.py', f'import os\n\nA = "{token}"\n')  # the line moves: still known
    commit_all(repo, 'move it')
    assert run_guard('scan', '--range', f'{base}..HEAD').returncode == 0
    write(repo / 'a.py', f'import os\n\nA = "{token}"\nB = "{github_token()}"\n')
    subprocess.run(['git', 'add', 'a.py'], check=True)
    staged = run_guard('scan', '--staged')
    assert staged.returncode == 1
    assert staged.stdout.startswith('a.py:4: github-pat')
