"""Issue 15 on a seed-shaped monorepo (tests/monorepo.py): what is really there, each planted
problem caught and named, the clean repository passing. Real git, the installed guard."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests import monorepo
from tests.conftest import commit_all, git, run_guard, write
from tests.secrets import random_body

BACKEND = 'apps/backend'
FRONTEND = 'apps/frontend'


@pytest.fixture
def mono(repo: Path) -> Path:
    return monorepo.build(repo)


def check(repo: Path, which: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, list[dict], str]:
    proc = run_guard('check', which, '--format', 'json', *args, cwd=repo, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)['findings'], proc.stderr


def rules(found: list[dict]) -> list[tuple[str, str, int | None]]:
    return sorted((f['rule_id'], f['path'], f['line']) for f in found)


def test_the_clean_monorepo_passes_every_check(mono: Path) -> None:
    for which in ('gitignore', 'env-example'):
        code, found, receipt = check(mono, which)
        assert (code, found) == (0, []), (which, found, receipt)
    code, found, receipt = check(mono, 'env-schema', '--no-environ')
    assert (code, found) == (0, []), receipt
    assert 'app.config:Settings (from apps/backend) against apps/backend/.env only' in receipt


# --- 1. gitignore starts from the files that exist ----------------------------------------------


def test_untracked_env_files_nothing_ignores_are_named(mono: Path) -> None:
    write(mono / BACKEND / '.env.production', f'DATABASE_URL={monorepo.database_url()}\n')
    write(mono / 'prod.env', 'A=1\n')
    status = git('status', '--porcelain', cwd=mono)
    assert f'?? {BACKEND}/.env.production' in status and '?? prod.env' in status
    code, found, _ = check(mono, 'gitignore')
    assert code == 1
    assert rules(found) == [
        ('env-file-not-ignored', f'{BACKEND}/.env.production', None),
        ('env-file-not-ignored', 'prod.env', None),
    ]
    assert 'add `.env.production` to .gitignore' in ' '.join(f['message'] for f in found)
    fixed = run_guard('check', 'gitignore', '--fix', cwd=mono)
    assert fixed.returncode == 0, fixed.stdout
    assert git('status', '--porcelain', '--untracked-files=all', cwd=mono).count('.env') == 0


def test_a_nested_negation_in_a_folder_without_an_app_marker(mono: Path) -> None:
    write(mono / 'deploy/.env', f'DATABASE_URL={monorepo.database_url()}\n')
    write(mono / 'deploy/.gitignore', '# keep deploy settings\n!.env\n')
    code, found, _ = check(mono, 'gitignore')
    assert code == 1
    assert rules(found) == [('env-file-not-ignored', 'deploy/.gitignore', 2)]
    assert 'deploy/.env is re-included by `!.env`' in found[0]['message']


def test_force_added_env_files_are_tracked_under_any_name(mono: Path) -> None:
    for name in ('.env.production', '.env.staging', 'prod.env'):
        write(mono / name, 'LOG_LEVEL=info\n')
    write(mono / '.gitignore', monorepo.GITIGNORE + '.env.production\n.env.staging\n*.env\n')
    git('add', '-f', '.env.production', '.env.staging', 'prod.env', cwd=mono)
    commit_all(mono, 'oops')
    code, found, _ = check(mono, 'gitignore')
    assert code == 1
    assert rules(found) == [
        ('env-file-tracked', '.env.production', None),
        ('env-file-tracked', '.env.staging', None),
        ('env-file-tracked', 'prod.env', None),
    ]
    assert all('git rm --cached' in f['message'] for f in found)


def test_committed_defaults_re_included_on_purpose_are_not_findings(mono: Path) -> None:
    write(mono / '.gitignore', monorepo.GITIGNORE + '.env.*\n!.env.example\n!.env.development\n')
    write(mono / FRONTEND / '.env.development', 'NEXT_PUBLIC_API_URL=http://localhost:8000\n')
    commit_all(mono, 'defaults')
    code, found, receipt = check(mono, 'gitignore')
    assert (code, found) == (0, [])
    assert f'{FRONTEND}/.env.development is tracked on purpose' in receipt


def test_key_file_patterns_are_advice_and_a_real_key_file_is_a_finding(mono: Path) -> None:
    code, found, receipt = check(mono, 'gitignore')
    assert (code, found) == (0, []) and 'advice: no key file exists' in receipt
    write(mono / 'infra/service-account-prod.json', '{}\n')
    code, found, _ = check(mono, 'gitignore')
    assert rules(found) == [('env-file-not-ignored', 'infra/service-account-prod.json', None)]


def test_coverage_only_from_personal_ignore_files_is_noted(mono: Path) -> None:
    write(mono / '.gitignore', monorepo.GITIGNORE.replace('.env.local\n', ''))
    write(mono / '.git/info/exclude', '.env.local\n')
    code, found, receipt = check(mono, 'gitignore')
    assert (code, found) == (0, [])
    assert f'{FRONTEND}/.env.local is ignored only by .git/info/exclude' in receipt
    assert 'a teammate is not covered' in receipt


# --- 2. settings classes see only the values under test -----------------------------------------


def test_the_shell_environment_never_satisfies_a_missing_key(mono: Path) -> None:
    env_file = mono / BACKEND / '.env'
    env_file.write_text(''.join(line + '\n' for line in env_file.read_text().splitlines() if 'JWT' not in line))
    shell = {'JWT_SECRET_KEY': random_body(48)}  # exported in the developer's shell
    code, found, _ = check(mono, 'env-schema', '--no-environ', env=shell)
    assert code == 1
    assert rules(found) == [('env-schema-missing', f'{BACKEND}/app/config.py', 5)]
    assert 'JWT_SECRET_KEY is required but not set (looked in apps/backend/.env)' in found[0]['message']


def test_the_class_env_file_never_satisfies_a_missing_key(mono: Path) -> None:
    # the class reads .env itself (model_config env_file); the file under test lacks the secret
    write(mono / BACKEND / '.env.staging', f'DATABASE_URL={monorepo.database_url()}\n')
    args = ('--settings', 'app.config:Settings', '--env-file', f'{BACKEND}/.env.staging', '--no-environ')
    code, found, _ = check(mono, 'env-schema', *args)
    assert code == 1
    assert [f['message'].split(' ')[0] for f in found] == ['JWT_SECRET_KEY']


def test_an_import_time_settings_failure_is_findings_not_exit_2(mono: Path) -> None:
    env_file = mono / BACKEND / '.env'
    secret = random_body(24)
    env_file.write_text(
        env_file.read_text().replace('ACCESS_TOKEN_EXPIRE_MINUTES=30', f'ACCESS_TOKEN_EXPIRE_MINUTES=soon{secret}')
    )
    proc = run_guard('check', 'env-schema', '--no-environ', cwd=mono)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith(f'{BACKEND}/.env:4: env-schema-invalid ACCESS_TOKEN_EXPIRE_MINUTES: Input should be')
    assert secret not in proc.stdout + proc.stderr
    # every other check still runs and reports
    write(mono / 'prod.env', 'A=1\n')
    proc = run_guard('check', '--no-environ', cwd=mono)
    assert proc.returncode == 1
    assert 'prod.env: env-file-not-ignored' in proc.stdout and 'env-schema-invalid' in proc.stdout


def test_the_app_directory_is_configurable(mono: Path) -> None:
    write(mono / 'services/api/app/config.py', monorepo.SETTINGS)
    proc = run_guard('check', 'env-schema', '--no-environ', cwd=mono)
    assert proc.returncode == 2 and 'say which with --settings-dir' in proc.stderr
    code, found, receipt = check(mono, 'env-schema', '--no-environ', '--settings-dir', BACKEND)
    assert (code, found) == (0, []), receipt


# --- 3. new checks ------------------------------------------------------------------------------


def test_secrets_behind_public_prefixes_by_name_and_by_value(mono: Path) -> None:
    template = mono / FRONTEND / '.env.example'
    template.write_text(template.read_text() + '# Stripe\nNEXT_PUBLIC_STRIPE_SECRET_KEY=\n')
    stripe = 'sk_live_' + random_body(32)
    local = mono / FRONTEND / '.env.local'
    local.write_text(local.read_text() + f'NEXT_PUBLIC_STRIPE_SECRET_KEY=x\nVITE_PAYMENTS={stripe}\n')
    write(mono / FRONTEND / 'src/db.ts', 'export const url = process.env.NEXT_PUBLIC_DATABASE_URL;\n')
    code, found, _ = check(mono, 'env-example')
    assert code == 1
    public = [f for f in found if f['rule_id'] == 'env-public-secret']
    assert rules(public) == [
        ('env-public-secret', f'{FRONTEND}/.env.example', 6),
        ('env-public-secret', f'{FRONTEND}/.env.local', 3),
        ('env-public-secret', f'{FRONTEND}/.env.local', 4),
        ('env-public-secret', f'{FRONTEND}/src/db.ts', 1),
    ]
    by_value = next(f for f in public if f['line'] == 4)
    assert 'VITE_PAYMENTS: the VITE_ prefix' in by_value['message'] and 'stripe' in by_value['message']
    assert stripe not in json.dumps(found)


def test_secret_defaults_in_code(mono: Path) -> None:
    config = mono / BACKEND / 'app/config.py'
    config.write_text(
        config.read_text().replace(
            "jwt_secret_key: SecretStr = Field(min_length=32, description='Signs access tokens')",
            "jwt_secret_key: str = 'changeme'",
        )
    )
    write(mono / BACKEND / 'app/auth.py', 'import os\n\nSECRET = os.getenv("JWT_SECRET_KEY", "dev")\n')
    write(
        mono / FRONTEND / 'src/server.ts',
        "export const s = process.env.NEXT_PUBLIC_API_URL ?? 'x';\n"
        "export const k = process.env.JWT_SECRET_KEY || 'dev-key';\n",
    )
    code, found, _ = check(mono, 'env-example')
    assert code == 1
    defaults = [f for f in found if f['rule_id'] == 'env-secret-default']
    assert rules(defaults) == [
        ('env-secret-default', f'{BACKEND}/app/auth.py', 3),
        ('env-secret-default', f'{BACKEND}/app/config.py', 9),
        ('env-secret-default', f'{FRONTEND}/src/server.ts', 2),
    ]
    assert all('JWT_SECRET_KEY has' in f['message'] and 'fails at start-up' in f['message'] for f in defaults)
    assert 'changeme' not in json.dumps(found)


NEON_SCHEMA = """environments: [development, production]
environment_variable: ENVIRONMENT
variables:
  ENVIRONMENT: {type: enum, choices: [development, production], description: Where it runs}
  DATABASE_URL:
    type: database_url
    description: Neon Postgres
    environments:
      production: {pooled: true}
