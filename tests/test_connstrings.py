"""Connection strings: every form parsed, a finding only for a real password."""

from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from guard.detectors.connstrings import (
    ConnectionStringDetector,
    CredentialFileDetector,
    KeyValueConnectionDetector,
    NetrcDetector,
)
from guard.models import Confidence, Fragment, Severity
from tests.conftest import run_guard, write
from tests.secrets import random_body

PW = random_body(22)
DETECTORS = (ConnectionStringDetector(), KeyValueConnectionDetector(), CredentialFileDetector(), NetrcDetector())


def scan(text: str, path: str = 'config.txt') -> list:
    fragment = Fragment(path, text)
    return [f for d in DETECTORS for f in d.detect(fragment)]


@pytest.mark.parametrize(
    'uri',
    [
        f'postgresql+asyncpg://svc:{PW}@ep-cool-1234.eu-central-1.aws.neon.tech/db?ssl=require',
        f'postgresql+psycopg://svc:{PW}@10.4.2.1:5433/app',
        f'postgresql+psycopg2://svc:{PW}@db.internal.lumen.io/app',
        f'postgres://svc:{PW}@pg.lumen.io',
        f'mysql+pymysql://svc:{PW}@mysql.lumen.io/shop',
        f'mysql+aiomysql://svc:{PW}@mysql.lumen.io/shop',
        f'mariadb://svc:{PW}@10.0.0.3:3306/app',
        f'mssql+pyodbc://svc:{PW}@sql.lumen.io:1433/Finance?driver=ODBC+Driver+18',
        f'sqlserver://svc:{PW}@sql.lumen.io:1433',
        f'oracle+oracledb://svc:{PW}@ora.lumen.io:1521/?service_name=x',
        f'mongodb+srv://svc:{PW}@prod.abcde.mongodb.net/?retryWrites=true',
        f'mongodb://svc:{PW}@10.0.3.21:27017,10.0.3.22:27017/reports?replicaSet=rs0',
        f'redis://:{PW}@cache.lumen.io:6379/0',
        f'rediss://default:{PW}@eu1-x.upstash.io:6379',
        f'amqp://svc:{PW}@rabbit.lumen.io/vhost',
        f'amqps://svc:{PW}@b-1.mq.eu-west-1.amazonaws.com:5671',
        f'clickhouse://svc:{PW}@ch.lumen.io:9440/default?secure=true',
        f'cockroachdb://svc:{PW}@crdb.lumen.io:26257/bank',
        f'snowflake://svc:{PW}@acme-xy12345/db/schema',
        f'ldaps://cn=admin:{PW}@ldap.lumen.io',
        f'sftp://deploy:{PW}@files.lumen.io/upload',
        f'smtps://mailer:{PW}@smtp.lumen.io:465',
        f'https://elastic:{PW}@search.lumen.io:9243',
        f'postgresql://svc:{PW}@[2001:db8::7]:5432/app',
        f'jdbc:postgresql://pg.lumen.io:5432/billing?user=billing&password={PW}&sslmode=verify-full',
        f'jdbc:sqlserver://sql.lumen.io:1433;databaseName=x;user=sa;password={PW};',
    ],
)
def test_uri_forms_report_the_password(uri: str) -> None:
    found = scan(f'DSN = "{uri}"\n', 'settings.py')
    assert len(found) == 1, uri
    assert found[0].secret_hash, uri
    assert PW not in found[0].message and PW[:8] not in found[0].preview


def test_message_names_scheme_and_host_and_severity_follows_the_host() -> None:
    (public,) = scan(f'postgresql+asyncpg://svc:{PW}@ep-x-1.us-east-2.aws.neon.tech/db')
    assert public.message == 'postgresql+asyncpg connection string with a password for ep-x-1.us-east-2.aws.neon.tech'
    assert public.severity == Severity.CRITICAL and public.confidence == Confidence.HIGH
    (private,) = scan(f'postgresql://svc:{PW}@10.1.2.3/db')
    assert private.severity == Severity.HIGH


def test_userinfo_is_parsed_not_grepped() -> None:
    quoted = quote(f'{PW[:10]}/:{PW[10:]}@x', safe='')  # '/', ':' and '@' percent-encoded
    (encoded,) = scan(f'postgresql://etl:{quoted}@warehouse.lumen.io:5439/dwh')
    assert encoded.preview.startswith(PW[:4])
    assert encoded.end_column - encoded.column == len(quoted)
    (at_sign,) = scan(f'mongodb://svc:{PW[:10]}@{PW[10:]}@mongo.lumen.io/db')  # the LAST @ ends the userinfo
    assert at_sign.message.endswith('mongo.lumen.io')
    (several,) = scan(f'mongodb://svc:{PW}@h1.lumen.io:27017,h2.lumen.io:27017/db')
    assert several.message.endswith('h1.lumen.io (+1 hosts)')


