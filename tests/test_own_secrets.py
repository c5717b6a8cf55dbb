"""Your own secrets, anywhere: values of local untracked env files are blocked in every mode."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from guard.own_secrets import blockable, parse_env
from tests.conftest import commit_all, git, run_guard, write
from tests.secrets import random_body

MUNDANE = (
    'DEBUG=true\nPORT=8000\nHOST=localhost\nREGION=eu-west-1\nAPP_ENV=development\n'
    'PUBLIC_URL=http://localhost:3000/app\nDATA_DIR=/var/lib/app/data\nADMIN_EMAIL=ops@example.com\n'
)


def own_findings(*args: str) -> list[dict]:
    """own-secret findings of a scan (other rules may find assignments too; not this test's subject)."""
    result = run_guard('scan', '--format', 'json', *args)
    assert result.returncode in (0, 1), result.stderr
    return [f for f in json.loads(result.stdout)['findings'] if f['rule_id'] == 'own-secret']


@pytest.fixture
def env_repo(repo: Path) -> tuple[Path, str]:
    """A repository whose developer keeps a low-entropy API key in an ignored .env."""
    value = 'hunter2-' + random_body(6).lower()  # no rule would call this a secret
    write(repo / '.gitignore', '.env\n')
    write(
        repo / '.env',
        f'# local settings\nexport PAYMENT_API_KEY="{value}"\nSHORT=abc123\nPLACEHOLDER=your-api-key-here\n{MUNDANE}',
    )
    write(repo / 'README.md', 'hello\n')
    commit_all(repo, 'start')
    return repo, value


def test_pasted_value_blocks_a_staged_commit(env_repo: tuple[Path, str]) -> None:
    repo, value = env_repo
    write(repo / 'tests' / 'test_pay.py', f'client = Client(key="{value}")\n')
    git('add', 'tests/test_pay.py')
    result = run_guard('scan', '--staged')
    assert result.returncode == 1
    assert result.stdout == (
        'tests/test_pay.py:1: own-secret the value of PAYMENT_API_KEY from your local .env: '
        f'reference the variable instead (…({len(value)}))\n'  # low-entropy: no characters
    )
    assert value not in result.stdout + result.stderr


def test_short_placeholder_and_plain_config_values_are_ignored(env_repo: tuple[Path, str]) -> None:
    repo, _value = env_repo
    lines = [
        'abc123',
        'your-api-key-here',
        'localhost',
        'eu-west-1',
        'development',
        'http://localhost:3000/app',
        '/var/lib/app/data',
        'ops@example.com',
        '8000',
        'true',
    ]
    write(repo / 'config.py', ''.join(f'X{i} = "{v}"\n' for i, v in enumerate(lines)))
    result = run_guard('scan', 'config.py')
    assert result.returncode == 0, result.stdout


def test_the_env_file_itself_is_no_finding_but_a_template_holding_the_value_is(env_repo: tuple[Path, str]) -> None:
    repo, value = env_repo
    write(repo / '.env.example', f'PAYMENT_API_KEY={value}\n')  # committed: a real leak
    assert [(f['path'], f['line']) for f in own_findings('--no-gitignore', '.env', '.env.example')] == [
        ('.env.example', 1)
    ]


def test_every_mode_and_the_off_switch(env_repo: tuple[Path, str]) -> None:
    repo, value = env_repo
    base = git('rev-parse', 'HEAD').strip()
    write(repo / 'notebook.txt', f'tried {value} here\n')
    commit_all(repo, 'notes')
    ranged = run_guard('scan', '--range', f'{base}..HEAD', '--format', 'json')
    assert [f['rule_id'] for f in json.loads(ranged.stdout)['findings']] == ['own-secret']
    assert run_guard('scan', '--stdin', stdin=f'x {value} y\n').returncode == 1
    write(repo / '.guard.yaml', 'own_secrets: false\n')
    assert run_guard('scan', '--range', f'{base}..HEAD').returncode == 0


def test_tracked_env_files_are_shared_config_not_own_secrets(repo: Path) -> None:
    value = 'team-shared-' + random_body(8).lower()
    write(repo / '.env', f'FEATURE_FLAGS_KEY={value}\n')
    commit_all(repo, 'shared env')
    write(repo / 'app.py', f'flags = "{value}"\n')
    assert run_guard('scan', 'app.py').returncode == 0


def test_configured_files_and_url_passwords(repo: Path) -> None:
    password = 'pw-' + random_body(10).lower()
    write(repo / 'local.secrets', f'DATABASE_URL=postgres://app:{password}@db.internal:5432/app\n')
    write(repo / 'app.py', f'conn = connect(password="{password}")\n')
    assert own_findings('app.py') == []  # not a default env file name
    write(repo / '.guard.yaml', 'own_secrets: ["*.secrets"]\n')
    assert [f['message'] for f in own_findings('app.py')] == [
        'the password in DATABASE_URL from your local local.secrets: reference the variable instead'
    ]


def test_non_ascii_values_and_values_inside_values(repo: Path) -> None:
    """A value with an upper-case non-ASCII letter passes the ASCII-lowercasing prefilter, and a value
    that holds another value yields both (the line, the column and the message tell them apart)."""
    umlaut = 'Grüße-ÄÖ-' + random_body(6).lower()
    inner = 'inner-' + random_body(10).lower()
    outer = 'outer-' + inner + '-tail'
    write(repo / '.gitignore', '.env\n')
    write(repo / '.env', f'MAIL_PASSWORD="{umlaut}"\nSESSION_KEY={inner}\nSIGNING_KEY={outer}\n')
    write(repo / 'notes.txt', f'mail: {umlaut}\nboth: {outer}\n')
    found = sorted((f['line'], f['column'], f['message'].split(' from ')[0]) for f in own_findings('notes.txt'))
    assert found == [
        (1, 7, 'the value of MAIL_PASSWORD'),
        (2, 7, 'the value of SIGNING_KEY'),
        (2, 13, 'the value of SESSION_KEY'),
    ]
    # alone in its file, so that no other value's keyword lets the detector run
    write(repo / 'mail.txt', f'mail: {umlaut}\n')
    assert [(f['line'], f['column']) for f in own_findings('mail.txt')] == [(1, 7)]


def test_parse_env() -> None:
    text = (
        'export A="x y"\nB=\'q#r\'\nC=plain # comment\n#D=no\nE="-----BEGIN KEY-----\nline1\n'
        'line2\n-----END KEY-----"\nF: yaml-ish\nG = "tab\\there"\n'
    )
    assert list(parse_env(text)) == [
        ('A', 'x y'),
        ('B', 'q#r'),
        ('C', 'plain'),
        ('E', '-----BEGIN KEY-----'),
        ('E', 'line1'),
        ('E', 'line2'),
        ('E', '-----END KEY-----'),
        ('G', 'tab\there'),  # as the application reads it; `F: x` is no dotenv statement (python-dotenv skips it)
    ]


def test_blockable() -> None:
    assert blockable('API_TOKEN', 'plainword') == [('the value of API_TOKEN', 'plainword')]  # the name says secret
    assert blockable('APP_NAME', 'plainword') == []
    assert blockable('APP_NAME', 'Plain-Word-42x') == [('the value of APP_NAME', 'Plain-Word-42x')]
    assert blockable('SECRET', 'changeme') == [] and blockable('SECRET', 'short') == []
    assert blockable('DB', 'mysql://u:s3cr3t-pass@h/db')[-1] == ('the password in DB', 's3cr3t-pass')


def test_history_scans_see_own_secrets_and_a_changed_env_invalidates_the_store(repo: Path) -> None:
    old, new = 'first-' + random_body(10).lower(), 'second-' + random_body(10).lower()
    write(repo / '.gitignore', '.env\n')
    write(repo / 'a.py', f'A = "{old}"\nB = "{new}"\n')
    commit_all(repo, 'values')
    write(repo / '.env', f'SERVICE_TOKEN={old}\n')
    first = json.loads(run_guard('scan-history', '--format', 'json').stdout)['findings']
    assert [(f['rule_id'], f['line']) for f in first if f['rule_id'] == 'own-secret'] == [('own-secret', 1)]
    write(repo / '.env', f'SERVICE_TOKEN={new}\n')  # rotated locally: the cache must not answer
    second = json.loads(run_guard('scan-history', '--format', 'json').stdout)['findings']
    assert [(f['rule_id'], f['line']) for f in second if f['rule_id'] == 'own-secret'] == [('own-secret', 2)]


@pytest.mark.no_cover  # a CPU-time bound measures the code, not the coverage tracer
def test_a_megabyte_value_is_found_whole_in_linear_time(repo: Path) -> None:
    """A 1 MB value in .env once took minutes (its DFA was built byte by byte); now it is looked up by
    its first characters and compared whole, and the scanner's prefilter stays an NFA for it."""
    from guard.api import make_scanner  # the scanner a run builds, own secrets included
    from guard.config import load_config
    from guard.models import Fragment

    value = random_body(1_000_000)
    write(repo / '.gitignore', '.env\n')
    write(repo / '.env', f'BIG={value}\nOTHER=x{value[:63]}\n')
    started = time.process_time()
    scanner = make_scanner(load_config())
    text = f'a = "{value}"\n' + 'filler line\n' * 30_000  # past the prefilter's DFA switch
    findings = [f for f in scanner.scan(Fragment('app.py', text)) if f.rule_id == 'own-secret']
    assert time.process_time() - started < 2.0
    assert [(f.line, f.preview[-9:]) for f in findings] == [(1, '(1000000)')]
    assert findings[0].message.startswith('the value of BIG ')


def test_a_value_is_not_reported_for_its_prefix_alone(repo: Path) -> None:
    long_value = random_body(200)
    write(repo / '.gitignore', '.env\n')
    write(repo / '.env', f'LONG_TOKEN={long_value}\n')
    commit_all(repo, 'start')
    write(repo / 'a.txt', f'{long_value[:150]}\n')
    write(repo / 'b.txt', f'x{long_value}y\n')
    assert [(f['path'], f['line']) for f in own_findings('a.txt', 'b.txt')] == [('b.txt', 1)]


@pytest.mark.no_cover  # a CPU-time bound measures the code, not the coverage tracer
def test_a_hostile_env_file_is_read_in_linear_time(repo: Path) -> None:
    write(repo / '.gitignore', '.env\n')
    write(repo / '.env', 'A=x' + ' ' * 1_000_000 + 'y # comment\n' + 'B=' + '=' * 1_000_000 + '\n')
    started = time.process_time()
    pairs = list(parse_env((repo / '.env').read_text()))
    assert time.process_time() - started < 2.0
    assert pairs[0] == ('A', 'x' + ' ' * 1_000_000 + 'y')
