"""Which env variables code reads: Python via ast, JS/TS, compose, shell, workflows."""

from __future__ import annotations

from guard.checks.env_usage import (
    compose_usages,
    is_platform_key,
    js_usages,
    python_usages,
    reader_for,
    shell_usages,
    workflow_usages,
)


def names(usages: list) -> list[tuple[str, int]]:  # type: ignore[type-arg]
    return [(u.name, u.line) for u in usages]


def test_python_environ_reads() -> None:
    code = """import os
from os import environ, getenv
a = os.getenv("A")
b = os.environ["B"]
c = os.environ.get("C", "x")
d = environ.get("D")
e = getenv("E")
if "F" in os.environ: pass
name = "DYNAMIC"
g = os.getenv(name)
h = config.get("NOT_ENV")
"""
    assert sorted(names(python_usages(code, 'app.py'))) == [('A', 3), ('B', 4), ('C', 5), ('D', 6), ('E', 7), ('F', 8)]


def test_python_syntax_error_reads_nothing() -> None:
    assert python_usages('os.getenv("A"\n', 'bad.py') == []


def test_pydantic_settings_prefix_alias_and_case() -> None:
    code = """from pydantic import Field, AliasChoices
from pydantic_settings import BaseSettings, SettingsConfigDict

class Base(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")
    debug: bool = False
    database_url: str = Field(validation_alias=AliasChoices("DATABASE_URL", "DB_URL"))
    redis: str = Field(alias="REDIS_URL")
    _private: int = 0

class Child(Base):
    workers: int = 2

class Exact(BaseSettings):
    model_config = {"case_sensitive": True}
    lower_name: str

class V1(BaseSettings):
    token: str
    class Config:
        env_prefix = "SVC_"
"""
    usages = python_usages(code, 'settings.py')
    by_name = {u.name: u for u in usages}
    assert sorted(by_name) == ['APP_DEBUG', 'APP_WORKERS', 'DATABASE_URL', 'REDIS_URL', 'SVC_TOKEN', 'lower_name']
    assert by_name['DATABASE_URL'].alternatives == ('DB_URL',)
    assert by_name['DATABASE_URL'].matches('DB_URL')
    assert by_name['APP_DEBUG'].matches('app_debug')  # case-insensitive by default
    assert not by_name['lower_name'].matches('LOWER_NAME')  # case_sensitive=True
    assert by_name['APP_WORKERS'].line == 12


def test_js_ts_reads() -> None:
    code = """const a = process.env.API_URL;
const b = process.env["SECRET_NAME"];
const c = import.meta.env.VITE_KEY;
const { DB_HOST, DB_PORT: port = 5432 } = process.env;
const d = process.env?.OPTIONAL;
"""
    assert sorted(names(js_usages(code, 'a.ts'))) == [
        ('API_URL', 1),
        ('DB_HOST', 4),
        ('DB_PORT', 4),
        ('OPTIONAL', 5),
        ('SECRET_NAME', 2),
        ('VITE_KEY', 3),
    ]


def test_compose_interpolation_skips_escapes_and_comments() -> None:
    text = """services:
  db:
    image: postgres:${PG_VERSION:-16}
    environment:
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
      LITERAL: $$NOT_A_VAR
      PLAIN: $BARE_VAR
# ${COMMENTED}
"""
    assert sorted(names(compose_usages(text, 'docker-compose.yml'))) == [
        ('BARE_VAR', 7),
        ('PG_VERSION', 3),
        ('POSTGRES_PASSWORD', 5),
    ]


def test_shell_and_workflow_reads_are_weak() -> None:
    shell = shell_usages('#!/bin/sh\necho "${API_TOKEN}" ${lower}\n# ${COMMENTED}\n', 'run.sh')
    assert names(shell) == [('API_TOKEN', 2)] and not shell[0].strong
    workflow = workflow_usages(
        'on: push\nenv:\n  GLOBAL: 1\njobs:\n  t:\n    steps:\n      - run: x\n'
        '        env:\n          STEP_KEY: ${{ secrets.X }}\n',
        '.github/workflows/ci.yml',
    )
    assert names(workflow) == [('GLOBAL', 3), ('STEP_KEY', 9)] and not workflow[0].strong


def test_reader_dispatch_and_platform_keys() -> None:
    assert reader_for('src/app.py') is python_usages
    assert reader_for('web/src/App.tsx') is js_usages
    assert reader_for('deploy/compose.prod.yaml') is compose_usages
    assert reader_for('.github/workflows/ci.yml') is workflow_usages
    assert reader_for('config/settings.yml') is None
    assert is_platform_key('GITHUB_SHA') and is_platform_key('NODE_ENV') and not is_platform_key('DATABASE_URL')
    assert is_platform_key('INTERNAL_X', ['INTERNAL_*'])


def test_valibot_and_t3_env_schemas_are_key_lists() -> None:
    valibot = """import * as v from 'valibot';
const Env = v.object({
  DATABASE_URL: v.pipe(v.string(), v.url()),
  REDIS_URL: v.optional(v.string()),
});
export const env = v.parse(Env, import.meta.env);
"""
    assert sorted(names(js_usages(valibot, 'env.ts'))) == [('DATABASE_URL', 3), ('REDIS_URL', 4)]
    t3 = """import { createEnv } from '@t3-oss/env-nextjs';
export const env = createEnv({
  server: { AUTH_SECRET: z.string(), nested: { inner: 1 } },
  client: { NEXT_PUBLIC_API_URL: z.string().url() },
  runtimeEnv: { AUTH_SECRET: process.env.AUTH_SECRET, NEXT_PUBLIC_API_URL: process.env.NEXT_PUBLIC_API_URL },
});
"""
    found = {n for n, _ in names(js_usages(t3, 'env.ts'))}
    assert found == {'AUTH_SECRET', 'NEXT_PUBLIC_API_URL'}
    # an object literal without the whole environment parsed is not a schema of env keys
    plain = 'const o = z.object({ NAME: z.string() });\nconst x = process.env.A;\n'
    assert [u.name for u in js_usages(plain, 'a.ts')] == ['A']