"""


def test_neon_pooled_endpoint_in_production(mono: Path) -> None:
    write(mono / BACKEND / 'env.schema.yaml', NEON_SCHEMA)
    password = random_body(16)
    direct = f'postgresql://app:{password}@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require'
    write(mono / 'prod.env.check', f'ENVIRONMENT=production\nDATABASE_URL={direct}\n')
    args = ('--schema', f'{BACKEND}/env.schema.yaml', '--env-file', 'prod.env.check')
    code, found, _ = check(mono, 'env-schema', *args)
    assert code == 1
    assert rules(found) == [('env-schema-invalid', 'prod.env.check', 2)]
    assert (
        "Neon's direct endpoint: use the pooled one" in found[0]['message'] and 'in production' in found[0]['message']
    )
    assert password not in json.dumps(found)
    pooled = direct.replace('-123456.', '-123456-pooler.')
    write(mono / 'prod.env.check', f'ENVIRONMENT=production\nDATABASE_URL={pooled}\n')
    assert check(mono, 'env-schema', *args)[:2] == (0, [])
    write(mono / 'prod.env.check', f'ENVIRONMENT=development\nDATABASE_URL={direct}\n')
    assert check(mono, 'env-schema', *args)[:2] == (0, [])


# --- 4. precision -------------------------------------------------------------------------------


def test_wsgi_environ_and_zod_schemas_are_not_false_alarms(mono: Path) -> None:
    # the clean repo holds both: apps/backend/app/wsgi.py reads environ.get('PATH_INFO'), and
    # the frontend template's keys are read only through schema.parse(process.env)
    code, found, _ = check(mono, 'env-example')
    assert (code, found) == (0, [])
    (mono / FRONTEND / 'src/env.ts').write_text('export const env = {};\n')  # the schema gone:
    code, found, _ = check(mono, 'env-example')
    assert ('env-unused', f'{FRONTEND}/.env.example', 4) in rules(found)  # the key is unused now
    write(mono / BACKEND / 'app/real.py', 'from os import environ\nURL = environ.get("REDIS_URL")\n')
    code, found, _ = check(mono, 'env-example')
    assert ('env-missing-in-template', f'{BACKEND}/app/real.py', 2) in rules(found)


def test_root_compose_and_scripts_are_checked_against_the_templates_they_name(mono: Path) -> None:
    code, found, receipt = check(mono, 'env-example')
    assert "2 code files outside every template's folder (docker-compose.yml, scripts/dev.sh)" in receipt
    compose = mono / 'docker-compose.yml'
    compose.write_text(
        compose.read_text() + '  cache:\n    image: redis\n    command: redis-server --requirepass ${REDIS_PASSWORD}\n'
    )
    code, found, _ = check(mono, 'env-example')
    assert code == 1
    assert rules(found) == [('env-missing-in-template', 'docker-compose.yml', 13)]
    assert 'apps/backend/.env.example, apps/frontend/.env.example' in found[0]['message']


# --- 5. docs and generation ---------------------------------------------------------------------


def test_field_descriptions_document_template_keys(mono: Path) -> None:
    config = mono / BACKEND / 'app/config.py'
    config.write_text(config.read_text().replace(", description='JWT signing algorithm'", ''))
    code, found, _ = check(mono, 'env-example')
    assert code == 1
    assert rules(found) == [('env-example-undocumented', f'{BACKEND}/.env.example', 3)]
    assert 'a Field(description=...) in a settings class' in found[0]['message']


def test_env_example_from_a_settings_class(mono: Path) -> None:
    config = mono / BACKEND / 'app/config.py'
    config.write_text(
        config.read_text().replace('Field(min_length=32,', "Field('changeme-default-key-000000000000', min_length=32,")
    )
    out = mono / BACKEND / '.env.example'
    proc = run_guard('env', 'example', '--settings', 'app.config:Settings', '--output', str(out), '--force', cwd=mono)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert '# Signs access tokens\n# optional, secret\nJWT_SECRET_KEY=\n' in text
    assert 'changeme' not in text
    assert '# optional (default: ["http://localhost:3000"]), JSON\nCORS_ORIGINS=' in text
    assert '# Neon Postgres connection string (pooled endpoint)\n# required\nDATABASE_URL=\n' in text
    before = os.stat(out)
    proc = run_guard('env', 'example', '--settings', 'app.config:Settings', '--output', str(out), cwd=mono)
    assert proc.returncode == 0 and 'is up to date' in proc.stderr
    after = os.stat(out)
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    # a generated template passes the template check
    _code, found, _ = check(mono, 'env-example')
    assert [f for f in found if f['path'] == f'{BACKEND}/.env.example'] == []


def test_schema_lists_read_json_arrays(mono: Path) -> None:
    write(mono / 'env.schema.yaml', 'variables:\n  ORIGINS: {type: list, items: url, description: CORS}\n')
    write(mono / 'check.env', 'ORIGINS=["http://localhost:3000", "https://example.com"]\n')
    assert check(mono, 'env-schema', '--schema', 'env.schema.yaml', '--env-file', 'check.env')[:2] == (0, [])
    write(mono / 'check.env', 'ORIGINS=["http://localhost:3000", "nope"]\n')
    code, found, _ = check(mono, 'env-schema', '--schema', 'env.schema.yaml', '--env-file', 'check.env')
    assert code == 1
    assert rules(found) == [('env-schema-invalid', 'check.env', 1)] and '(item 2)' in found[0]['message']


def test_the_class_secrets_dir_never_satisfies_a_missing_key(mono: Path) -> None:
    secrets = mono / 'run-secrets'
    write(secrets / 'jwt_secret_key', random_body(48))
    config = mono / BACKEND / 'app/config.py'
    config.write_text(config.read_text().replace("env_file='.env',", f"env_file='.env', secrets_dir={str(secrets)!r},"))
    env_file = mono / BACKEND / '.env'
    env_file.write_text(''.join(line + '\n' for line in env_file.read_text().splitlines() if 'JWT' not in line))
    code, found, _ = check(mono, 'env-schema', '--no-environ')
    assert code == 1
    assert [f['message'].split(' ')[0] for f in found] == ['JWT_SECRET_KEY']


def test_a_noisy_or_exiting_settings_module(mono: Path) -> None:
    config = mono / BACKEND / 'app/config.py'
    original = config.read_text()
    config.write_text('import os\nprint("booting")\nos.write(1, b"{not json\\n")\n' + original)
    code, found, _ = check(mono, 'env-schema', '--no-environ')
    assert (code, found) == (0, [])
    config.write_text('import sys\nsys.exit(4)\n' + original)
    proc = run_guard('check', 'env-schema', '--no-environ', cwd=mono)
    assert proc.returncode == 2
    assert "cannot import 'app.config:Settings': SystemExit raised while importing" in proc.stderr
