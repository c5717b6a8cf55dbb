"""Stand-ins, references, documentation values and local defaults: judged alike by every detector."""

from __future__ import annotations

import string

import pytest

from guard.detectors.entropy import has_ascending_run, is_sequential, longest_sequential_run
from guard.detectors.placeholders import (
    is_doc_host,
    is_local_host,
    is_phrase,
    is_placeholder,
    is_reference,
    is_stored_elsewhere,
    is_trivial_password,
    is_word_path,
    looks_random,
)
from tests.secrets import random_body


@pytest.mark.parametrize(
    'value',
    [
        '${DB_PASSWORD}',
        '${DB_PASSWORD:-x}',
        '$PASSWORD',
        '$(vault read x)',
        '{{ .Values.password }}',
        '{password}',
        '<password>',
        '<your-token>',
        '%(password)s',
        '%s',
        '%API_KEY%',
        '#{password}',
        '<%= ENV["X"] %>',
        '${{ secrets.X }}',
        '@DB_PASSWORD@',
    ],
)
def test_references(value: str) -> None:
    assert is_reference(value) and is_placeholder(value)


@pytest.mark.parametrize(
    'value',
    [
        'ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]',
        '$ANSIBLE_VAULT;1.1;AES256',
        '!vault |',
        '!ENV ${X}',
        'vault:secret/data/db#password',
        'arn:aws:secretsmanager:eu-west-1:1:secret:db',
        'op://vault/item/field',
    ],
)
def test_stored_elsewhere(value: str) -> None:
    assert is_stored_elsewhere(value) and is_placeholder(value)


