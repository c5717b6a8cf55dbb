"""Credentials on command lines: shell scripts, PowerShell, batch files, CI steps, Dockerfiles."""

from __future__ import annotations

import base64
import random
import time

import pytest

from guard.detectors import build_detectors
from guard.detectors.commandlines import CommandLineDetector, split_command
from guard.models import Fragment
from tests.conftest import run_guard, write
from tests.secrets import ALNUM

_rng = random.Random(1213)  # not tests.secrets' shared generator: later modules' values stay as they were


def random_body(n: int) -> str:
    return ''.join(_rng.choice(ALNUM) for _ in range(n))


V = random_body(24)
W = random_body(18) + '#q!'  # a password with shell-safe punctuation
B = base64.b64encode(f'deploy:{V}'.encode()).decode()
DETECTOR = CommandLineDetector()


def found(path: str, text: str) -> list[str]:
    """The values reported, read back from the text at each finding's line and column."""
    lines = text.splitlines()
    return [lines[f.line - 1][f.column - 1 : f.end_column - 1] for f in DETECTOR.detect(Fragment(path, text))]


DEPLOY_SH = f"""\
#!/usr/bin/env bash
set -euo pipefail
# publish the release
curl -sSf -u "ci-bot:{V}" https://nexus.acme.io/service/rest/v1/components?repository=releases
curl -X POST \\
  -H 'Content-Type: application/json' \\
  -H "Authorization: Bearer {V[::-1]}" \\
  https://api.acme.io/v2/deploy
docker login -u ci -p {W} registry.acme.io && docker push registry.acme.io/app:1.4
mysqldump -u backup -p'{W[::-1]}' --single-transaction shop > shop.sql
sshpass -p {V[2:]}Zq9 scp shop.sql backup@10.0.4.12:/srv/backups/
curl --header "Authorization: Basic {B}" https://files.acme.io/upload
"""

PROVISION_PS1 = f"""\
$user = 'ACME\\svc-deploy'
$secure = ConvertTo-SecureString '{W}' -AsPlainText -Force
$cred = New-Object System.Management.Automation.PSCredential($user, $secure)
$other = ConvertTo-SecureString -String "{V}" -AsPlainText -Force
"""

RESTART_BAT = f"""\
@echo off
psexec \\\\web01 -u ACME\\admin -p {W} -accepteula cmd /c "iisreset"
net use Z: \\\\files01\\deploy {V} /user:ACME\\svc-files
"""

WORKFLOW_YAML = f"""\
jobs:
  release:
    steps:
      - run: |
          redis-cli -h cache.acme.io -a {V} FLUSHALL
          sqlcmd -S db.acme.io -U sa -P {W} -Q "SELECT 1"
          openssl pkcs12 -export -in cert.pem -inkey key.pem -passout pass:{V[::-1]} -out cert.p12
"""

DOCKERFILE = f"""\
FROM alpine:3.20
RUN apk add --no-cache curl \\
 && curl -fsSL -u deploy:{W} https://artifacts.acme.io/tool.tgz | tar -xz -C /usr/local/bin
"""

PYTHON = f"""\
import subprocess
subprocess.run("mysql -uroot -p{V} shop < schema.sql", shell=True, check=True)
"""


@pytest.mark.parametrize(
    'path,text,expected',
    [
        ('scripts/deploy.sh', DEPLOY_SH, [V, V[::-1], W, W[::-1], V[2:] + 'Zq9', B]),
        ('provision.ps1', PROVISION_PS1, [W, V]),
        ('restart.bat', RESTART_BAT, [W, V]),
        ('.github/workflows/release.yml', WORKFLOW_YAML, [V, W, V[::-1]]),
        ('Dockerfile', DOCKERFILE, [W]),
        ('tools/load.py', PYTHON, [V]),
    ],
    ids=['shell', 'powershell', 'batch', 'ci-step', 'dockerfile', 'python-string'],
)
def test_command_line_credentials_are_found(path: str, text: str, expected: list[str]) -> None:
    assert found(path, text) == expected


@pytest.mark.parametrize(
    'text',
    [
        'mysql -u root -p shop',  # -p alone prompts; `shop` is the database
        'mysql -u root -p',
        'echo "$REGISTRY_TOKEN" | docker login -u ci --password-stdin registry.acme.io',
        'docker login -u ci -p "$REGISTRY_TOKEN" registry.acme.io',
        'docker login -u ci -p ${{ secrets.REGISTRY_TOKEN }} registry.acme.io',
        'curl -u admin https://api.acme.io',  # curl prompts for the password
        'curl -u "$API_USER:$API_TOKEN" https://api.acme.io',
        'curl -H "Authorization: Bearer $TOKEN" https://api.acme.io',
        'curl -H "Authorization: Bearer <your-token>" https://api.acme.io',
        'curl -u admin:password https://localhost:8080',
        'sshpass -e ssh deploy@host',
        'sshpass -f ~/.pw ssh deploy@host',
        'psexec \\\\web01 -u ACME\\admin -p %ADMIN_PASSWORD% cmd',
        '$s = ConvertTo-SecureString $env:PASSWORD -AsPlainText -Force',
        '$s = Read-Host -AsSecureString | ConvertTo-SecureString',
        'net use Z: \\\\files01\\deploy * /user:ACME\\svc-files',
        'curl_easy_setopt(curl, CURLOPT_USERPWD, "user:pass");',
        'docker-compose -p myproject up -d',
        'htpasswd -c .htpasswd admin',
        'redis-cli --askpass -h cache.acme.io',
    ],
)
def test_commands_without_a_literal_credential_are_silent(text: str) -> None:
    assert found('run.sh', text) == []


def test_split_command_follows_quotes_and_continuations() -> None:
    text = 'curl -u \'a b:c\' \\\n  -H "X: y" https://h ; echo done'
    words = [w.value for w in split_command(text, 4)]
    assert words == ['-u', 'a b:c', '-H', 'X: y', 'https://h']


def test_the_detector_is_registered_and_declares_its_rule() -> None:
    assert any(isinstance(d, CommandLineDetector) for d in build_detectors())
    assert set(CommandLineDetector.reports) == {CommandLineDetector.id}
    assert not any(isinstance(d, CommandLineDetector) for d in build_detectors(frozenset({CommandLineDetector.id})))


@pytest.mark.no_cover  # a CPU-time bound measures the code, not the coverage tracer
def test_linear_on_adversarial_near_misses() -> None:
    units = ['curl -u a:', 'mysql -p', "curl -H 'Authorization: Bearer ", 'docker login -p ', '"curl ', 'net use \\\\']
    for unit in units:
        text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
        started = time.process_time()
        list(DETECTOR.detect(Fragment('big.sh', text)))
        assert time.process_time() - started < 2.0, unit


def test_end_to_end(tmp_path) -> None:
    write(tmp_path / 'deploy.sh', f'sshpass -p {V} ssh deploy@10.0.4.12 uptime\n')
    result = run_guard('scan', str(tmp_path), '--format', 'json', cwd=tmp_path)
    assert result.returncode == 1
    assert '"command-line-credential"' in result.stdout
    assert V not in result.stdout