@pytest.mark.parametrize(
    'text',
    [
        f'host=pg-2.lumen.io port=5433 dbname=analytics user=bi password={PW} sslmode=require',
        f'"host=pg-2.lumen.io port=5433 dbname=analytics "\n"user=bi password={PW}"',
        f'dsn = ("host=pg-2.lumen.io dbname=analytics "\n       + "user=bi password={PW}")',
        f'Server=tcp:x.database.windows.net,1433;Database=Inv;User ID=job;Password={PW};Encrypt=True;',
        f'Data Source=10.20.30.40,1433;Initial Catalog=W;User ID=l;Password={PW};',
        f'Server=mysql.lumen.io;Port=3306;Database=crm;Uid=crm;Pwd={PW};',
        f'psycopg2.connect(host="db.lumen.io", dbname="app", user="app", password="{PW}")',
    ],
)
def test_key_value_forms(text: str) -> None:
    assert len(scan(text, 'app.py')) == 1, text


def test_kafka_jaas_oracle_pgpass_netrc_git_credentials() -> None:
    jaas = (
        f'bootstrap.servers=pkc-1.europe-west1.gcp.confluent.cloud:9092\nsasl.jaas.config=org.apache.kafka.'
        f"common.security.plain.PlainLoginModule required username='KEY' password='{PW}';"
    )
    (kafka,) = scan(jaas)
    assert kafka.rule_id == 'kafka-jaas-password' and kafka.severity == Severity.CRITICAL
    assert len(scan(f'source.url=jdbc:oracle:thin:hr/{PW}@//ora.lumen.io:1521/HR')) == 1
    pgpass = scan(f'# host:port:db:user:password\npg.lumen.io:5432:*:admin:{PW}\n', 'ops/.pgpass')
    assert [f.rule_id for f in pgpass] == ['pgpass-password'] and pgpass[0].line == 2
    (netrc,) = scan(f'machine artifacts.lumen.io\nlogin ci\npassword {PW}\n', '.netrc')
    assert netrc.rule_id == 'netrc-password' and netrc.line == 3
    assert len(scan(f'https://ci-bot:{PW}@git.lumen.io\n', '.git-credentials')) == 1


@pytest.mark.parametrize(
    'text',
    [
        'postgresql+psycopg://<user>:<password>@<host>:5432/<db>',
        'postgres://migrator:${MIGRATOR_PASSWORD:?set it}@pg:5432/app',
        'postgresql://runner:${{ secrets.PG_PW }}@pg.lumen.io/nightly',
        'postgresql://{{ pg_user }}:{{ pg_password }}@{{ pg_host }}/db',
        'fmt.Sprintf("postgres://%s:%s@%s:%d/%s", u, p, h, port, db)',
        'dsn = f"postgresql://{user}:{password}@{host}/db"',
        'url = "postgresql://app:%(password)s@db.lumen.io/app"',
        'REDIS_URL=redis://:$REDIS_PASSWORD@cache.lumen.io:6379',
        'postgresql://orders:***@orders-db.lumen.io:5432/orders',
        'postgresql://readonly@replica.lumen.io:5432/warehouse',
        'postgresql+asyncpg://lambda:@proxy.rds.amazonaws.com:5432/app',
        'mysql+pymysql://username:password@hostname/dbname',
        'mariadb://gitea:REPLACE_ME@mariadb:3306/gitea',
        'mongodb+srv://<db_username>:<db_password>@cluster0.abcde.mongodb.net/',
        'redis://default:YOUR_REDIS_PASSWORD@redis-1.c1.redns.redis-cloud.com:1234',
        'smtp://USERNAME:PASSWORD@smtp.example.com:587',
        'postgres://app:changeme@db.lumen.io/app',
        'postgres://app:xxxxxxxx@db.lumen.io/app',
        'mongodb://root:example@localhost:27017/',  # the mongo image's documented pair
        'sqlplus -s scott/tiger@//localhost:1521/ORCLPDB1',
        'Server=localhost,1433;Database=x;User Id=sa;Password=yourStrong(!)Password;',
        'Server=tcp:<server>.database.windows.net,1433;User ID=<login>;Password={your_password};',
        'postgresql+asyncpg://postgres:postgres@127.0.0.1:5433/dev',
        'postgresql://postgres:postgres@localhost/postgres',
        'amqp://guest:guest@127.0.0.1:5672/',
        'mysql://root:root@localhost:3306/shop_test',
        'http://elastic:changeme@localhost:9200',
        'redis://:devpassword@redis:6379',  # a compose service name
        'host=localhost port=5432 user=postgres password=postgres dbname=postgres',
        'jdbc:postgresql://localhost:5432/lumen?user=postgres&password=postgres',
        'jdbc:mysql://${DB_HOST:localhost}:3306/orders?user=${DB_USER}&password=${DB_PASS}',
        'Server=sqldev01.corp.lumen.io;Database=W;Integrated Security=true;',
        'psql "host=pg-prod-01.lumen.io dbname=ledger user=admin sslmode=verify-full"',
        'https://333e5a64241b731d4e0eb161619804ed@o8177901.ingest.de.sentry.io/7299000665726949',
        'sasl.jaas.config=x.PlainLoginModule required username="${KAFKA_USER}" password="${KAFKA_PASSWORD}";',
        'const url = "mssql://" + cfg.user + ":" + encodeURIComponent(cfg.password) + "@" + cfg.host;',
        'connect(host=settings.host, password=settings.db_password)',
        # code reading the password from somewhere, with a `host=` a few lines above: not a connection string
        'def page(footer, host=1370):\n    x = 1\n    password = os.environ["GRAPH_PASSWORD"]',
        'String host = cfg.host();\nString dbname = "x";\nString password = System.getenv("ICON_PASSWORD");',
        'dsn(host=h, dbname=d)\npassword = settings.db_password',
        'See https://www.npmjs.com/package/@types/node and https://medium.com/@lumen/post',
        'postgres://app:' + PW + '@db.example.com/app',  # documentation domain
    ],
)
def test_stand_ins_and_local_defaults_are_silent(text: str) -> None:
    assert scan(text, 'app.py') == [], text