@pytest.mark.parametrize(
    'value',
    [
        'password',
        'PASSWORD',
        'changeme',
        'CHANGE_ME',
        'REPLACE_ME',
        'xxx',
        'xxxxxxxxxxxx',
        '***',
        '********',
        'your-api-key-here',
        'your_api_key_here',
        'YOUR_REDIS_PASSWORD',
        'REPLACE_WITH_32_BYTE_SECRET',
        'put your unique phrase here',
        'password_here',
        'please-change-me',
        's3cr3t',
        'p@ssw0rd',
        'secret123',
        'xoxb-not-a-real-token-this-will-not-work',
        'ghp_' + 'x' * 36,
        'sk_live_' + '0' * 24,
        'glpat-ABCDEFGHIJKLMNOPQRST',
        'npm_0123456789abcdefghijklmnopqrstuvwxyz',
        'ghp_' + '*' * 32 + 'cA9f',
        'AKIAIOSFODNN7EXAMPLE',
        'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'yourStrong(!)Password',
        'tiger',
        'example',
        'dummy-token',
        'test-only-secret',
        '%env(DB_PASSWORD)%',
        '{PW[:10]}@{PW[10:]}',
        "{settings['db_password']}",
        '{cfg.password!r}',  # f-string fields
        '{secrets.token_hex(32)}',
        "{os.getenv('DB_PASSWORD')}",
        '{make_key(40)}-suffix',  # f-string calls
        'A1b2c3d4',
        'AbCdE12345...long.string...54321EdCbA',
        'abCDeFGhiJKlmnOPqrSTuvwxYZ1aBCdEFghijK7LM',  # docs
        'P4$$w0rd',
        '__API_TOKEN__',
        'ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)',
        '{cipher}AQB3fSGkmVbn7pCCNvFE1hBC',
        '00000000-0000-0000-0000-000000000000',  # the nil UUID, a template's favourite key
        'XXXX-XXXX-XXXX-XXXX',
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value), value


SALT_ALPHABET = string.ascii_letters + string.digits + '!@#^&*()-_[]<>~+=,;:/?|'


@pytest.mark.parametrize(
    'value',
    [
        random_body(20),
        random_body(40),
        'a-' + random_body(20),
        'Hangar-Kestrel-1987!',
        'npg_' + random_body(12),
        random_body(32, '0123456789abcdef'),
        # a generated WordPress salt can hold an elision, a mask or a reference's shape by chance
        random_body(30, SALT_ALPHABET)
        + '...'
        + random_body(15, SALT_ALPHABET)
        + '%U%'
        + random_body(15, SALT_ALPHABET),
    ],
)
def test_real_values_are_not_placeholders(value: str) -> None:
    assert not is_placeholder(value), value


def test_random_versus_words() -> None:
    assert looks_random(random_body(24)) and looks_random(random_body(40, '0123456789abcdef'))
    for value in (
        'ProductUserVisibleVersion',
        'prod/payments/api-token',
        'PKCS7_ISSUER_AND_SERIAL',
        'correct horse battery',
        'short',
    ):
        assert not looks_random(value) and (is_word_path(value) or len(value) < 12 or ' ' in value), value


def test_trivial_passwords() -> None:
    for password, user in (
        ('postgres', 'postgres'),
        ('guest', 'x'),
        ('devpassword', 'app'),
        ('admin123', 'a'),
        ('Summer2024', 'x'),
        ('app', 'app'),
    ):
        assert is_trivial_password(password, user), password
    assert not is_trivial_password(random_body(16), 'app')


def test_hosts() -> None:
    for host in ('localhost', '127.0.0.1', '::1', '[::1]', 'host.docker.internal', 'db', 'postgres'):
        assert is_local_host(host), host
    for host in ('10.0.0.5', 'db.lumen.io', 'ep-x.neon.tech'):
        assert not is_local_host(host), host
    assert is_doc_host('db.example.com') and is_doc_host('example.org') and is_doc_host('x.test')
    assert not is_doc_host('localhost') and not is_doc_host('db.lumen.io')


def test_sequences() -> None:
    assert is_sequential('abcdef') and is_sequential('987654') and not is_sequential('abcdeg')
    assert has_ascending_run('xx01234567') and not has_ascending_run(random_body(40))
    assert longest_sequential_run('xyabcdefz') == 6


def test_interleaved_digits_are_generated_not_words() -> None:
    """Random lowercase letters and digits split into 'words' and short numbers easily; identifiers
    number at most one word. Seeded draws, so the rates cannot flake."""
    for value in ('utf8mb4_unicode_ci', 'sha256sum', 'aws-ec2-prod-cluster', 'python3.11-slim', 'release-2024-05'):
        assert is_word_path(value), value
    for value in ('k3jq9xw2m7pz4t8r', 'x7k2m9p4q8w3r6t1ab', 'ad180jjd733klru7'):
        assert not is_word_path(value) and looks_random(value), value
    lower_digits = 'abcdefghijklmnopqrstuvwxyz0123456789'
    for length, most in ((20, 0.10), (24, 0.03), (32, 0.01)):
        draws = [random_body(length, lower_digits) for _ in range(1000)]
        assert sum(not looks_random(d) for d in draws) <= most * 1000, length


def test_phrases_are_words_not_random_casing() -> None:
    for value in (
        'IAmSensitive',
        'ProductUserVisibleVersion',
        'prod/db/password',
        'geheim$parole',
        'lambda:createdBy',
        'serverlessrepo:applicationId',
        'fs.s3.enableServerSideEncryption',
        'this-will-ordinarily-be-detected-by-a-plugin',
        'HTTPServerConfig',
        'mySecurePass123',
    ):
        assert is_phrase(value), value
    for value in ('qWErtyZxcvBnMl', 'pLIixMEOLeMa', 'EFTbpMfzRYfm', 'xv5nmldosehh', 'Kestrel!97E', random_body(12)):
        assert not is_phrase(value), value
    assert is_word_path('access_logs.s3.enabled') and is_word_path('terminateBlueInstancesOnDeploymentSuccess')


def test_words_with_random_casing_are_no_trivial_password() -> None:
    for value in ('Passwort', 'Contraseña', 'SUMMER2024', 'Welcome1!', 'doesnotexist'):
        assert is_trivial_password(value), value
    for value in ('pLIixMEOLeMa', 'qWErtyZxcvBnMl', 'AbXkQpzR1234'):
        assert not is_trivial_password(value), value
