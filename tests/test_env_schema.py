"""`guard check env-schema` and `guard env example`: schemas with every type, sources,
environments, a project's own BaseSettings class, and no value ever printed whole."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from guard.checks.env_schema import Sources, Supplied, is_local_host, validate_schema
from guard.checks.schema_model import parse_schema
from guard.errors import ConfigError
from tests.conftest import run_guard, write
from tests.secrets import random_body

SCHEMA = """environments: [development, staging, production]
environment_variable: ENVIRONMENT
variables:
  ENVIRONMENT:
    type: enum
    choices: [development, staging, production]
    default: development
    description: Where the app runs.
  DATABASE_URL:
    type: database_url
    secret: true
    description: PostgreSQL connection string.
    schemes: [postgresql, postgresql+asyncpg, postgresql+psycopg]
    tls_hosts: {"*.internal.example": optional}
  JWT_SECRET_KEY:
    type: secret
    min_length: 16
    description: Signs session tokens.
    environments:
      production: {min_length: 32}
  LOG_LEVEL: {type: enum, choices: [DEBUG, INFO, WARNING, ERROR, CRITICAL], default: INFO}
  ALLOWED_ORIGINS: {type: list, items: url, separator: ",", min_items: 1}
  PORT: {type: port, default: 8000}
  WORKERS: {type: int, min: 1, max: 64, default: 2}
  RATIO: {type: float, default: 0.5}
  DEBUG: {type: bool, default: false}
  ADMIN_EMAIL: {type: email, required: false}
  FEATURES: {type: json, required: false}
  HOMEPAGE: {type: url, required: false, schemes: [https]}
  SLUG: {type: str, min_length: 2, pattern: "^[a-z]+$", required: false}
  SENTRY_DSN:
    type: str
    required: false
    environments:
      production: {required: true}
