"""guard.mask in a FastAPI application: in-process through TestClient, and served by uvicorn.

The application is written to a temporary directory as a user would write it: a
pydantic-settings class reading `.env`, the README's dictConfig recipe, a few routes that
log what careless code logs. Every planted secret is built at run time.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import write
from tests.masksamples import CLEAN, github_token, password, random_body

CONFIG = """
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file='.env', extra='ignore')
    database_url: str
    api_token: SecretStr
    webhook_secret: SecretStr
    environment: str = 'development'


settings = Settings()
"""

README = Path(__file__).resolve().parent.parent / 'README.md'


def readme_recipe(first_line: str) -> str:
    """The README's python block that starts with `first_line`, as a user would paste it."""
    blocks = re.findall(r'```python\n(.*?)```', README.read_text(encoding='utf-8'), re.DOTALL)
    found = [b for b in blocks if b.startswith(first_line)]
    assert len(found) == 1, f'README: no single python block starting {first_line!r}'
    return found[0]


# The README's recipe as written, then a file handler added so the test can read what was written.
LOGCONF = (
    readme_recipe('# logconf.py')
    + """
LOGGING['handlers']['file'] = {
    'class': 'logging.FileHandler', 'filename': 'app.log', 'formatter': 'default', 'filters': ['mask']
}
for logger in (LOGGING['loggers']['uvicorn'], LOGGING['loggers']['uvicorn.access'], LOGGING['root']):
    logger['handlers'].append('file')
"""
)

MAIN = """
import logging
import logging.config

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from config import settings
from logconf import LOGGING

logging.config.dictConfig(LOGGING)
log = logging.getLogger('shop')
app = FastAPI()


@app.get('/health')
def health():
    log.info('%s', CLEAN)
    return {'ok': True}


@app.get('/orders/{order_id}')
def order(order_id: int):
    log.info('fetching order %s with token %s', order_id, settings.api_token.get_secret_value())
    return {'id': order_id}


@app.post('/hooks/github')
async def hook(request: Request):
    log.warning('bad signature, expected %s, headers %s', settings.webhook_secret.get_secret_value(),
                dict(request.headers))
    return JSONResponse({'ok': False}, status_code=401)


@app.get('/db')
def db():
    try:
        raise ConnectionError('could not connect to ' + settings.database_url)
    except ConnectionError:
        log.exception('database down')
    return JSONResponse({'ok': False}, status_code=503)


@app.get('/login')
def login(request: Request):
    log.info('login attempt %s', request.url)
    return {'ok': True}


@app.get('/crash')
def crash():
    raise RuntimeError('lost connection to ' + settings.database_url)  # uvicorn logs the traceback
"""

SERVE = """
import sys

import uvicorn

from logconf import LOGGING

uvicorn.run('main:app', host='127.0.0.1', port=int(sys.argv[1]), log_config=LOGGING)
"""


class App:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.db_password = password()
        self.api_token = random_body(32)  # no known format: only the settings say it is secret
        self.webhook_secret = random_body(24)
        self.github = github_token()
        self.bearer = random_body(40)
        self.login_password = random_body(16)
        self.planted = [
            self.db_password,
            self.api_token,
            self.webhook_secret,
            self.github,
            self.bearer,
            self.login_password,
        ]
        write(root / 'config.py', CONFIG)
        write(root / 'logconf.py', LOGCONF)
        write(root / 'main.py', f'CLEAN = {CLEAN[0]!r}\n' + MAIN)
        write(root / 'serve.py', SERVE)
        write(
            root / '.env',
            f'DATABASE_URL=postgresql://shop:{self.db_password}@db.internal.shop.io:5432/shop\n'
            f'API_TOKEN={self.api_token}\nWEBHOOK_SECRET={self.webhook_secret}\nENVIRONMENT=production\n',
        )

    def requests(self, client: httpx.Client) -> None:
        assert client.get('/health').status_code == 200
        assert client.get('/orders/7').status_code == 200
        headers = {'Authorization': f'Bearer {self.bearer}', 'X-GitHub-Token': self.github}
        assert client.post('/hooks/github', headers=headers).status_code == 401
        assert client.get('/db').status_code == 503
        assert client.get('/login', params={'user': 'ann', 'password': self.login_password}).status_code == 200


