"""The password policy (issue 13): config and credential files, connection strings, docs, hashes,
keys named otherwise, encoded values, public samples and env files in history. Every case is a
realistic file built at run time (tests/password_cases.py), checked in both directions."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from guard.detectors import build_detectors
from guard.detectors.credfiles import CredentialStoreDetector
from guard.detectors.decoding import DecodingDetector, base64_needles
from guard.detectors.filekinds import CONFIG, CREDENTIAL, DOCS, OTHER, file_kind
from guard.detectors.hashes import HashFileDetector, PasswordHashDetector
from guard.models import Confidence, Fragment, Severity
from guard.redact import sha256_hex
from guard.scanner import Scanner
from tests.conftest import commit_all, run_guard, write
from tests.password_cases import Case, b64, cases, human, random_body, stripe_live

CASES = cases()
SCANNER = Scanner(build_detectors())


def scan(path: str, text: str) -> list:
    return SCANNER.scan(Fragment(path, text))


@pytest.mark.parametrize('case', CASES, ids=[c.id for c in CASES])
def test_each_labelled_case(case: Case) -> None:
    found = scan(case.filename, case.text)
    assert bool(found) == case.secret, [(f.rule_id, f.message, f.preview) for f in found]


def test_the_labelled_set_has_both_directions_for_every_bullet() -> None:
    for topic in {c.topic for c in CASES}:
        labels = {c.secret for c in CASES if c.topic == topic}
        assert labels == {True, False}, topic


def test_installed_guard_scans_the_labelled_tree(tmp_path: Path) -> None:
    """The same verdicts from the `guard` command on real files (paths as users pass them)."""
    tree = tmp_path / 'tree'
    for case in CASES:
        write(tree / case.id / case.filename, case.text)
    result = run_guard('scan', '--no-gitignore', '--format', 'json', '-q', str(tree))
    assert result.returncode == 1, result.stderr
    flagged = {Path(f['path']).relative_to(tree).parts[0] for f in json.loads(result.stdout)['findings']}
    assert flagged == {c.id for c in CASES if c.secret}


# ---- file kinds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ('path', 'kind'),
    [
        ('.env', CONFIG),
        ('deploy/.env.production', CONFIG),
        ('docker-compose.override.yml', CONFIG),
        ('charts/api/values-prod.yaml', CONFIG),
        ('infra/prod.tfvars', CONFIG),
        ('inventories/prod/group_vars/db.yml', CONFIG),
        ('src/main/resources/application-prod.yml', CONFIG),
        ('appsettings.Production.json', CONFIG),
        ('mysite/settings.py', CONFIG),
        ('wp-config.php', CONFIG),
        ('conf/app.ini', CONFIG),
        ('.zshrc', CONFIG),
        ('.pgpass', CREDENTIAL),
        ('home/.docker/config.json', CREDENTIAL),
        ('AppData/FileZilla/sitemanager.xml', CREDENTIAL),
        ('keys/server.ppk', CREDENTIAL),
        ('etc/shadow', CREDENTIAL),
        ('.env.example', DOCS),
        ('wp-config-sample.php', DOCS),
        ('docs/config.rst', DOCS),
        ('tests/test_app.py', DOCS),
        ('examples/tutorial/.env', DOCS),
        ('src/main/resources/messages_de.properties', DOCS),
        ('src/app.py', OTHER),
        ('config.json', OTHER),
    ],
)
def test_file_kinds(path: str, kind: str) -> None:
    assert file_kind(path) == kind
    assert file_kind(path.replace('/', '\\')) == kind


# ---- bullet 1: config files ---------------------------------------------------------------------


def test_weak_human_passwords_are_findings_in_config_but_not_in_code_or_docs() -> None:
    for password in (human('Winter', '2024!'), human('hunter', '22'), human('P@ssw0rd', '123!'), human('admin', '123')):
        line = f'DB_PASSWORD={password}\n'
        (finding,) = scan('.env', line)
        assert (finding.rule_id, finding.severity) == ('generic-secret-assignment', Severity.HIGH)
        assert finding.plain_hash == sha256_hex(password)[:16]
        assert password not in finding.preview and finding.preview.endswith(f'({len(password)})')
        assert scan('docs/setup.md', line) == []  # documentation keeps the quieter judgement
        assert scan('src/app.py', f'DB_PASSWORD = "{password}"\n') == []


# ---- bullet 3: connection strings ---------------------------------------------------------------


def test_user_equal_to_password_on_a_remote_host_is_a_finding_but_local_defaults_are_not() -> None:
    (remote,) = scan('config/app.conf', 'URL=postgres://admin:admin@db.acme-corp.io/app\n')
    assert remote.severity == Severity.HIGH
    assert scan('config/app.conf', 'URL=postgres://admin:admin@localhost/app\n') == []
    assert scan('config/app.conf', 'URL=postgres://app:s3cr3t@db:5432/app\n') == []  # a compose service


def test_hosted_service_passwords_are_critical_and_low_confidence_in_docs() -> None:
    url = f'postgresql://app:{human("hunter", "2")}@ep-cool-1.eu-central-1.aws.neon.tech/neondb\n'
    (config,) = scan('config/app.conf', url)
    assert (config.severity, config.confidence) == (Severity.CRITICAL, Confidence.HIGH)
    (docs,) = scan('docs/neon.md', url)
    assert (docs.severity, docs.confidence) == (Severity.CRITICAL, Confidence.LOW)


# ---- bullet 2: credential files -----------------------------------------------------------------


def test_filezilla_password_is_reported_decoded_at_the_encoded_span() -> None:
    password = human('Rainbow', '77')
    encoded = b64(password)
    text = f'<Server><Host>ftp.acme.io</Host><Pass encoding="base64">{encoded}</Pass></Server>\n'
    (finding,) = scan('sitemanager.xml', text)
    assert finding.rule_id == 'credential-store-password'
    assert finding.plain_hash == sha256_hex(password)[:16]
    assert (finding.column, finding.end_column) == (text.index(encoded) + 1, text.index(encoded) + 1 + len(encoded))
    assert list(CredentialStoreDetector().detect(Fragment('notes/sitemanager.xml.example', text))) == []


# ---- bullet 5: hashes ---------------------------------------------------------------------------


def test_hashes_are_medium_and_the_message_says_crackable_offline() -> None:
    crypt = '$6$' + random_body(16, './abc') + '$' + random_body(86, './' + 'ABCdef0123')
    (finding,) = scan('etc/shadow', f'root:{crypt}:19700:0:99999:7:::\n')
    assert (finding.rule_id, finding.severity) == ('password-hash', Severity.MEDIUM)
    assert 'sha512crypt' in finding.message and 'crackable offline' in finding.message
    # the same hash in a SQL dump; a truncated one is no hash
    assert [f.rule_id for f in scan('db/dump.sql', f"VALUES ('root', '{crypt}');\n")] == ['password-hash']
    assert scan('db/dump.sql', f"VALUES ('root', '{crypt[:-5]}');\n") == []


def test_des_crypt_entries_are_found_only_in_shadow_and_htpasswd_files() -> None:
    entry = 'bob:' + random_body(13, './abcdefXYZ0123') + '\n'
    (finding,) = HashFileDetector().detect(Fragment('conf/.htpasswd', entry))
    assert finding.message.startswith('stored password hash')
    assert list(HashFileDetector().detect(Fragment('conf/users.txt', entry))) == []
    assert list(PasswordHashDetector().detect(Fragment('conf/users.txt', entry))) == []


# ---- bullet 6: WordPress keys and salts ---------------------------------------------------------


def test_wordpress_nonce_salt_with_spaces_is_a_secret() -> None:
    salt = random_body(60, 'abcdefXYZ0123!@#%^&*()[]{}<>~+=,.;:/?|') + ' ' + random_body(3)
    (finding,) = scan('wp-config.php', f"<?php\ndefine('NONCE_SALT', '{salt}');\n")
    assert finding.message == 'secret assigned to NONCE_SALT'


# WordPress's key generator (api.wordpress.org/secret-key) draws from these, blank included; PHP's
# single quotes hold all of them but the quote itself
WP_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()-_ []{}<>~`+=,.;:/?|'


def test_every_generated_wordpress_salt_is_a_secret() -> None:
    """A salt can hold `%U%`, `{fMd8}` (reference shapes) or start with '/' (a path's): 2,000 of them,
    each with the whole alphabet, are all found."""
    salts = [random_body(64, WP_ALPHABET) for _ in range(2000)]
    missed = [s for s in salts if not scan('wp-config.php', f"<?php\ndefine( 'AUTH_KEY', '{s}' );\n")]
    assert missed == []


@pytest.mark.parametrize(
    'value', ['/var/www/html/wp-content', '/run/secrets/wp auth key', '${WP_AUTH_KEY}', '%(auth_key)s']
)
def test_a_path_or_a_reference_under_a_wordpress_key_is_quiet(value: str) -> None:
    assert scan('wp-config.php', f"<?php\ndefine( 'AUTH_KEY', '{value}' );\n") == []


# ---- bullet 7: encoded values -------------------------------------------------------------------


def test_base64_stripe_key_is_a_stripe_key_with_the_decoded_fingerprint() -> None:
    stripe = stripe_live()
    encoded = b64(stripe)
    text = f'env:\n  PAYMENTS_BLOB: {encoded}\n'
    (finding,) = scan('config/app.yaml', text)
    assert finding.rule_id == 'stripe-secret-key'
    assert finding.plain_hash == sha256_hex(stripe)[:16]
    assert finding.message.endswith('(base64)')
    assert (finding.line, finding.column, finding.end_column) == (2, 18, 18 + len(encoded))


def test_decoding_goes_two_levels_deep_and_no_further() -> None:
    stripe = stripe_live()
    twice = base64.b64encode(b64(f'STRIPE={stripe}').encode()).decode()
    assert [f.rule_id for f in scan('config/app.conf', f'BLOB={twice}\n')] == ['stripe-secret-key']
    thrice = base64.b64encode(twice.encode()).decode()
    assert scan('config/app.conf', f'BLOB={thrice}\n') == []


def test_the_second_level_decodes_any_text_not_only_the_listed_words() -> None:
    slack = 'xoxb-' + random_body(12, '0123456789') + '-' + random_body(24)
    dsn = f'postgresql://app:{random_body(16)}@pg.acme-corp.io:5432/app'
    for blob, rule in (
        (b64(b64('SLACK_BOT_TOKEN=' + slack)), 'slack-bot-token-legacy'),
        (b64(b64('glpat-' + random_body(20))), 'gitlab-pat'),
        (b64(b64(dsn)), 'connection-string'),  # '://' at an offset leaves no needle of its own
        (b64('next=' + quote(dsn, safe='')), 'connection-string'),  # percent-encoded, then base64
    ):
        found = scan('config/app.conf', f'BLOB={blob}\n')
        assert [f.rule_id for f in found] == [rule], blob
        assert found[0].column == len('BLOB=') + 1 and found[0].end_column == found[0].column + len(blob)
    assert scan('config/app.conf', f'NOTE={b64(b64("a sentence of words, nothing more"))}\n') == []


def test_needles_occur_in_every_alignment_of_an_encoding() -> None:
    word = 'sk_live_'
    needles = base64_needles(word)
    for prefix in ('', 'x', 'xy', 'key=', 'STRIPE='):
        encoded = base64.b64encode((prefix + word + random_body(24)).encode()).decode()
        assert any(n in encoded for n in needles), prefix


# ---- bullet 8: public samples -------------------------------------------------------------------


def test_public_samples_are_silent_but_other_values_of_their_form_are_not() -> None:
    stripe_docs = 'sk_' + 'test_' + '4eC39HqLyjWDarjtT1zdp7dc'
    assert scan('src/pay.rb', f'Stripe.api_key = "{stripe_docs}"\n') == []
    other = 'sk_' + 'test_' + random_body(24)
    assert [f.plain_hash for f in scan('src/pay.rb', f'Stripe.api_key = "{other}"\n')] == [sha256_hex(other)[:16]]


# ---- linear time --------------------------------------------------------------------------------


@pytest.mark.no_cover  # a CPU-time bound measures the code, not the coverage tracer
@pytest.mark.parametrize(
    'detector',
    [PasswordHashDetector(), HashFileDetector(), CredentialStoreDetector(), DecodingDetector(build_detectors())],
    ids=lambda d: d.id,
)
def test_linear_on_adversarial_near_misses(detector) -> None:
    units = [
        '$6$' + 'a' * 15 + '$',
        '$2b$12$' + 'a' * 50 + ' ',
        'root:' + 'a' * 12 + ':\n',
        '<Pass encoding="base64">',
        '"identitytoken": "',
        'QUtJQ' * 3 + ' ',
        'a' * 70 + '=',
        '%3A%2F' * 3 + ' ',
        '"{\\"a\\": \\"',
    ]
    for unit in units:
        text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
        started = time.process_time()
        list(detector.detect(Fragment('etc/shadow', text)))
        assert time.process_time() - started < 2.0, (detector.id, unit)


# ---- bullet 9: env files in history -------------------------------------------------------------


def test_env_file_history_is_graded_by_what_it_held(repo: Path) -> None:
    write(repo / 'app' / '.env', 'DEBUG=1\nDB_URL=postgres://postgres:postgres@localhost/app\nSECRET_KEY=changeme\n')
    write(repo / '{{cookiecutter.slug}}' / '.env', 'PROJECT={{ cookiecutter.slug }}\n')
    write(repo / 'deploy' / '.env', f'DB_PASSWORD={human("Winter", "2024!")}\n')
    commit_all(repo, 'env files')
    result = run_guard('scan-history', '--format', 'json', '-q', cwd=repo)
    assert result.returncode == 1, result.stderr
    groups = {g['path']: g for g in json.loads(result.stdout)['groups'] if g['rule_id'] == 'env-file-in-history'}
    assert sorted(groups) == ['app/.env', 'deploy/.env', '{{cookiecutter.slug}}/.env']
    for quiet in ('app/.env', '{{cookiecutter.slug}}/.env'):
        assert groups[quiet]['severity'] == 'low'
        assert 'held no secret' in groups[quiet]['message']
    assert groups['deploy/.env']['severity'] == 'high'
    assert groups['deploy/.env']['message'].endswith('holding 1 secret')
