"""detect-secrets interop, with the real detect-secrets: its plugins inside guard, guard's parser inside it."""

from __future__ import annotations

import hashlib
import json
import string
import subprocess
import sys
from pathlib import Path

import pytest

from guard.detectors import ds_adapter
from tests.conftest import git, run_guard, write
from tests.secrets import random_body

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / 'guard' / 'contrib' / 'detect_secrets_plugin.py'
HEX = '0123456789abcdef'


def detect_secrets(*args: str, cwd: Path) -> dict:
    exe = Path(sys.executable).with_name('detect-secrets')  # the one beside guard (it imports guard)
    assert exe.exists()
    proc = subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_rule_ids_from_secret_types() -> None:
    assert ds_adapter.rule_id('AWS Access Key') == 'ds:aws-access-key'
    assert ds_adapter.rule_id('Base64 High Entropy String') == 'ds:base64-high-entropy-string'


def test_detect_secrets_plugins_run_inside_guard_and_merge(repo: Path) -> None:
    shared = random_body(32, string.ascii_letters + string.digits + '+/')
    write(repo / 'c.py', f'HEXY = "{random_body(40, HEX)}"\nauth = "{shared}"\n')
    plain = run_guard('scan', '--format', 'json')
    assert [f['line'] for f in json.loads(plain.stdout)['findings']] == [2]  # guard alone: line 2 only
    write(repo / '.guard.yaml', 'detectors: [detect-secrets]\n')
    result = run_guard('scan', '--format', 'json')
    assert result.returncode == 1, result.stderr
    found = [(f['line'], f['rule_id']) for f in json.loads(result.stdout)['findings']]
    # line 1 only detect-secrets sees; line 2 both see the same secret: reported once, under guard's rule
    assert found[0] == (1, 'ds:hex-high-entropy-string')
    assert [line for line, _ in found] == [1, 2] and not found[1][1].startswith('ds:')


def test_detect_secrets_runs_offline_and_leaves_its_settings_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its settings are process-global: the adapter applies its own only while it scans, and a
    key a plugin could verify over the network (Stripe's) is reported without a connection."""
    import socket

    from detect_secrets.settings import get_settings

    from guard.models import Fragment

    dialled: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        dialled.append(args)
        raise OSError('guard must not call the network')

    monkeypatch.setattr(socket.socket, 'connect', refuse)
    monkeypatch.setattr(socket, 'create_connection', refuse)
    before = get_settings().json()
    key = 'sk_' + 'live_' + random_body(24)
    fragment = Fragment('billing.py', f'STRIPE = "{key}"\n')
    found = {f.rule_id for f in ds_adapter.DetectSecretsDetector().detect(fragment)}
    assert 'ds:stripe-access-key' in found
    assert dialled == []
    assert get_settings().json() == before


def test_guard_connection_strings_as_a_real_detect_secrets_plugin(repo: Path) -> None:
    password = random_body(16)
    write(
        repo / 'settings.py',
        f'DATABASE_URL = "postgresql://app:{password}@db.cluster-x.eu-west-1.rds.amazonaws.com:5432/app"\n'
        'LOCAL_URL = "postgresql://postgres:postgres@localhost/dev"\n',
    )
    git('add', '-A')
    data = detect_secrets('scan', '--plugin', str(PLUGIN), '-n', cwd=repo)
    ours = [r for r in data['results']['settings.py'] if r['type'] == 'Guard Connection String Password']
    assert [(r['line_number'], r['hashed_secret']) for r in ours] == [
        (1, hashlib.sha1(password.encode()).hexdigest())
    ]  # the local default stays silent
    assert {'name': 'GuardConnectionStringDetector', 'path': f'file://{PLUGIN}'} in data['plugins_used']
    # the plugin alone: every built-in plugin disabled
    builtins = [p['name'] for p in data['plugins_used'] if 'path' not in p]
    only = detect_secrets(
        'scan', '--plugin', str(PLUGIN), '-n', *[a for name in builtins for a in ('--disable-plugin', name)], cwd=repo
    )
    assert [r['type'] for r in only['results']['settings.py']] == ['Guard Connection String Password']
