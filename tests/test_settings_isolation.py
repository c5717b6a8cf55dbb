"""A project's settings class judged on the values under test only, on the seed-shaped
monorepo (tests/monorepo.py): a validator that crashes is a finding, never a pass; a
secrets directory counts only when asked for; the class's own sources never count.
Real git, the installed guard, the settings class imported in guard's child process."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests import monorepo
from tests.conftest import run_guard, write
from tests.secrets import random_body

BACKEND = 'apps/backend'
CONFIG = f'{BACKEND}/app/config.py'


@pytest.fixture
def mono(repo: Path) -> Path:
    return monorepo.build(repo)


def check(repo: Path, *args: str) -> tuple[int, list[dict], str]:
    proc = run_guard('check', 'env-schema', '--format', 'json', *args, cwd=repo)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)['findings'], proc.stderr


def settings_with(mono: Path, *, validator: str = '', sources: str = '', config: str = '') -> None:
    """The monorepo's settings class with a validator, a sources override or config keys added."""
    path = mono / CONFIG
    text = path.read_text().replace(
        'from pydantic import Field, SecretStr', 'from pydantic import Field, SecretStr, field_validator'
    )
    text = text.replace("extra='ignore')\n", f"extra='ignore'{config})\n{sources}")
    text = text.replace('\n\nsettings = Settings()', f'{validator}\n\nsettings = Settings()')
    path.write_text(text)


def without_jwt(mono: Path) -> None:
    env_file = mono / BACKEND / '.env'
    env_file.write_text(''.join(line + '\n' for line in env_file.read_text().splitlines() if 'JWT' not in line))


def no_import_time_instance(mono: Path) -> None:
    """The class alone: nothing builds it on import (the FastAPI dependency pattern)."""
    path = mono / CONFIG
    path.write_text(path.read_text().replace('\n\nsettings = Settings()\n', '\n'))
    (mono / BACKEND / 'app/main.py').write_text('API_TITLE = "backend"\n')


def line_of(mono: Path, needle: str) -> int:
    lines = (mono / CONFIG).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# --- a validator that raises something other than a ValidationError -----------------------------

RAISES_KEY = """
    @field_validator('database_url')
    @classmethod
    def known_database(cls, value: str) -> str:
        return {}[value]  # KeyError quoting the whole URL
"""

RAISES_PART = """
    @field_validator('database_url')
    @classmethod
    def known_password(cls, value: str) -> str:
        password = value.split('://', 1)[1].split('@')[0].split(':')[1]
        raise KeyError(f'no such key: {password}')
"""

RAISES_HUGE = """
    @field_validator('database_url')
    @classmethod
    def noisy(cls, value: str) -> str:
        raise RuntimeError('x' * 1_000_000 + value)
"""


@pytest.mark.parametrize('at_import', [True, False], ids=['settings-built-on-import', 'class-only'])
def test_a_validator_raising_keyerror_is_a_finding_not_a_pass(mono: Path, at_import: bool) -> None:
    settings_with(mono, validator=RAISES_KEY)
    if not at_import:
        no_import_time_instance(mono)
    url = next(line for line in (mono / BACKEND / '.env').read_text().splitlines() if line.startswith('DATABASE_URL'))
    code, found, receipt = check(mono, '--no-environ')
    assert code == 1, receipt
    assert [(f['rule_id'], f['path'], f['line']) for f in found] == [
        ('env-schema-error', CONFIG, line_of(mono, 'return {}[value]'))
    ]
    message = found[0]['message']
    assert message.startswith(
        f'app.config.Settings raised KeyError in known_database ({CONFIG}:{found[0]["line"]}) '
        'when built from apps/backend/.env: '
    )
    assert message.endswith('the app would not start with these values')
    body = url.split('=', 1)[1]
    assert body not in json.dumps(found) + receipt
    assert body.split(':')[2].split('@')[0] not in message  # not even the password in it


def test_a_crash_quoting_part_of_a_value_is_masked(mono: Path) -> None:
    settings_with(mono, validator=RAISES_PART)
    password = (mono / BACKEND / '.env').read_text().split('://', 1)[1].split('@')[0].split(':')[1]
    proc = run_guard('check', 'env-schema', '--no-environ', cwd=mono)
    assert proc.returncode == 1, proc.stderr
    assert 'env-schema-error app.config.Settings raised KeyError in known_password' in proc.stdout
    assert "'no such key: " in proc.stdout
    assert password not in proc.stdout + proc.stderr