"""


def good_values() -> dict[str, str]:
    return {
        'ENVIRONMENT': 'development',
        'DATABASE_URL': 'postgresql+asyncpg://app:pw@localhost:5432/app',
        'JWT_SECRET_KEY': random_body(40),
        'ALLOWED_ORIGINS': 'https://app.example.com, http://localhost:3000',
        'PORT': '8080',
        'WORKERS': '4',
        'RATIO': '0.25',
        'DEBUG': 'true',
        'ADMIN_EMAIL': 'ops@example.com',
        'FEATURES': '{"beta": true}',
        'HOMEPAGE': 'https://example.com',
        'SLUG': 'shop',
    }


def validate(values: dict[str, str], environment: str | None = None) -> dict[str, str]:
    schema = parse_schema(SCHEMA, 'env.schema.yaml')
    sources = Sources({k: Supplied(v, '.env', i + 1) for i, (k, v) in enumerate(values.items())}, ('.env',), False)
    return {f.message.split(' ')[0].rstrip(':'): f.message for f in validate_schema(schema, sources, environment)}


def test_every_type_accepts_good_values() -> None:
    assert validate(good_values()) == {}


@pytest.mark.parametrize(
    ('key', 'value', 'expected'),
    [
        ('ENVIRONMENT', 'prod', 'must be one of development, staging, production'),
        ('DATABASE_URL', 'mysql://u:p@localhost/app', "scheme 'mysql' is not allowed"),
        ('DATABASE_URL', 'postgresql://u:p@ep-cool.neon.tech/app', 'add ?sslmode=require'),
        ('DATABASE_URL', 'not a url', 'not a database URL'),
        ('JWT_SECRET_KEY', 'short', 'too short: 5 characters, at least 16'),
        ('JWT_SECRET_KEY', 'your-secret-key-goes-here', 'a placeholder'),
        ('JWT_SECRET_KEY', 'abababababababababab', 'too predictable'),
        ('ALLOWED_ORIGINS', 'https://ok.example.com,nope', 'ALLOWED_ORIGINS (item 2): not a URL'),
        ('PORT', '70000', 'less than or equal to 65535'),
        ('WORKERS', '0', 'greater than or equal to 1'),
        ('RATIO', 'half', 'valid number'),
        ('DEBUG', 'maybe', 'valid boolean'),
        ('ADMIN_EMAIL', 'nobody', 'not an email address'),
        ('FEATURES', '{broken', 'Invalid JSON'),
        ('HOMEPAGE', 'http://example.com', "scheme 'http' is not allowed"),
        ('SLUG', 'UPPER', 'should match pattern'),
    ],
)
def test_each_type_rejects_bad_values_masking_only_secrets(key: str, value: str, expected: str) -> None:
    errors = validate({**good_values(), key: value})
    assert list(errors) == [key.split(' ')[0]] or key in errors
    message = next(iter(errors.values()))
    assert expected in message
    assert f'from .env:{list(good_values()).index(key) + 1})' in message
    if key in ('JWT_SECRET_KEY', 'DATABASE_URL'):  # typed secret: a preview, never the value
        assert f'(value {value!r}' not in message and f'…({len(value)}) from' in message
    else:  # other values are shown as they are
        assert f'(value {value!r} from' in message


def test_a_project_validator_that_echoes_a_secret_is_not_quoted(repo: Path) -> None:
    write(repo / 'myapp/__init__.py', '')
    write(
        repo / 'myapp/config.py',
        'from pydantic import SecretStr, field_validator\n'
        'from pydantic_settings import BaseSettings\n\n\n'
        'class Settings(BaseSettings):\n'
        '    api_key: SecretStr\n'
        '    environment: str = "dev"\n'
        '    smtp_password: str = ""\n\n'
        '    @field_validator("api_key")\n'
        '    @classmethod\n'
        '    def check_key(cls, v: SecretStr) -> SecretStr:\n'
        '        raise ValueError(f"{v.get_secret_value()!r} is invalid, starts {v.get_secret_value()[:6]}")\n\n'
        '    @field_validator("smtp_password")\n'
        '    @classmethod\n'
        '    def check_password(cls, v: str) -> str:\n'
        '        raise ValueError(f"{v[:6]} is too weak")\n\n'
        '    @field_validator("environment")\n'
        '    @classmethod\n'
        '    def check_env(cls, v: str) -> str:\n'
        '        raise ValueError(f"{v!r} is not one of dev, production")\n',
    )
    key, password = 'Zq' + random_body(22), 'Hun' + 'ter2024!'
    write(repo / '.env', f'API_KEY={key}\nENVIRONMENT=prod\nSMTP_PASSWORD={password}\n')
    proc = run_guard(
        'check', 'env-schema', '--settings', 'myapp.config:Settings', '--env-file', '.env', '--format', 'json', cwd=repo
    )
    assert proc.returncode == 1, proc.stderr
    messages = sorted(f['message'] for f in json.loads(proc.stdout)['findings'])
    assert messages[0].startswith("API_KEY: invalid (value_error; the validator's message is not shown")
    assert messages[1] == "ENVIRONMENT: 'prod' is not one of dev, production (value 'prod' from .env:2)"
    assert messages[2].startswith('SMTP_PASSWORD: invalid (value_error;') and '(value …(11) from' in messages[2]
    for part in (key, key[:6], password, password[:6]):
        assert part not in proc.stdout + proc.stderr


def test_database_tls_policy_by_host() -> None:
    for url in (
        'postgresql://u:p@ep-cool.neon.tech/app?sslmode=require',
        'postgresql://u:p@db:5432/app',
        'postgresql://u:p@10.0.0.5/app',
        'postgresql://u:p@db.internal.example/app',
        'postgresql+asyncpg://u:p@x.example.com/app?ssl=require',
    ):
        assert validate({**good_values(), 'DATABASE_URL': url}) == {}, url
    assert is_local_host('localhost') and is_local_host('127.0.0.1') and is_local_host('postgres')
    assert not is_local_host('db.example.com') and not is_local_host('8.8.8.8')


def test_environment_profiles_apply() -> None:
    values = {**good_values(), 'JWT_SECRET_KEY': random_body(20)}
    assert validate(values, 'development') == {}
    errors = validate(values, 'production')
    assert 'at least 32' in errors['JWT_SECRET_KEY'] and 'in production' in errors['JWT_SECRET_KEY']
    assert 'SENTRY_DSN is required in production but not set' in errors['SENTRY_DSN']


def test_missing_and_empty_required_values() -> None:
    values = good_values()
    del values['DATABASE_URL']
    values['ALLOWED_ORIGINS'] = ''
    values['ADMIN_EMAIL'] = ''  # optional and empty: unset, as a copied template leaves it
    errors = validate(values)
    assert sorted(errors) == ['ALLOWED_ORIGINS', 'DATABASE_URL']
    assert 'required but not set (looked in .env)' in errors['DATABASE_URL']
    assert 'required but empty in .env' in errors['ALLOWED_ORIGINS']


@pytest.mark.parametrize(
    ('text', 'expected'),
    [
        ('variables:\n  A:\n    type: strng\n', 'env.schema.yaml:3: unknown type'),
        (
            'variables:\n  A:\n    type: int\n    choices: [1]\n',
            "env.schema.yaml:4: unknown key 'choices' for type int",
        ),
        ('variables:\n  A:\n    type: str\n    pattern: "("\n', 'env.schema.yaml:4: pattern is not a valid regex'),
        ('variables:\n  A: {type: enum}\n', 'env.schema.yaml:2: A is an enum'),
        (
            'environments: [dev]\nvariables:\n  A:\n    environments:\n      prod: {required: true}\n',
            "env.schema.yaml:5: unknown environment 'prod'",
        ),
        ('variables:\n  bad-name: str\n', 'env.schema.yaml:2:'),
        ('vars: {}\n', 'expected a mapping with `variables:`'),
    ],
)
def test_schema_errors_name_file_and_line(text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=None) as info:
        parse_schema(text, 'env.schema.yaml')
    assert expected in str(info.value)


# --- end to end -------------------------------------------------------------------------------


def project(repo: Path) -> None:
    write(repo / 'env.schema.yaml', SCHEMA)


def test_env_files_later_wins_and_every_error_at_once(repo: Path) -> None:
    project(repo)
    secret = 'pw' + random_body(20)
    write(
        repo / 'base.env',
        f'DATABASE_URL=postgresql://u:{secret}@db.example.com/app\nPORT=1\nWORKERS=abc\n'
        'ALLOWED_ORIGINS=https://a.example.com\nJWT_SECRET_KEY=short\nTYPO=1\n',
    )
    write(repo / 'override.env', 'PORT=0\n')
    proc = run_guard(
        'check', 'env-schema', '--env-file', 'base.env', '--env-file', 'override.env', '--format', 'json', cwd=repo
    )
    assert proc.returncode == 1, proc.stderr
    found = {(f['rule_id'], f['path'], f['line']) for f in json.loads(proc.stdout)['findings']}
    assert found == {
        ('env-schema-invalid', 'base.env', 1),
        ('env-schema-invalid', 'override.env', 1),
        ('env-schema-invalid', 'base.env', 3),
        ('env-schema-invalid', 'base.env', 5),
        ('env-schema-unknown', 'base.env', 6),
    }
    assert secret not in proc.stdout + proc.stderr
    assert 'against base.env, override.env' in proc.stderr


def test_process_environment_wins_over_files_and_profile_from_variable(repo: Path) -> None:
    project(repo)
    key = random_body(24)
    write(
        repo / '.env',
        f'DATABASE_URL=postgresql://u:p@localhost/app\nALLOWED_ORIGINS=https://a.example.com\n'
        f'JWT_SECRET_KEY={key}\nPORT=bad\n',
    )
    env = {'PORT': '9000', 'ENVIRONMENT': 'production', 'SENTRY_DSN': 'https://k@sentry.example.com/1'}
    proc = run_guard('check', 'env-schema', '--env-file', '.env', '--environ', cwd=repo, env=env)
    assert proc.returncode == 1
    assert proc.stdout.startswith('.env:3: env-schema-invalid JWT_SECRET_KEY in production: too short: 24 characters')
    assert len(proc.stdout.splitlines()) == 1
    assert key not in proc.stdout and '(production)' in proc.stderr
    proc = run_guard(
        'check', 'env-schema', '--env-file', '.env', '--environ', '--environment', 'staging', cwd=repo, env=env
    )
    assert proc.returncode == 0, proc.stdout


def test_only_the_environment_when_no_env_file(repo: Path) -> None:
    project(repo)
    proc = run_guard(
        'check',
        'env-schema',
        cwd=repo,
        env={
            'DATABASE_URL': 'postgresql://u:p@localhost/a',
            'ALLOWED_ORIGINS': 'https://a.example.com',
            'JWT_SECRET_KEY': random_body(32),
        },
    )
    assert proc.returncode == 0, proc.stdout
    assert 'against the environment' in proc.stderr


def test_usage_errors_exit_2(repo: Path) -> None:
    nothing = run_guard('check', 'env-schema', '--no-environ', cwd=repo)  # the hook's line, no schema here
    assert nothing.returncode == 0 and 'env-schema: skipped, no env.schema.yaml (nothing to check' in nothing.stderr
    project(repo)
    proc = run_guard('check', 'env-schema', '--env-file', 'missing.env', cwd=repo)
    assert proc.returncode == 2 and 'missing.env: env file not found' in proc.stderr
    proc = run_guard('check', 'env-schema', '--environment', 'qa', cwd=repo)
    assert proc.returncode == 2 and "unknown environment 'qa'" in proc.stderr
    write(repo / '.guard.yaml', 'env:\n  docs: README.md\n  unused: maybe\n')
    proc = run_guard('check', cwd=repo)
    assert proc.returncode == 2 and '.guard.yaml:3: env.unused must be true or false' in proc.stderr


SETTINGS = """from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix='APP_')
    database_url: str = Field(validation_alias=AliasChoices('DATABASE_URL', 'DB_URL'))
    port: int = 8000
    origins: list[str] = []
    token: SecretStr

    @field_validator('database_url')
    @classmethod
    def postgres_only(cls, value: str) -> str:
        if not value.startswith('postgresql'):
            raise ValueError(f'unsupported url {value}')   # echoes the value: guard must mask it
        return value
