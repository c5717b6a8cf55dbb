"""The zoo of leaked configs from issue 13, one realistic file of each kind, built at run time:
every planted credential sits on a line of its own and is marked, so a scan is scored per
credential (found: a finding on its line), and each file also holds lines that must stay quiet
(stand-ins, references, local defaults where the policy says so, public values).

`tests/test_password_zoo.py` checks both directions; `bench/password_zoo.py` writes the tree and
counts what a `guard` (this one, or another checkout's) finds, for the before/after figures.
"""

from __future__ import annotations

import json
import string
from typing import NamedTuple

from tests.password_cases import B64CRYPT, HEX, b64, github_token, human, random_body


class ZooFile(NamedTuple):
    path: str
    lines: tuple[tuple[str, bool], ...]  # (line, planted credential on it)

    @property
    def text(self) -> str:
        return ''.join(line + '\n' for line, _ in self.lines)

    def planted(self) -> list[int]:
        return [i for i, (_, secret) in enumerate(self.lines, 1) if secret]

    def quiet(self) -> list[int]:
        return [i for i, (_, secret) in enumerate(self.lines, 1) if not secret]


S, Q = True, False


def _crypt(prefix: str, salt: int, body: int) -> str:
    return f'{prefix}{random_body(salt, B64CRYPT)}${random_body(body, B64CRYPT)}'