@pytest.fixture
def app_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    root = tmp_path / 'shop'
    root.mkdir()
    monkeypatch.chdir(root)
    for name in ('API_TOKEN', 'WEBHOOK_SECRET', 'DATABASE_URL'):
        monkeypatch.delenv(name, raising=False)
    yield App(root)


def test_fastapi_app_logs_no_secret_through_testclient(
    app_dir: App, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fastapi.testclient import TestClient

    monkeypatch.syspath_prepend(str(app_dir.root))
    for name in ('config', 'logconf', 'main'):
        sys.modules.pop(name, None)
    try:
        import main  # type: ignore[import-not-found]

        with TestClient(main.app) as client:
            app_dir.requests(client)
    finally:
        import logging.config

        logging.config.dictConfig({'version': 1, 'disable_existing_loggers': False})
        for name in ('config', 'logconf', 'main'):
            sys.modules.pop(name, None)
    logged = (app_dir.root / 'app.log').read_text() + capsys.readouterr().err
    assert [s for s in app_dir.planted if s in logged] == []
    assert f'INFO:     shop: {CLEAN[0]}\n' in logged  # a clean line, exactly
    assert 'fetching order 7 with token …(32)' in logged
    assert "'x-github-token': 'ghp_…(40)'" in logged
    assert f'could not connect to postgresql://shop:…({len(app_dir.db_password)})@db.internal.shop.io' in logged
    assert 'Traceback (most recent call last)' in logged


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return int(sock.getsockname()[1])


def test_uvicorn_server_logs_no_secret(app_dir: App) -> None:
    port = _free_port()
    env = {**os.environ, 'PYTHONPATH': str(app_dir.root)}
    proc = subprocess.Popen(
        [sys.executable, 'serve.py', str(port)],
        cwd=app_dir.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None and proc.stdout is not None
    try:
        started = b''
        deadline = time.monotonic() + 120
        while b'Uvicorn running' not in started and time.monotonic() < deadline and proc.poll() is None:
            ready, _, _ = select.select([proc.stderr], [], [], 5)
            if ready:
                started += os.read(proc.stderr.fileno(), 65536)
        assert b'Uvicorn running' in started, started.decode(errors='replace')
        with httpx.Client(base_url=f'http://127.0.0.1:{port}', timeout=60) as client:
            app_dir.requests(client)
            token = github_token()
            assert client.get('/health', params={'token': token}).status_code == 200
            app_dir.planted.append(token)
            assert client.get('/crash').status_code == 500
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    logged = (started + err).decode() + out.decode() + (app_dir.root / 'app.log').read_text()
    assert [s for s in app_dir.planted if s in logged] == []
    assert '"GET /health?token=ghp_…(40) HTTP/1.1" 200' in out.decode()
    assert '"GET /health HTTP/1.1" 200' in out.decode()  # a clean access line
    assert f'/login?user=ann&password=…({len(app_dir.login_password)})' in logged
    assert f'INFO:     shop: {CLEAN[0]}\n' in logged
    assert (
        'Exception in ASGI application' in logged and 'RuntimeError: lost connection to postgresql://shop:…(' in logged
    )


def test_readme_structlog_recipe_masks_as_pasted(app_dir: App) -> None:
    script = (
        'from config import settings\n'
        + readme_recipe('import structlog')
        + "structlog.get_logger().info('calling upstream', credential=settings.api_token.get_secret_value(),"
        " dsn=settings.database_url, note='plain words')\n"
    )
    write(app_dir.root / 'slog.py', script)
    result = subprocess.run(
        [sys.executable, 'slog.py'], cwd=app_dir.root, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert app_dir.api_token not in result.stdout and app_dir.db_password not in result.stdout
    event = json.loads(result.stdout)
    assert event['event'] == 'calling upstream' and event['note'] == 'plain words'
    assert event['credential'].endswith(f'…({len(app_dir.api_token)})')
    assert event['dsn'].startswith('postgresql://shop:…(') and event['dsn'].endswith('@db.internal.shop.io:5432/shop')