"""


def test_settings_class_from_a_temporary_package(repo: Path) -> None:
    write(repo / 'myapp/__init__.py', '')
    write(repo / 'myapp/config.py', SETTINGS)
    secret = 'pw' + random_body(16)
    write(repo / '.env', f'DB_URL=mysql://root:{secret}@db/app\napp_port=abc\nAPP_ORIGINS=["a", "b"]\n')
    proc = run_guard('check', 'env-schema', '--settings', 'myapp.config:Settings', '--env-file', '.env', cwd=repo)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith('.env:1: env-schema-invalid DB_URL: unsupported url mysq')
    assert lines[1].startswith('.env:2: env-schema-invalid app_port: Input should be a valid integer')
    assert lines[2] == 'myapp/config.py:5: env-schema-missing APP_TOKEN is required but not set (looked in .env)'
    assert secret not in proc.stdout + proc.stderr


def test_settings_import_failures_are_clear_and_never_echo_values(repo: Path) -> None:
    write(repo / 'myapp/__init__.py', '')
    write(repo / 'myapp/config.py', SETTINGS)
    write(repo / 'myapp/boot.py', 'from myapp.config import Settings\nsettings = Settings()\n')
    proc = run_guard('check', 'env-schema', '--settings', 'myapp.nothere:Settings', cwd=repo)
    assert proc.returncode == 2 and "No module named 'myapp.nothere'" in proc.stderr
    proc = run_guard('check', 'env-schema', '--settings', 'myapp.config:Nope', cwd=repo)
    assert proc.returncode == 2 and 'has no attribute' in proc.stderr
    proc = run_guard('check', 'env-schema', '--settings', 'myapp.config', cwd=repo)
    assert proc.returncode == 2 and 'expected module:Class' in proc.stderr
    secret = 'pw' + random_body(16)
    proc = run_guard(
        'check',
        'env-schema',
        '--settings',
        'myapp.boot:Settings',
        cwd=repo,
        env={'DB_URL': f'mysql://root:{secret}@db/app', 'APP_TOKEN': secret},
    )
    # the import-time Settings() is validated with exactly those values: findings, not exit 2
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith('myapp/config.py:5: env-schema-invalid DB_URL: unsupported url mysq')
    assert 'from environment' in proc.stdout
    assert secret not in proc.stdout + proc.stderr


def test_env_example_from_the_schema_passes_check_env_example(repo: Path) -> None:
    project(repo)
    proc = run_guard('env', 'example', cwd=repo)
    assert proc.returncode == 0, proc.stderr
    text = (repo / '.env.example').read_text()
    assert '# PostgreSQL connection string.\n# required, secret; database_url' in text
    assert '\nDATABASE_URL=\n' in text and '\nPORT=8000\n' in text and '\nDEBUG=false\n' in text
    assert '# optional (default: INFO); enum; one of DEBUG, INFO' in text
    assert 'at least 32 characters in production' in text
    proc = run_guard('check', 'env-example', cwd=repo)
    assert proc.returncode == 0, proc.stdout
    write(repo / '.env.example', '# mine\nA=1\n')
    proc = run_guard('env', 'example', cwd=repo)
    assert proc.returncode == 2 and 'pass --force' in proc.stderr
    assert run_guard('env', 'example', '--force', cwd=repo).returncode == 0
    assert run_guard('env', 'example', '-o', '-', cwd=repo).stdout == text


def test_check_all_runs_every_check_with_one_exit_code(repo: Path) -> None:
    project(repo)
    write(repo / '.gitignore', '.env\n')
    write(repo / '.env.example', 'UNDOCUMENTED=1\n')
    proc = run_guard('check', '--format', 'json', cwd=repo, env={'DATABASE_URL': 'x'})
    assert proc.returncode == 1
    report = json.loads(proc.stdout)['findings']
    found = {f['rule_id'] for f in report}
    assert {'gitignore-missing', 'env-example-undocumented', 'env-schema-invalid', 'env-schema-missing'} <= found
    (invalid,) = (f for f in report if f['rule_id'] == 'env-schema-invalid')
    assert (invalid['path'], invalid['line']) == ('env.schema.yaml', 9)  # declared there; from the environment
    assert 'from environment' in invalid['message']
    assert 'guard check gitignore+env-example+env-schema:' in proc.stderr


def test_check_all_skips_schema_when_there_is_none(repo: Path) -> None:
    write(repo / '.gitignore', '.env\n.env.local\n.env.*.local\n')
    write(repo / '.guard.yaml', 'env:\n  key_files: []\n')
    proc = run_guard('check', 'all', cwd=repo)
    assert proc.returncode == 0, proc.stdout
    assert 'env-schema: skipped, no env.schema.yaml' in proc.stderr
    assert 'env-example: no env template found' in proc.stderr


PROBE = """
import sys
from guard.cli import main
code = main({argv!r})
print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_settings')))
"""


@pytest.mark.parametrize(
    'argv',
    [['check', 'gitignore', '-q', '--output', os.devnull], ['check', 'env-example', '-q', '--output', os.devnull]],
)
def test_light_checks_import_no_pydantic(argv: list[str], repo: Path) -> None:
    write(repo / '.env.example', '# a\nA=1\n')
    out = subprocess.run(
        [sys.executable, '-c', PROBE.format(argv=argv)], capture_output=True, text=True, check=True, cwd=repo
    ).stdout
    assert out.split(' ', 1)[1].strip() == '[]', out


def test_hostile_env_files_are_findings_not_crashes(repo: Path) -> None:
    project(repo)
    (repo / 'bin.env').write_bytes(b'\x00\x01\x02')
    write(repo / 'open.env', 'DATABASE_URL="postgresql://localhost/a\nPORT=' + '9' * 1_000_000 + '\n')
    proc = run_guard(
        'check', 'env-schema', '--env-file', 'bin.env', '--env-file', 'open.env', '--format', 'json', cwd=repo
    )
    assert proc.returncode == 1, proc.stderr
    found = {(f['rule_id'], f['path'], f['line']) for f in json.loads(proc.stdout)['findings']}
    assert ('env-file-malformed', 'bin.env', 1) in found
    assert ('env-file-malformed', 'open.env', 1) in found
    assert ('env-schema-invalid', 'open.env', 2) in found
    assert len(proc.stdout) < 10_000


def test_unknown_env_setting_names_its_line(repo: Path) -> None:
    write(repo / '.guard.yaml', 'rules:\n  min_severity: low\nenv:\n  templates: [.env.example]\n  shema: x.yaml\n')
    proc = run_guard('check', cwd=repo)
    assert proc.returncode == 2
    assert ".guard.yaml:5: unknown setting 'env.shema'" in proc.stderr


def readme_schema() -> str:
    import re

    readme = (Path(__file__).resolve().parent.parent / 'README.md').read_text(encoding='utf-8')
    return next(b for b in re.findall(r'```yaml\n(.*?)```', readme, re.DOTALL) if 'variables:' in b)


def test_the_readme_schema_enforces_the_usual_checklist(repo: Path) -> None:
    """The environment checklist teams write down (issue 5), as the README's env.schema.yaml:
    PostgreSQL only, sslmode=require on hosted databases, a 32-character JWT key in production,
    ENVIRONMENT and LOG_LEVEL from fixed lists, ALLOWED_ORIGINS a list of URLs."""
    write(repo / 'env.schema.yaml', readme_schema())
    key = random_body(24)
    write(
        repo / '.env',
        f'DATABASE_URL=postgresql://app:{key}@ep-cool-1.eu-central-1.aws.neon.tech/app\n'
        f'JWT_SECRET_KEY={key}\nENVIRONMENT=prod\nLOG_LEVEL=verbose\n'
        'ALLOWED_ORIGINS=https://app.example.com,app.example.com\nSENTRY_DSN=\n',
    )
    proc = run_guard('check', 'env-schema', '--env-file', '.env', '--environment', 'production', cwd=repo)
    assert proc.returncode == 1, proc.stderr
    by_key = {line.split(' ')[2].rstrip(':'): line for line in proc.stdout.splitlines()}
    assert 'sslmode=require' in by_key['DATABASE_URL']
    assert 'at least 32' in by_key['JWT_SECRET_KEY'] and 'in production' in by_key['JWT_SECRET_KEY']
    assert 'must be one of development, staging, production' in by_key['ENVIRONMENT']
    assert 'must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL' in by_key['LOG_LEVEL']
    assert 'not a URL' in by_key['ALLOWED_ORIGINS']
    assert 'SENTRY_DSN is required in production' in by_key['SENTRY_DSN']
    assert key not in proc.stdout + proc.stderr
    write(
        repo / '.env',
        'DATABASE_URL=postgresql+asyncpg://app:'
        f'{key}@ep-cool-1.eu-central-1.aws.neon.tech/app?sslmode=require\n'
        f'JWT_SECRET_KEY={random_body(40)}\nENVIRONMENT=production\nLOG_LEVEL=WARNING\n'
        'ALLOWED_ORIGINS=https://app.example.com,https://admin.example.com\n'
        'SENTRY_DSN=https://abc@o1.ingest.sentry.io/1\n',
    )
    proc = run_guard('check', 'env-schema', '--env-file', '.env', '--environment', 'production', cwd=repo)
    assert proc.returncode == 0, proc.stdout
    write(repo / '.env', f'DATABASE_URL=mysql://app:{key}@db.example.com/app\n')
    proc = run_guard('check', 'env-schema', '--env-file', '.env', cwd=repo)
    assert "scheme 'mysql' is not allowed" in proc.stdout


def test_no_environ_validates_the_local_env_files_that_exist(repo: Path) -> None:
    """The pre-commit hook's mode: the developer's .env / .env.local, never the shell's environment."""
    project(repo)
    env = {'DATABASE_URL': 'mysql://u:p@localhost/app'}  # the shell's: never read here
    proc = run_guard('check', 'env-schema', '--no-environ', cwd=repo, env=env)
    assert proc.returncode == 0, proc.stdout
    assert (
        'env-schema: env.schema.yaml loaded; no env file to validate (.env, .env.local not found) '
        'and the environment is off (--no-environ)'
    ) in proc.stderr
    write(repo / '.env.local', 'PORT=70000\n')
    proc = run_guard('check', 'env-schema', '--no-environ', cwd=repo, env=env)
    assert proc.returncode == 1
    assert '.env.local:1: env-schema-invalid PORT' in proc.stdout
    assert 'DATABASE_URL is required but not set (looked in .env.local)' in proc.stdout
    write(repo / 'env.schema.yaml', 'variables:\n  A:\n    type: strng\n')  # a broken schema still fails
    (repo / '.env.local').unlink()
    proc = run_guard('check', 'env-schema', '--no-environ', cwd=repo)
    assert proc.returncode == 2 and 'env.schema.yaml:3: unknown type' in proc.stderr
    proc = run_guard('check', 'env-schema', '--no-environ', '--settings', 'no_such_module:Settings', cwd=repo)
    assert proc.returncode == 2 and "cannot import 'no_such_module:Settings'" in proc.stderr  # nor a settings class


def test_env_example_never_writes_a_secret_default() -> None:
    from guard.checks.env_schema import example_text
    from guard.checks.schema_model import parse_schema

    default = 'pw' + random_body(20)
    schema = parse_schema(
        f'variables:\n  API_TOKEN: {{type: secret, required: false, default: {default}, description: Token}}\n',
        'env.schema.yaml',
    )
    text = example_text(schema)
    assert default not in text
    assert '# optional, secret; secret\nAPI_TOKEN=\n' in text


def test_a_url_password_in_a_value_that_is_not_secret_is_masked_whatever_the_rules_say() -> None:
    from guard.checks.env_schema import _invalid_text

    for password in ('pw' + random_body(16), 'hunter2', 'x' * 12):
        url = f'mysql://root:{password}@db/app'
        text = _invalid_text({'msg': f'unsupported url {url}', 'type': 'value_error'}, url, secret=False, foreign=True)
        assert password not in text and text.startswith('unsupported url mysql://root:'), text