def zoo() -> list[ZooFile]:
    pw = human
    salt = string.ascii_letters + string.digits + '!@#%^&*()-_[]{}<>~+=,.;:/?|'  # WordPress's generator's
    deploy_ftp = b64(random_body(16))
    return [
        ZooFile(
            'home/.bashrc',
            (
                ('export PATH="$HOME/.local/bin:$PATH"', Q),
                (f'export PGPASSWORD={pw("Winter", "2024!")}', S),
                (f'export AWS_SECRET_ACCESS_KEY={random_body(40, string.ascii_letters + string.digits + "/+")}', S),
                (f'export GITHUB_TOKEN={github_token()}', S),
                ('export EDITOR=vim', Q),
                ('export VAULT_TOKEN="$(cat ~/.vault-token)"', Q),
            ),
        ),
        ZooFile(
            'app/.env',
            (
                ('APP_ENV=production', Q),
                (f'DB_PASSWORD={pw("hunter", "22")}', S),
                (f'REDIS_URL=redis://:{random_body(24)}@cache.acme-corp.io:6379/0', S),
                (f'SMTP_PASSWORD={pw("P@ssw0rd", "123!")}', S),
                ('SENTRY_DSN=https://' + random_body(32, HEX) + '@o1.ingest.sentry.io/1', Q),
                ('API_KEY=${API_KEY}', Q),
                ('DATABASE_URL=postgres://postgres:postgres@localhost:5432/app', Q),
            ),
        ),
        ZooFile(
            'site/wp-config.php',
            (
                ('<?php', Q),
                ("define( 'DB_NAME', 'wordpress' );", Q),
                ("define( 'DB_USER', 'wp_admin' );", Q),
                (f"define( 'DB_PASSWORD', '{pw('Sunshine', '99')}' );", S),
                ("define( 'DB_HOST', 'localhost' );", Q),
                *((f"define( '{k}', '{random_body(64, salt)}' );", S) for k in ('AUTH_KEY', 'NONCE_SALT')),
                ("define( 'WP_DEBUG', false );", Q),
            ),
        ),
        ZooFile(
            'AppData/Roaming/FileZilla/sitemanager.xml',
            (
                ('<?xml version="1.0" encoding="UTF-8"?>', Q),
                ('<FileZilla3 version="3.66.4" platform="windows"><Servers>', Q),
                ('<Server><Host>ftp.acme.io</Host><Port>21</Port><User>web</User>', Q),
                (f'<Pass encoding="base64">{b64(pw("Rainbow", "77"))}</Pass></Server>', S),
                ('<Server><Host>10.0.0.8</Host><Port>22</Port><User>deploy</User>', Q),
                (f'<Pass encoding="base64">{deploy_ftp}</Pass></Server>', S),
                ('<Server><Host>sftp.acme.io</Host><User>ro</User><Logontype>2</Logontype></Server>', Q),
                ('</Servers></FileZilla3>', Q),
            ),
        ),
        ZooFile(
            'AppData/Roaming/3T/robo-3t/1.4.4/robo3t.json',
            (
                ('{"connections": [{"connectionName": "prod", "serverHost": "mongo.acme.io", "credentials": [', Q),
                (f'{{"userName": "admin", "userPassword": "{pw("Mongo", "2019!")}", "databaseName": "admin"}}', S),
                ('], "sshSettings": {"host": "bastion.acme.io", "userName": "ops",', Q),
                (f'"userPassword": "{random_body(18)}", "privateKeyFile": ""}}}}]}}', S),
            ),
        ),
        ZooFile(
            'profile/logins.json',
            (
                ('{"nextId": 3, "logins": [', Q),
                ('{"hostname": "https://intranet.acme.io", "encryptedUsername": "' + _sdr() + '",', Q),
                ('"encryptedPassword": "' + _sdr() + '", "encType": 1},', S),
                ('{"hostname": "https://mail.acme.io", "encryptedUsername": "' + _sdr() + '",', Q),
                ('"encryptedPassword": "' + _sdr() + '", "encType": 1}', S),
                ('], "version": 3}', Q),
            ),
        ),
        ZooFile(
            'home/.netrc',
            (
                ('machine api.heroku.com', Q),
                ('  login ops@acme.io', Q),
                (f'  password {random_body(36, HEX)}', S),
                ('machine git.acme.io', Q),
                ('  login deploy', Q),
                (f'  password {pw("Summer", "2024")}', S),
                ('machine localhost login admin password admin', S),  # a credential file: every stored one
            ),
        ),
        ZooFile(
            'home/.pgpass',
            (
                ('# hostname:port:database:username:password', Q),
                (f'pg-prod-01.acme.io:5432:*:app:{pw("Dolphin", "88")}', S),
                (f'ep-cool-1.eu-central-1.aws.neon.tech:5432:neondb:app:{random_body(12)}', S),
                ('localhost:5432:*:postgres:postgres', S),
                ('*:*:*:report:${REPORT_PASSWORD}', Q),
            ),
        ),
        ZooFile(
            'home/.npmrc',
            (
                ('registry=https://registry.npmjs.org/', Q),
                (f'//npm.acme.io/:_authToken={random_body(36)}', S),
                (f'//registry.npmjs.org/:_authToken=npm_{random_body(36)}', S),
                ('//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}', Q),
                ('always-auth=true', Q),
            ),
        ),
        ZooFile(
            'home/.git-credentials',
            (
                (f'https://deploy:{pw("Autumn", "19!")}@git.acme.io', S),
                (f'https://x-access-token:{github_token()}@github.com', S),
                ('https://oauth2@gitlab.com', Q),
            ),
        ),
        ZooFile(
            'backup/dump.sql',
            (
                ('-- MySQL dump 10.13', Q),
                ('CREATE TABLE `users` (`id` int, `email` varchar(255), `password` varchar(255));', Q),
                ('INSERT INTO `users` VALUES', Q),
                (f"(1,'ann@acme.io','$2y$10${random_body(53, B64CRYPT)}'),", S),
                (f"(2,'bob@acme.io','pbkdf2_sha256$600000${random_body(22)}${random_body(43)}=');", S),
                (f"CREATE USER 'app'@'%' IDENTIFIED BY '{pw('Kitten', '123')}';", S),
                ("GRANT SELECT ON shop.* TO 'app'@'%';", Q),
            ),
        ),
        ZooFile(
            'etc/shadow',
            (
                (f'root:{_crypt("$6$", 16, 86)}:19700:0:99999:7:::', S),
                ('daemon:*:19700:0:99999:7:::', Q),
                (f'deploy:{_crypt("$y$j9T$", 22, 43)}:19700:0:99999:7:::', S),
                ('nobody:!:19700:0:99999:7:::', Q),
            ),
        ),
        ZooFile(
            'www/.htpasswd',
            (
                (f'admin:{_crypt("$apr1$", 8, 22)}', S),
                (f'ops:{{SHA}}{random_body(27)}=', S),
                (f'old:{random_body(13, B64CRYPT)}', S),
            ),
        ),
        ZooFile(
            'workspace6/General/.dbeaver/data-sources.json',
            (
                ('{"folders": {}, "connections": {"postgres-jdbc-18c2f1e3a4b-5d6e": {"provider": "postgresql",', Q),
                ('"configuration": {"host": "pg.acme.io", "port": "5432", "database": "app", "user": "bob",', Q),
                (f'"password": "{pw("Pluto", "2020")}", "auth-model": "native"}}}}}}}}', S),
            ),
        ),
    ]


def _sdr() -> str:
    from tests.password_cases import _nss_sdr

    return _nss_sdr()


def as_json() -> str:
    return json.dumps([{'path': f.path, 'planted': f.planted(), 'quiet': f.quiet()} for f in zoo()])
