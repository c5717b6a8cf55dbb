"""MaskingFilter.from_settings: what a pydantic-settings instance and the local env files hold."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from pydantic import BaseModel, PostgresDsn, SecretBytes, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from guard.mask import MaskingFilter
from guard.mask.settings import secret_values
from tests.masksamples import random_body


class Smtp(BaseModel):
    host: str = 'smtp.acme.io'
    password: SecretStr


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra='ignore')
    database_url: PostgresDsn
    api_key: SecretStr
    signing_key: SecretBytes
    session_secret: str  # a plain str whose name says secret
    session_cookie_name: str = 'session-id'  # named like a secret, but a word
    environment: str = 'production'
    allowed_hosts: list[str] = ['api.acme.io']
    smtp: Smtp


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Settings, dict[str, str]]:
    monkeypatch.chdir(tmp_path)
    values = {
        'db': random_body(18),
        'api': random_body(30),
        'signing': random_body(20),
        'session': random_body(24),
        'smtp': random_body(12),
    }
    built = Settings(
        database_url=f'postgresql://app:{values["db"]}@db.acme.io:5432/app',  # type: ignore[arg-type]
        api_key=SecretStr(values['api']),
        signing_key=SecretBytes(values['signing'].encode()),
        session_secret=values['session'],
        smtp=Smtp(password=SecretStr(values['smtp'])),
    )
    return built, values


def test_secret_values_are_the_secrets_and_nothing_else(settings: tuple[Settings, dict[str, str]]) -> None:
    built, values = settings
    found = secret_values(built, env_files=[])
    assert sorted(found) == sorted(values.values())


def test_local_env_files_are_read_as_own_secrets_reads_them(
    tmp_path: Path, settings: tuple[Settings, dict[str, str]]
) -> None:
    built, _ = settings
    token = random_body(28)
    (tmp_path / '.env').write_text(f'THIRD_PARTY_TOKEN={token}\nLOG_LEVEL=info\nWORKERS=4\n')
    (tmp_path / '.env.example').write_text(f'EXAMPLE_TOKEN={random_body(28)}\n')  # a template: not read
    found = secret_values(built)
    assert token in found and 'info' not in found and len(found) == 6


def test_from_settings_masks_them_in_records(settings: tuple[Settings, dict[str, str]]) -> None:
    built, values = settings
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter.from_settings(built, env_files=[]))
    log = logging.getLogger(f'test.settings.{random_body(6)}')
    log.propagate = False
    log.addHandler(handler)
    log.error('config dump: %s', built.model_dump())  # SecretStr prints as stars, the rest does not
    log.error('raw values: %s', ' '.join(values.values()))
    out = stream.getvalue()
    assert [v for v in values.values() if v in out] == []
    assert "'environment': 'production'" in out and "'session_cookie_name': 'session-id'" in out