def test_a_crash_with_a_megabyte_of_text_stays_one_short_line(mono: Path) -> None:
    settings_with(mono, validator=RAISES_HUGE)
    proc = run_guard('check', 'env-schema', '--no-environ', cwd=mono)
    assert proc.returncode == 1, proc.stderr
    (line,) = proc.stdout.splitlines()
    assert 'raised RuntimeError in noisy' in line and len(line) < 400


def test_the_class_failing_to_build_at_all_is_never_a_pass(mono: Path) -> None:
    # a class whose own __init__ needs an argument: the app cannot build it as guard does either
    path = mono / CONFIG
    path.write_text(
        path.read_text().replace(
            '\n\nsettings = Settings()\n',
            '\n    def __init__(self, region: str) -> None:\n        super().__init__()\n',
        )
    )
    (mono / BACKEND / 'app/main.py').write_text('API_TITLE = "backend"\n')
    code, found, _ = check(mono, '--no-environ')
    assert code == 1
    assert [f['rule_id'] for f in found] == ['env-schema-error'] and 'raised TypeError' in found[0]['message']


# --- a secrets directory, only when asked -------------------------------------------------------


def test_a_secrets_dir_counts_when_asked_on_the_command_line(mono: Path) -> None:
    without_jwt(mono)
    secrets = mono / 'run/secrets'
    write(secrets / 'jwt_secret_key', random_body(48) + '\n')
    write(secrets / 'unrelated_token', random_body(20))  # a secrets dir holds more than one app reads
    code, found, _ = check(mono, '--no-environ')
    assert code == 1 and [f['message'].split(' ')[0] for f in found] == ['JWT_SECRET_KEY']
    code, found, receipt = check(mono, '--no-environ', '--secrets-dir', 'run/secrets')
    assert (code, found) == (0, []), receipt
    assert 'against run/secrets/, apps/backend/.env only' in receipt
    short = random_body(12)
    write(secrets / 'jwt_secret_key', short)
    code, found, _ = check(mono, '--no-environ', '--secrets-dir', 'run/secrets')
    assert code == 1
    assert [(f['rule_id'], f['path'], f['line']) for f in found] == [
        ('env-schema-invalid', 'run/secrets/jwt_secret_key', None)
    ]
    assert short not in json.dumps(found)
    # an env file wins over the secrets dir, as in pydantic-settings
    env_file = mono / BACKEND / '.env'
    env_file.write_text(env_file.read_text() + f'JWT_SECRET_KEY={random_body(48)}\n')
    assert check(mono, '--no-environ', '--secrets-dir', 'run/secrets')[:2] == (0, [])


def test_a_secrets_dir_from_guard_yaml_and_mounted_as_kubernetes_does(mono: Path) -> None:
    without_jwt(mono)
    mounted = mono / 'k8s'
    write(mounted / '..2026_12_02_08_00_00.1/jwt_secret_key', random_body(48))
    os.symlink('..2026_12_02_08_00_00.1', mounted / '..data')
    os.symlink('..data/jwt_secret_key', mounted / 'jwt_secret_key')
    (mono / '.guard.yaml').write_text(monorepo.GUARD_YAML + '  secrets_dir: k8s\n')
    code, found, receipt = check(mono, '--no-environ')
    assert (code, found) == (0, []), receipt
    assert 'against k8s/, apps/backend/.env only' in receipt


def test_a_secrets_dir_that_is_missing_is_exit_2_naming_it(mono: Path) -> None:
    proc = run_guard('check', 'env-schema', '--no-environ', '--secrets-dir', 'nowhere', cwd=mono)
    assert proc.returncode == 2
    assert (
        proc.stderr.strip()
        == 'guard: nowhere: secrets directory not found; pass an existing directory to --secrets-dir'
    )