@pytest.mark.parametrize(
    'path,text',
    [
        ('netrc.sample', 'machine artifacts.lumen.io\nlogin <username>\npassword <your-token>\n'),
        ('.pgpass', '*:*:*:app:${PGPASSWORD}\n'),
    ],
)
def test_credential_files_with_stand_ins_are_silent(path: str, text: str) -> None:
    assert scan(text, path) == []


def test_a_credential_file_local_default_is_a_low_finding_not_silence() -> None:
    """Issue 13: every password a credential file stores is a finding, whatever it looks like; a
    local service's default account is graded low (the dev corpus's conn-078 says benign: see
    bench/README.md)."""
    found = scan('localhost:5432:*:postgres:postgres\n127.0.0.1:5432:*:postgres:postgres\n', 'dev/.pgpass')
    assert [(f.rule_id, f.severity, f.line) for f in found] == [
        ('pgpass-password', Severity.LOW, 1),
        ('pgpass-password', Severity.LOW, 2),
    ]
    (remote,) = scan('db.lumen.io:5432:*:postgres:postgres\n', 'dev/.pgpass')
    assert remote.severity == Severity.MEDIUM


def test_rails_master_key() -> None:
    key = random_body(32, '0123456789abcdef')
    found = scan(key, 'config/master.key')
    assert [f.rule_id for f in found] == ['rails-master-key']
    assert scan(key, 'config/other.txt') == []


def test_local_host_with_a_generated_password_is_reported_lower() -> None:
    (local,) = scan(f'postgres://app:{PW}@localhost:5432/app')
    assert local.severity == Severity.MEDIUM


@pytest.mark.no_cover  # a CPU-time bound measures the code, not the coverage tracer
@pytest.mark.parametrize('detector', DETECTORS, ids=lambda d: d.id)
def test_linear_on_adversarial_near_misses(detector) -> None:
    units = [
        f'postgres://u:{PW}',
        f'u:{PW}@h.io/',
        'password=',
        f'machine h login u password {PW[:3]}',
        'u/p@//',
        'LoginModule required password="',
        'host=h password=',
        '://' * 5,
        '@' * 5,
        ':' * 7,
        'a:b@' * 3,
    ]
    for unit in units:
        whole = _cpu_seconds(detector, unit, 1_000_000)
        if whole >= 2.0:  # a slow machine: then the time must grow with the text, not its square
            quarter = _cpu_seconds(detector, unit, 250_000)
            assert whole < 6 * quarter, (detector.id, unit, whole, quarter)


def _cpu_seconds(detector, unit: str, size: int) -> float:
    text = (unit * (size // len(unit) + 1))[:size]
    started = time.process_time()
    list(detector.detect(Fragment('.pgpass', text)))
    return time.process_time() - started


def test_end_to_end_scan_reports_without_printing_the_password(tmp_path: Path) -> None:
    tmp_path = tmp_path / 'project'
    write(tmp_path / 'src' / 'db.py', f'DSN = "postgresql+asyncpg://svc:{PW}@ep-x-1.eu-central-1.aws.neon.tech/db"\n')
    write(tmp_path / 'compose.yaml', 'environment:\n  DB: postgres://postgres:postgres@localhost:5432/app\n')
    result = run_guard('scan', str(tmp_path), '--format', 'json')
    assert result.returncode == 1, result.stderr
    assert PW not in result.stdout
    findings = json.loads(result.stdout)['findings']
    assert [(Path(f['path']).name, f['rule_id'], f['severity']) for f in findings] == [
        ('db.py', 'connection-string', 'critical')
    ]
