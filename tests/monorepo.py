"""A seed-shaped Turborepo monorepo, built at run time in a real git repository: a FastAPI
backend with a pydantic-settings class built on import, a Next.js frontend with a zod env
schema, a root compose file and root scripts. Clean as built: every hygiene check passes.

Secret-looking values are generated here, never written in the source.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import commit_all, write
from tests.secrets import random_body

GITIGNORE = """node_modules/
.next/
__pycache__/
.venv/
.env
.env.local
.env.*.local
!.env.example
"""

GUARD_YAML = """env:
  settings: app.config:Settings
"""

SETTINGS = """from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file='.env', extra='ignore')

    database_url: str = Field(description='Neon Postgres connection string (pooled endpoint)')
    jwt_secret_key: SecretStr = Field(min_length=32, description='Signs access tokens')
    jwt_algorithm: str = Field('HS256', description='JWT signing algorithm')
    access_token_expire_minutes: int = Field(30, description='Access token lifetime in minutes')
    cors_origins: list[str] = Field(default=['http://localhost:3000'], description='Allowed CORS origins')


settings = Settings()
"""

# WSGI middleware: `environ` here is the request, not the process environment
WSGI = """def health(environ, start_response):
    path = environ.get('PATH_INFO', '/')
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [path.encode()]
"""

BACKEND_MAIN = """from app.config import settings

API_TITLE = 'backend'
ORIGINS = settings.cors_origins
"""

BACKEND_TEMPLATE = """DATABASE_URL=
JWT_SECRET_KEY=
JWT_ALGORITHM=HS256
ACCESS_TOKEN_EXPIRE_MINUTES=30
CORS_ORIGINS=["http://localhost:3000"]
"""

FRONTEND_ENV_TS = """import { z } from 'zod';

const schema = z.object({
  NEXT_PUBLIC_API_URL: z.string().url(),
  NEXT_PUBLIC_ENVIRONMENT: z.enum(['development', 'staging', 'production']),
});

export const env = schema.parse(process.env);
"""

FRONTEND_TEMPLATE = """# Backend base URL (public: shipped to the browser)
NEXT_PUBLIC_API_URL=http://localhost:8000
# development, staging or production
NEXT_PUBLIC_ENVIRONMENT=development
"""

COMPOSE = """services:
  backend:
    build: ./apps/backend
    env_file: apps/backend/.env
    environment:
      DATABASE_URL: ${DATABASE_URL}
    ports: ["8000:8000"]
  frontend:
    build: ./apps/frontend
    ports: ["3000:3000"]
"""


def database_url(host: str = 'localhost:5432') -> str:
    return f'postgresql+asyncpg://app:{random_body(20)}@{host}/app'


def backend_env() -> str:
    """The developer's apps/backend/.env (git-ignored): valid for the settings class."""
    return (
        f'DATABASE_URL={database_url()}\n'
        f'JWT_SECRET_KEY={random_body(48)}\n'
        'JWT_ALGORITHM=HS256\n'
        'ACCESS_TOKEN_EXPIRE_MINUTES=30\n'
        'CORS_ORIGINS=["http://localhost:3000"]\n'
    )


def build(repo: Path) -> Path:
    """The clean monorepo in `repo` (a git repository), committed; local env files untracked."""
    write(repo / '.gitignore', GITIGNORE)
    write(repo / '.guard.yaml', GUARD_YAML)
    write(repo / 'package.json', '{"name": "mono", "private": true, "devDependencies": {"turbo": "^2"}}\n')
    write(repo / 'pnpm-workspace.yaml', 'packages:\n  - apps/*\n  - packages/*\n')
    write(repo / 'turbo.json', '{"tasks": {"build": {}, "dev": {"cache": false}}}\n')
    write(repo / 'docker-compose.yml', COMPOSE)
    write(repo / 'scripts/dev.sh', '#!/bin/sh\ncd apps/backend && uvicorn app.main:app --reload\n')
    backend = repo / 'apps/backend'
    write(backend / 'pyproject.toml', '[project]\nname = "backend"\ndependencies = ["fastapi", "pydantic-settings"]\n')
    write(backend / 'Dockerfile', 'FROM python:3.12-slim\nCOPY ./app /app/app\n')
    write(backend / 'app/__init__.py', '')
    write(backend / 'app/config.py', SETTINGS)
    write(backend / 'app/main.py', BACKEND_MAIN)
    write(backend / 'app/wsgi.py', WSGI)
    write(backend / '.env.example', BACKEND_TEMPLATE)
    frontend = repo / 'apps/frontend'
    write(frontend / 'package.json', '{"name": "frontend", "dependencies": {"next": "^15", "zod": "^3"}}\n')
    write(frontend / 'next.config.js', 'module.exports = { reactStrictMode: true };\n')
    write(frontend / 'src/env.ts', FRONTEND_ENV_TS)
    write(frontend / 'src/lib/api.ts', 'export const API = process.env.NEXT_PUBLIC_API_URL;\n')
    write(frontend / '.env.example', FRONTEND_TEMPLATE)
    commit_all(repo, 'monorepo')
    write(backend / '.env', backend_env())  # ignored: the developer's own values
    write(frontend / '.env.local', 'NEXT_PUBLIC_API_URL=http://localhost:8000\nNEXT_PUBLIC_ENVIRONMENT=development\n')
    return repo