def test_a_secrets_dir_with_a_schema(mono: Path) -> None:
    write(mono / 'env.schema.yaml', 'variables:\n  API_TOKEN: {type: secret, min_length: 32, description: API}\n')
    write(mono / 'check.env', 'OTHER=1\n')
    write(mono / 'secrets/API_TOKEN', random_body(12))
    write(mono / 'secrets/unrelated', 'x')  # not a variable of the schema: no unknown-key finding
    args = ('--schema', 'env.schema.yaml', '--env-file', 'check.env', '--secrets-dir', 'secrets')
    code, found, _ = check(mono, *args)
    assert code == 1
    assert [(f['rule_id'], f['path']) for f in found] == [
        ('env-schema-unknown', 'check.env'),
        ('env-schema-invalid', 'secrets/API_TOKEN'),
    ]
    write(mono / 'secrets/API_TOKEN', random_body(48))
    write(mono / 'check.env', '')
    assert check(mono, *args)[:2] == (0, [])


# --- the class's own sources never count --------------------------------------------------------

OWN_SOURCES = """
    @classmethod
    def settings_customise_sources(
        cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings
    ):
        from pydantic_settings import DotEnvSettingsSource, JsonConfigSettingsSource, SecretsSettingsSource

        return (
            init_settings,
            JsonConfigSettingsSource(settings_cls),
            env_settings,
            DotEnvSettingsSource(settings_cls, env_file='shared.env'),
            SecretsSettingsSource(settings_cls, secrets_dir='run-secrets'),
            file_secret_settings,
        )
"""


def plant_own_sources(mono: Path) -> None:
    """Each place the class could find the key by itself: a JSON file, a dotenv file, two
    secrets directories (its own source and model_config's), all beside the app."""
    backend = mono / BACKEND
    write(backend / 'config.json', json.dumps({'jwt_secret_key': random_body(48)}))
    write(backend / 'shared.env', f'JWT_SECRET_KEY={random_body(48)}\n')
    write(backend / 'run-secrets/jwt_secret_key', random_body(48))
    write(backend / 'conf-secrets/jwt_secret_key', random_body(48))


@pytest.mark.parametrize('overrides', [True, False], ids=['overrides-sources', 'default-sources'])
def test_the_class_own_sources_never_satisfy_a_missing_key(mono: Path, overrides: bool) -> None:
    plant_own_sources(mono)
    config = ", json_file='config.json', secrets_dir='conf-secrets'"
    settings_with(mono, sources=OWN_SOURCES if overrides else '', config=config)
    without_jwt(mono)
    code, found, receipt = check(mono, '--no-environ')
    assert code == 1, receipt
    assert [(f['rule_id'], f['message'].split(' ')[0]) for f in found] == [('env-schema-missing', 'JWT_SECRET_KEY')]
    note = 'app.config.Settings chooses its own sources (settings_customise_sources): only its init arguments'
    assert (note in receipt) == overrides
    # the values under test still reach it: with the key in the env file, it passes
    env_file = mono / BACKEND / '.env'
    env_file.write_text(env_file.read_text() + f'JWT_SECRET_KEY={random_body(48)}\n')
    assert check(mono, '--no-environ')[:2] == (0, [])


def test_a_subclass_inherits_the_isolation(mono: Path) -> None:
    plant_own_sources(mono)
    settings_with(mono, sources=OWN_SOURCES)
    path = mono / CONFIG
    path.write_text(path.read_text().replace('\nsettings = Settings()', '\nclass Prod(Settings):\n    pass\n'))
    without_jwt(mono)
    code, found, receipt = check(mono, '--no-environ', '--settings', 'app.config:Prod')
    assert code == 1, receipt
    assert [f['message'].split(' ')[0] for f in found] == ['JWT_SECRET_KEY']
    assert 'app.config.Settings chooses its own sources' in receipt


def test_output_of_the_project_at_exit_never_stands_for_the_verdict(mono: Path) -> None:
    without_jwt(mono)
    path = mono / CONFIG
    forged = json.dumps({'class': {'name': 'x', 'env_names': {}}, 'errors': []})
    path.write_text(
        f'import atexit, os\natexit.register(lambda: os.write(1, b{forged!r} + b"\\n"))\n' + path.read_text()
    )
    code, found, _ = check(mono, '--no-environ')
    assert code == 1
    assert [f['message'].split(' ')[0] for f in found] == ['JWT_SECRET_KEY']
