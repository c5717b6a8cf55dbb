"""DBeaver's credentials-config.json (issue 13): encrypted under DBeaver's published key, decrypted
and each stored password reported. The files are encrypted at run time by the real `openssl`
command, so guard's AES is checked against another implementation, not against itself."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from guard.detectors import aes
from guard.detectors.dbeaver import KEY, decrypt
from guard.redact import sha256_hex
from tests.conftest import git, run_guard, write
from tests.password_cases import human, random_body

needs_openssl = pytest.mark.skipif(shutil.which('openssl') is None, reason='the openssl command encrypts the fixtures')


def encrypt(plain: bytes, key: bytes = KEY) -> bytes:
    """What DBeaver writes: a random IV, then AES-128-CBC (PKCS#7 padding) of the JSON."""
    iv = os.urandom(16)
    proc = subprocess.run(
        ['openssl', 'enc', '-aes-128-cbc', '-K', key.hex(), '-iv', iv.hex()],
        input=plain,
        capture_output=True,
        check=True,
    )
    return iv + proc.stdout


def store(*connections: tuple[str, dict[str, dict[str, str]]]) -> bytes:
    return json.dumps(dict(connections), separators=(',', ':')).encode()


def test_aes_128_decrypts_the_fips_197_example_block() -> None:
    # FIPS-197 appendix C.1: key 00 01 … 0f, plaintext 00 11 … ff
    keys = aes.expand_key(bytes(range(16)))
    assert aes.decrypt_block(bytes.fromhex('69c4e0d86a7b0430d8cdb78070b4c55a'), keys) == bytes.fromhex(
        '00112233445566778899aabbccddeeff'
    )


@needs_openssl
@pytest.mark.parametrize('size', [0, 1, 15, 16, 17, 100, 4000])
def test_decrypts_what_openssl_encrypts_at_every_padding(size: int) -> None:
    plain = ('{"x":"' + random_body(size) + '"}').encode()
    assert decrypt(encrypt(plain)) == plain.decode()


@needs_openssl
def test_every_saved_password_is_reported_from_the_encrypted_file(tmp_path: Path) -> None:
    app, ssh, default = human('Pluto', '2020!'), random_body(20), 'root'
    data = store(
        ('postgres-jdbc-18c2f1e3a4b-5d6e7f8091a2b3c4', {'#connection': {'user': 'app', 'password': app}}),
        (
            'mysql8-18c2f1e3a4c-0a1b2c3d4e5f6071',
            {
                '#connection': {'user': 'root', 'password': default},
                'network/ssh_tunnel': {'user': 'ops', 'password': ssh},
            },
        ),
        ('sqlite-jdbc-18c2f1e3a4d-1111222233334444', {'#connection': {'user': 'me'}}),  # no password saved
    )
    path = tmp_path / 'workspace6' / 'General' / '.dbeaver' / 'credentials-config.json'
    path.parent.mkdir(parents=True)
    path.write_bytes(encrypt(data))
    result = run_guard('scan', '--no-gitignore', '--format', 'json', '-q', str(tmp_path / 'workspace6'))
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)['findings']
    assert {f['rule_id'] for f in findings} == {'dbeaver-password'}
    assert len(findings) == 3
    for password in (app, ssh):  # ('root' is in the tmp path)
        assert password not in result.stdout
    messages = sorted(f['message'] for f in findings)
    assert all("decrypted with DBeaver's published key" in m for m in messages)
    assert sum('SSH tunnel' in m for m in messages) == 1
    assert sorted(f['severity'] for f in findings) == ['high', 'high', 'medium']  # 'root' for root: a service default


@needs_openssl
def test_the_fingerprint_is_the_decrypted_passwords(tmp_path: Path) -> None:
    from guard.detectors import build_detectors
    from guard.scanner import Scanner
    from guard.sources import Tally
    from guard.sources.files import read_file

    password = human('Rainy', 'Day77')
    path = tmp_path / '.dbeaver' / 'credentials-config.json'
    path.parent.mkdir()
    path.write_bytes(encrypt(store(('pg-1', {'#connection': {'user': 'bob', 'password': password}}))))
    fragment = read_file(path, '.dbeaver/credentials-config.json', 1 << 20, Tally())
    assert fragment is not None
    (finding,) = Scanner(build_detectors()).scan(fragment)
    assert finding.secret_hash == sha256_hex(password)


@needs_openssl
def test_quiet_another_key_an_empty_store_and_a_look_alike_name(tmp_path: Path) -> None:
    tree = tmp_path / 'tree'
    data = store(('pg-1', {'#connection': {'user': 'bob', 'password': human('Rainy', 'Day77')}}))
    # DBeaver PRO with a master password: another key, nothing guard can read (and no crash)
    (tree / 'pro' / '.dbeaver').mkdir(parents=True)
    (tree / 'pro' / '.dbeaver' / 'credentials-config.json').write_bytes(encrypt(data, os.urandom(16)))
    (tree / 'empty' / '.dbeaver').mkdir(parents=True)
    (tree / 'empty' / '.dbeaver' / 'credentials-config.json').write_bytes(encrypt(b'{}'))
    (tree / 'stand-in' / '.dbeaver').mkdir(parents=True)
    stand_in = store(('pg-1', {'#connection': {'user': 'bob', 'password': '${DB_PASSWORD}'}}))
    (tree / 'stand-in' / '.dbeaver' / 'credentials-config.json').write_bytes(encrypt(stand_in))
    write(tree / 'other' / 'credentials-config.json', '{"region": "eu-west-1", "profile": "default"}\n')
    result = run_guard('scan', '--no-gitignore', '--format', 'json', str(tree))
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert json.loads(result.stdout)['findings'] == []


@needs_openssl
def test_a_staged_credentials_config_blocks_the_commit(repo: Path) -> None:
    password = human('Staged', 'Secret9')
    path = repo / '.dbeaver' / 'credentials-config.json'
    path.parent.mkdir()
    path.write_bytes(encrypt(store(('pg-1', {'#connection': {'user': 'bob', 'password': password}}))))
    git('add', '.dbeaver/credentials-config.json', cwd=repo)
    result = run_guard('scan', '--staged', '--format', 'json', cwd=repo)
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)['findings']
    assert (finding['rule_id'], finding['path']) == ('dbeaver-password', '.dbeaver/credentials-config.json')
    assert 'nothing scanned' not in result.stderr and 'binary' not in result.stderr  # the receipt counts it read
