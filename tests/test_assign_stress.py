"""A labelled stress set for the generic assignment detector, built at run time.

Real secrets come in every config format a project keeps (.env unquoted, YAML, JSON, TOML, INI,
properties, XML, code, shell, Dockerfile, compose, Kubernetes, Helm, Terraform) and in every
shape a generator or a person makes (letters only, letters and digits, symbols, hex, base64).
The benign side is what real code and config put under the same keys: references, placeholders,
names and settings of secrets, code expressions, type annotations, hashes, prose, fixtures.

`python -m tests.test_assign_stress` prints recall and false alarms per format and value shape;
the tests hold the floor that the detector reaches.
"""

from __future__ import annotations

import base64
import collections
import dataclasses
import functools
import random
import string
import sys
from pathlib import Path

from guard.api import make_scanner
from guard.config import Config
from guard.detectors.assignments import AssignmentDetector
from guard.models import Fragment
from guard.redact import sha256_hex
from guard.scanner import Scanner
from tests.secrets import ALNUM, github_token

DETECTOR = AssignmentDetector()
SYMBOLS = '!%*-_.~+@^'


@dataclasses.dataclass(frozen=True)
class Case:
    group: str  # the format, or the kind of benign value
    shape: str  # how the secret was made ('' for benign cases)
    path: str
    text: str
    secret: str  # the value a finding must cover exactly ('' for benign cases)


def _draw(rng: random.Random, n: int, alphabet: str, *musts: str) -> str:
    """n characters from alphabet holding at least one of each string in musts."""
    while True:
        value = ''.join(rng.choice(alphabet) for _ in range(n))
        if all(any(c in must for c in value) for must in musts) and value[0] not in SYMBOLS:
            return value


def password_shapes(rng: random.Random) -> dict[str, list[str]]:
    """What generators and people put under a password key, ten of each shape."""
    lower, upper, digits = string.ascii_lowercase, string.ascii_uppercase, string.digits
    letters = string.ascii_letters
    return {
        'letters-12': [_draw(rng, 12, letters, lower, upper) for _ in range(10)],
        'letters-16': [_draw(rng, 16, letters, lower, upper) for _ in range(10)],
        'alnum-12': [_draw(rng, 12, ALNUM) for _ in range(10)],
        'alnum-16': [_draw(rng, 16, ALNUM) for _ in range(10)],
        'lower-digits-12': [_draw(rng, 12, lower + digits, lower, digits) for _ in range(10)],
        'lower-digits-16': [_draw(rng, 16, lower + digits, lower, digits) for _ in range(10)],
        'symbols-10': [_draw(rng, 10, ALNUM + SYMBOLS, SYMBOLS) for _ in range(10)],
        'symbols-20': [_draw(rng, 20, ALNUM + SYMBOLS, SYMBOLS) for _ in range(10)],
        'hex-32': [_draw(rng, 32, '0123456789abcdef') for _ in range(10)],
        'base64': [base64.b64encode(rng.randbytes(24)).decode() for _ in range(10)],
        'human': [
            f'{w}{rng.choice("!#%*")}{rng.randint(10, 99)}{rng.choice(string.ascii_uppercase)}'
            for w in (
                'Kestrel',
                'harbor',
                'Tundra',
                'velvet',
                'Quartz',
                'Mosaic',
                'lantern',
                'Falcon',
                'orchid',
                'Cobalt',
            )
        ],
    }


def secret_shapes(rng: random.Random) -> dict[str, list[str]]:
    """What sits under a token, secret or API-key key."""
    return {
        'alnum-20': [_draw(rng, 20, ALNUM) for _ in range(10)],
        'alnum-32': [_draw(rng, 32, ALNUM) for _ in range(10)],
        'letters-24': [_draw(rng, 24, string.ascii_letters) for _ in range(10)],
        'hex-40': [_draw(rng, 40, '0123456789abcdef') for _ in range(10)],
        'base64': [base64.b64encode(rng.randbytes(32)).decode() for _ in range(10)],
        'urlsafe': [base64.urlsafe_b64encode(rng.randbytes(30)).decode() for _ in range(10)],
    }


# (format, file name, template): {v} is the value. The key names a password.
PASSWORD_TEMPLATES = [
    ('env', '.env', 'APP_ENV=production\nDB_PASSWORD={v}\nDB_HOST=db.lumen.io\n'),
    ('env', '.env.production', 'export REDIS_PASSWORD={v}\n'),
    ('env', '.env', 'SMTP_PASSWORD={v} # rotated 2024-05\n'),
    ('env-quoted', '.env', 'DB_PASSWORD="{v}"\n'),
    ('env-quoted', '.env.local', "MAIL_PASSWORD='{v}'\n"),
    ('yaml', 'config/database.yml', 'production:\n  adapter: postgresql\n  username: app\n  password: {v}\n'),
    ('yaml', 'application.yml', 'spring:\n  datasource:\n    password: "{v}"\n'),
    ('yaml', 'group_vars/all.yml', "ansible_become_password: '{v}'\n"),
    ('json', 'config/prod.json', '{{\n  "db": {{\n    "user": "app",\n    "password": "{v}"\n  }}\n}}\n'),
    ('json', 'appsettings.json', '{{"Smtp":{{"Host":"smtp.lumen.io","Password":"{v}"}}}}'),
    ('toml', 'config.toml', '[database]\nuser = "app"\npassword = "{v}"\n'),
    ('ini', 'app.ini', '[database]\nuser = app\npassword = {v}\n'),
    ('ini', '.pypirc', '[pypi]\nusername = __token__\npassword: {v}\n'),
    ('properties', 'application.properties', 'spring.datasource.username=app\nspring.datasource.password={v}\n'),
    ('properties', 'gradle.properties', 'signing.password = {v}\n'),
    ('xml', 'settings.xml', '<server>\n  <id>x</id>\n  <password>{v}</password>\n</server>\n'),
    ('xml', 'web.config', '<appSettings>\n  <add key="DbPassword" value="{v}" />\n</appSettings>\n'),
    ('xml', 'hibernate.cfg.xml', '<property name="hibernate.connection.password">{v}</property>\n'),
    ('xml', 'context.xml', '<Environment name="DB_PASSWORD" value="{v}" type="java.lang.String"/>\n'),
    ('python', 'settings.py', 'DATABASES = {{"default": {{"PASSWORD": "{v}"}}}}\n'),
    ('python', 'client.py', "conn = connect(host='db.lumen.io', user='app', password='{v}')\n"),
    ('python', 'deploy.py', "os.environ['DB_PASSWORD'] = '{v}'\n"),
    ('js', 'config.js', "module.exports = {{\n  db: {{ password: '{v}' }},\n}};\n"),
    ('ts', 'db.ts', 'export const DB_PASSWORD = "{v}";\n'),
    ('shell', 'deploy.sh', "export PGPASSWORD='{v}'\npsql -h db.lumen.io\n"),
    ('shell', 'run.sh', 'mysqldump --user=app --password={v} shop > dump.sql\n'),
    ('dockerfile', 'Dockerfile', 'FROM postgres:16\nENV POSTGRES_PASSWORD={v}\n'),
    ('dockerfile', 'Dockerfile', 'FROM mysql:8\nENV MYSQL_ROOT_PASSWORD {v}\n'),
    ('compose', 'compose.yaml', 'services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD={v}\n'),
    ('compose', 'docker-compose.yml', 'services:\n  db:\n    environment:\n      MYSQL_PASSWORD: {v}\n'),
    ('compose', 'docker-compose.yml', 'services:\n  db:\n    environment:\n      - "MYSQL_PASSWORD={v}"\n'),
    ('k8s', 'deploy.yaml', 'env:\n  - name: DB_PASSWORD\n    value: {v}\n'),
    ('k8s', 'secret.yaml', 'apiVersion: v1\nkind: Secret\ntype: Opaque\nstringData:\n  password: {v}\n'),
    ('helm', 'values-prod.yaml', 'postgresql:\n  auth:\n    postgresPassword: {v}\n'),
    ('terraform', 'main.tf', 'resource "aws_db_instance" "db" {{\n  password = "{v}"\n}}\n'),
    ('terraform', 'prod.tfvars', 'db_master_password = "{v}"\n'),
    ('php', 'config.php', "<?php\nreturn ['password' => '{v}'];\n"),
    ('ruby', 'config.rb', "config.smtp_settings = {{ user_name: 'app', password: '{v}' }}\n"),
    ('go', 'main.go', 'cfg := Config{{User: "app", Password: "{v}"}}\n'),
    ('java', 'Db.java', 'private static final String DB_PASSWORD = "{v}";\n'),
    ('java', 'DataSourceConfig.java', 'ds.setUsername("app");\nds.setPassword("{v}");\n'),
    ('kotlin', 'Db.kt', 'val password: String = "{v}"\n'),
    ('python', 'settings.py', 'DB_PASSWORD: str = "{v}"\n'),
    ('gradle', 'build.gradle', "credentials {{\n    username 'deploy'\n    password '{v}'\n}}\n"),
    ('sql', 'init.sql', "CREATE ROLE app WITH LOGIN PASSWORD '{v}';\n"),
    ('yaml', 'vars.yml', 'db:\n  password: >-\n    {v}\n  port: 5432\n'),
    ('shell', 'sign.sh', 'jarsigner -keystore app.jks -storepass {v} app.apk release\n'),
    ('shell', 'login.sh', 'docker login --username ci --password {v} registry.lumen.io\n'),
    ('shell', 'deploy.sh', 'helm upgrade db bitnami/postgresql --set auth.password={v},auth.database=app\n'),
    ('markdown', 'README.md', 'Then run `export DB_PASSWORD={v}` before starting.\n'),
]

# Unquoted values, where a generator's every symbol may stand, quotes included (LastPass, KeePass).
UNQUOTED_TEMPLATES = [
    t
    for t in PASSWORD_TEMPLATES
    if t[0] in ('env', 'ini', 'properties', 'dockerfile', 'compose', 'k8s', 'helm')
    and not any(q in t[2] for q in '"\'')
]
WIDE = ALNUM + string.punctuation

# The key names a token, a secret or an API key.
SECRET_TEMPLATES = [
    ('env', '.env', 'STRIPE_SECRET={v}\n'),
    ('env', '.env', 'API_KEY={v}\n'),
    ('env', '.env', 'export GITHUB_TOKEN={v}\n'),
    ('yaml', 'config.yaml', 'slack:\n  bot_token: {v}\n'),
    ('yaml', 'config.yaml', 'oauth:\n  client_secret: "{v}"\n'),
    ('json', 'secrets.json', '{{"apiKey": "{v}", "region": "eu"}}'),
    ('toml', 'Rocket.toml', '[release]\nsecret_key = "{v}"\n'),
    ('ini', 'partner.ini', '[api]\nclient_secret = {v}\n'),
    ('properties', 'app.properties', 'jwt.secret={v}\n'),
    ('xml', 'app.config', '<add key="ApiSecret" value="{v}"/>\n'),
    ('xml', 'strings.xml', '<string name="api_key">{v}</string>\n'),
    ('python', 'settings.py', 'SECRET_KEY = "{v}"\n'),
    ('python', 'client.py', 'client = Client(api_key="{v}")\n'),
    ('js', 'api.js', "const apiKey = '{v}';\n"),
    ('ts', 'auth.ts', 'headers: {{ Authorization: `Bearer {v}` }},\n'),
    ('shell', 'call.sh', 'curl -H "Authorization: Bearer {v}" https://api.lumen.io\n'),
    ('dockerfile', 'Dockerfile', 'ARG NPM_TOKEN={v}\n'),
    ('compose', 'compose.yaml', 'services:\n  app:\n    environment:\n      - JWT_SECRET={v}\n'),
    ('k8s', 'secret.yaml', 'apiVersion: v1\nkind: Secret\ndata:\n  api-token: {b64}\n'),
    ('helm', 'values.yaml', 'app:\n  secretKey: {v}\n'),
    ('terraform', 'main.tf', 'provider "lumen" {{\n  api_token = "{v}"\n}}\n'),
    ('go', 'main.go', 'const apiToken = "{v}"\n'),
    ('java', 'Api.java', 'String CLIENT_SECRET = "{v}";\n'),
    ('ts', 'client.ts', 'const apiKey: string = "{v}";\n'),
    ('rust', 'main.rs', 'const API_TOKEN: &str = "{v}";\n'),
    ('go', 'client.go', 'apiSecret := "{v}"\n'),
    ('java', 'Client.java', 'Client c = Client.builder().withApiKey("{v}").build();\n'),
    ('env', '.env', 'PASSWORD_PEPPER={v}\n'),
]

# Under a key that names a secret, values that are none: (kind, file name, text).
BENIGN = [
    ('reference', '.env', 'DB_PASSWORD=${DB_PASSWORD}\n'),
    ('reference', 'config.yaml', 'db:\n  password: ${DB_PASSWORD}\n'),
    ('reference', 'config.yaml', 'db:\n  password: "${DB_PASSWORD:-}"\n'),
    ('reference', 'settings.py', 'PASSWORD = os.environ["DB_PASSWORD"]\n'),
    ('reference', 'settings.py', "SECRET_KEY = os.getenv('SECRET_KEY', '')\n"),
    ('reference', 'settings.py', "password = config('DB_PASSWORD')\n"),
    ('reference', 'group_vars/db.yml', 'db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3561\n'),
    ('reference', 'templates/secret.yaml', 'stringData:\n  token: "{{ .Values.token }}"\n'),
    ('reference', 'templates/secret.yaml', 'data:\n  password: {{ .Values.password | b64enc | quote }}\n'),
    ('reference', 'deploy.yaml', 'env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        key: pw\n'),
    ('reference', 'ci.yml', 'env:\n  API_TOKEN: ${{ secrets.API_TOKEN }}\n'),
    ('reference', 'config.js', 'const token = process.env.API_TOKEN;\n'),
    ('reference', 'config.ts', "const secret = process.env['JWT_SECRET'] ?? '';\n"),
    ('reference', 'main.tf', 'password = var.db_password\n'),
    ('reference', 'main.tf', 'password = data.aws_secretsmanager_secret_version.db.secret_string\n'),
    ('reference', 'main.tf', 'password = random_password.db.result\n'),
    ('reference', 'application.yml', 'spring:\n  datasource:\n    password: ${SPRING_DATASOURCE_PASSWORD}\n'),
    ('reference', 'Dockerfile', 'ARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\n'),
    ('reference', 'compose.yaml', 'environment:\n  - POSTGRES_PASSWORD_FILE=/run/secrets/db_password\n'),
    ('reference', 'config.rb', "config.secret_key_base = ENV.fetch('SECRET_KEY_BASE')\n"),
    ('reference', 'Db.java', 'String password = System.getenv("DB_PASSWORD");\n'),
    ('reference', 'config.php', "'password' => env('DB_PASSWORD', ''),\n"),
    ('reference', 'db.go', 'password := os.Getenv("DB_PASSWORD")\n'),
    ('reference', 'deploy.sh', 'export PGPASSWORD="$(cat /run/secrets/pg)"\n'),
    ('reference', 'deploy.sh', 'mysql --password="$DB_PASSWORD" shop\n'),
    ('reference', 'web.config', '<add key="DbPassword" value="#{DbPassword}#" />\n'),
    ('naming', 'settings.py', 'password_field = "password"\n'),
    ('naming', 'settings.py', 'PASSWORD_MIN_LENGTH = 12\n'),
    ('naming', 'config.yaml', 'secret_name: "prod/db/password"\n'),
    ('naming', 'config.yaml', 'token_url: "https://auth.lumen.io/oauth/token"\n'),
    ('naming', 'config.yaml', 'password_file: /etc/app/db.pass\n'),
    ('naming', 'app.ini', 'password_command = pass show db/prod\n'),
    ('naming', 'settings.py', 'AUTH_PASSWORD_VALIDATORS = [\n    {"NAME": "x"},\n]\n'),
    ('naming', 'config.yaml', 'secretName: api-tls-cert\n'),
    ('naming', 'externalsecret.yaml', '- secretKey: api-token\n  remoteRef:\n    key: prod/payments/api-token\n'),
    ('naming', 'tags.yaml', 'Tags:\n  - Key: Name\n    Value: web-server-01\n'),
    ('naming', 'paginate.json', '{"input_token": "NextToken", "output_token": "NextToken", "result_key": "Items"}'),
    ('naming', 'elb.sh', 'aws elbv2 modify-load-balancer-attributes --attributes Key=access_logs.s3.enabled,Value=1\n'),
    ('naming', 'constants.py', "EMRFS_SSE_KEY = 'fs.s3.enableServerSideEncryption'\n"),
    ('naming', 'keys.py', "PRIVATE_KEY = 'id_ed25519'\n"),
    ('code', 'auth.py', 'password = getpass()\n'),
    ('code', 'auth.py', 'password = getpass.getpass("Password: ")\n'),
    ('code', 'models.py', 'class User(BaseModel):\n    password: str\n    token: str | None = None\n'),
    ('code', 'auth.py', 'def login(username, password=None, token=""):\n'),
    ('code', 'auth.py', 'password = request.form["password"]\n'),
    ('code', 'auth.py', 'self.password = password\n'),
    ('code', 'auth.py', 'token = secrets.token_urlsafe(32)\n'),
    ('code', 'auth.py', 'if password == "":\n    raise ValueError\n'),
    ('code', 'auth.py', 'password = kwargs.pop("password", None)\n'),
    ('code', 'forms.py', 'password = forms.CharField(widget=forms.PasswordInput)\n'),
    ('code', 'types.ts', 'interface Creds {\n  password?: string;\n  token: string;\n}\n'),
    ('code', 'login.tsx', "const [password, setPassword] = useState('');\n"),
    ('code', 'client.go', 'type Config struct {\n\tPassword string `json:"password"`\n}\n'),
    ('code', 'User.java', 'private String password;\npublic void setPassword(String password) {}\n'),
    ('code', 'api.py', 'headers = {"Authorization": f"Bearer {token}"}\n'),
    ('code', 'api.js', 'headers: { Authorization: `Bearer ${token}` },\n'),
    ('code', 'api.rs', 'let token: String = env::var("TOKEN")?;\n'),
    ('code', 'lookup.py', 'secret = SecretManager.get_secret("prod/db")\n'),
    ('setting', 'config.yaml', 'auth: true\ntoken_type: bearer\n'),
    ('setting', 'pg_hba.yaml', 'auth_method: scram-sha-256\n'),
    ('setting', 'config.yaml', 'password_required: false\npassword_reset_enabled: true\n'),
    ('setting', 'config.yaml', 'auth: basic\n'),
    ('setting', 'config.yaml', 'authentication: ldap\n'),
    ('setting', 'redis.conf', 'requirepass ""\n'),
    ('setting', 'config.yaml', 'token_expiry: 3600s\nsecret_rotation: 30d\n'),
    ('placeholder', 'sample.env', 'API_KEY=your-api-key-here\n'),
    ('placeholder', '.env.example', 'DB_PASSWORD=changeme\nSECRET_KEY=change-me-in-production\n'),
    ('placeholder', '.env.example', 'STRIPE_SECRET=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx\n'),
    ('placeholder', 'config.yaml', 'password: <password>\ntoken: <your-token>\n'),
    ('placeholder', 'config.yaml', 'password: "********"\n'),
    ('placeholder', 'config.yaml', 'api_key: REPLACE_ME\n'),
    ('placeholder', 'config.yaml', 'password: xxxxxxxxxx\n'),
    ('placeholder', 'values.yaml', 'auth:\n  password: ""\n  existingSecret: ""\n'),
    ('placeholder', 'README.md', 'Set `API_TOKEN=<token>` in your shell.\n'),
    ('placeholder', 'docs.md', 'export OPENAI_API_KEY=sk-...\n'),
    ('placeholder', 'config.yaml', 'secret: TODO\n'),
    ('placeholder', 'config.yaml', 'password: YOUR_PASSWORD\n'),
    ('fixture', 'test_auth.py', 'password = "test-password"\n'),
    ('fixture', 'test_auth.py', 'api_key = "fake-api-key"\n'),
    ('fixture', 'test_auth.py', 'token = "dummy_token_for_tests"\n'),
    ('fixture', 'test_auth.py', 'user = User(password="hunter2")\n'),
    ('fixture', 'test_auth.py', 'client.login(username="alice", password="secret")\n'),
    ('fixture', 'auth.test.ts', "const password = 'password123';\n"),
    ('fixture', 'test_auth.py', 'PASSWORD = "s3cr3t"\n'),
    ('fixture', 'test_auth.py', "token = 'abc123'\n"),
    ('fixture', 'test_auth.py', 'api_key = "test_api_key_1234"\n'),
    ('fixture', 'seed.sql', '-- password: admin123\n'),
    ('hash', 'users.yaml', 'password: "$2b$12$' + 'R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"\n'),
    ('hash', 'fixtures.json', '{"password": "pbkdf2_sha256$600000$saltsalt$' + 'A' * 43 + '="}\n'),
    ('hash', 'users.yaml', 'password_hash: "5f4dcc3b5aa765d61d8327deb882cf99"\n'),
    ('hash', 'htpasswd.yaml', 'password: "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="\n'),
    ('prose', 'README.md', 'password: the password of the database user\n'),
    ('prose', 'help.yaml', 'token: Token used to call the API, see docs\n'),
    ('prose', 'i18n/en.json', '{"password": "Password", "passwordConfirm": "Confirm your password"}\n'),
    ('prose', 'i18n/fr.json', '{"password": "Mot de passe", "token": "Jeton"}\n'),
    ('prose', 'i18n/de.yaml', 'password: Passwort\nforgotPassword: Passwort vergessen?\n'),
    ('prose', 'locales/en.yml', 'secret: Secret\napi_key: API key\n'),
    ('prose', 'errors.py', 'raise AuthError("password: wrong value for user")\n'),
    ('prose', 'CHANGELOG.md', '* token: refresh before expiry (#123)\n'),
    ('regex', 'rules.py', "denylist = [re.compile(r'AccountKey=[a-zA-Z0-9+\\/=]{88}')]\n"),
    ('regex', 'validate.py', 'PASSWORD_RE = r"^(?=.*[A-Z])(?=.*\\d).{12,}$"\n'),
    ('docs', 'METADATA', "API_KEY = 'this-will-ordinarily-be-detected-by-a-plugin'\n"),
    ('docs', 'README.md', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n'),
    ('public', '.env', 'NEXT_PUBLIC_API_KEY=pk_live_Zx8Lm2Qp9Rt4Vw7Yb1Nc3Kd6\n'),
    ('public', 'config.yaml', 'publicKey: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"\n'),
    ('id', 'config.yaml', 'client_id: 0oa1b2c3d4e5f6g7h8i9\ntoken_id: 42\n'),
    ('id', 'config.yaml', 'api_key_id: 3f1c2b7a-9d2e-4c1b-8f3a-6e5d4c3b2a10\n'),
    ('pagination', 'response.json', '{"NextToken": "eyJ2IjoxLCJjIjoiQWJDZEVmR2hJaktsTW5PcCJ9"}\n'),
    ('pagination', 'example.rst', '"ClientToken": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"\n'),
    ('pagination', 'waf.json', '"ChangeToken": "abcd12f2-46da-4fdb-b8d5-fbd4c466928f"\n'),
    ('pagination', 'api.json', '{"continuationToken": "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="}\n'),
    ('cli', 'deploy.sh', 'vault login -method=userpass username=ci password=-\n'),
    ('cli', 'Makefile', 'test:\n\tpytest --password-file=.pw\n'),
    ('cli', 'git.sh', 'git clone https://x-access-token:$GITHUB_TOKEN@github.com/org/repo.git\n'),
    ('type', 'schema.graphql', 'type User {\n  password: String!\n  token: ID\n}\n'),
    ('type', 'schema.json', '{"password": {"type": "string", "minLength": 12}}\n'),
    ('type', 'openapi.yaml', 'properties:\n  password:\n    type: string\n    format: password\n'),
    ('type', 'types.py', 'def connect(password: Optional[str] = None) -> None: ...\n'),
    ('type', 'User.cs', 'public string Password { get; set; }\n'),
    ('type', 'user.rb', 'has_secure_password\nvalidates :password, length: { minimum: 12 }\n'),
    ('type', 'schema.sql', 'CREATE TABLE users (\n  password VARCHAR(255) NOT NULL\n);\n'),
    ('type', 'schema.prisma', 'model User {\n  password String\n}\n'),
    ('encrypted', 'application.properties', 'db.password=ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)\n'),
    ('encrypted', 'application.yml', "spring:\n  datasource:\n    password: '{cipher}AQB3fSGkmVbn7pCCNvFE1hBC'\n"),
    ('encrypted', 'settings.xml', '<server>\n  <password>{COQLCE6DU6GtcS5P=}</password>\n</server>\n'),
    ('reference', 'template.yaml', 'MasterUserPassword: !GetAtt DbSecret.Password\n'),
    ('reference', 'template.yaml', "MasterUserPassword: '{{resolve:secretsmanager:db:SecretString:password}}'\n"),
    ('reference', 'grafana.ini', '[database]\npassword = $__file{/run/secrets/db}\n'),
    ('reference', 'common.yaml', 'profile::db::password: "%{hiera(\'db_password\')}"\n'),
    ('reference', 'netrw.vim', 'let s:netrw_passwd= inputsecret("Enter Password: ")\n'),
    ('reference', 'argocd.yaml', 'stringData:\n  password: <path:secret/data/db#password>\n'),
    ('reference', 'Makefile', 'DB_PASSWORD ?= $(shell pass show db/prod)\n'),
    ('reference', 'values.yaml', 'auth:\n  password: "[[ .Password ]]"\n'),
    ('reference', 'config.yaml', 'password: "@@DB_PASSWORD@@"\ntoken: __API_TOKEN__\n'),
    ('reference', 'deploy.ps1', '$password = Read-Host -AsSecureString\n'),
    ('code', 'FTP.pm', "$pass = '-anonymous@'\n"),
    ('code', 'settings.py', "PASSWORD_HASHERS = ['django.contrib.auth.hashers.Argon2PasswordHasher']\n"),
    ('code', 'client.py', 'password = b"" if anonymous else password\n'),
    ('prose', 'i18n/es.json', '{"password": "Contraseña", "newPassword": "Nueva contraseña"}\n'),
    ('prose', 'messages.properties', 'password=Mot de passe\nlogin.password=Kennwort\n'),
    ('prose', 'login.html', '<input type="password" autocomplete="current-password" name="password">\n'),
    ('prose', 'tls.html', '<code>{pem: &#x3C;string|buffer>[, passphrase: &#x3C;string>]}</code>\n'),
    ('fixture', 'test_auth.py', "password = 'P4$$w0rd'\n"),
    ('fixture', 'test_auth.py', "password = 'correct-horse-battery-staple'\n"),
    ('fixture', 'test_auth.py', 'password="mySecurePass123"\n'),
    ('fixture', 'test_auth.py', "password = 'SuperSecret123!'\n"),
    ('fixture', 'login.test.js', "await login({ user: 'bob', password: 'Test@1234' });\n"),
    ('fixture', 'README.md', "  password: 'bm90IG15IHJlYWwgcGFzc3dvcmQ=',  // base64\n"),
    ('setting', 'nsswitch.conf', 'passwd:         files systemd\n'),
    ('setting', 'env.txt', 'OLDPWD=/home/app\nPWD=/srv/app\n'),
    ('setting', 'security.yaml', 'password_encoder: bcrypt\npassword_algorithm: argon2id\n'),
    ('setting', 'sshd_config', 'PasswordAuthentication no\nPermitEmptyPasswords no\n'),
    ('setting', 'web.config', '<add key="TokenLifetime" value="00:30:00" />\n'),
    ('code', 'auth.py', 'if not check_password("hunter2hunter2", user.password):\n'),
    ('code', 'views.py', 'user.password = make_password("x7Kp2mQz9rLw")\n'),
    ('code', 'lexer.py', 'self.token("IDENTIFIER")\n'),
    ('code', 'auth.py', 'password: str = Field(..., min_length=12)\n'),
    ('code', 'auth.ts', 'let token: string | null = null;\n'),
    ('code', 'db.go', 'var password string = os.Getenv("DB_PASSWORD")\n'),
    ('prose', 'README.md', 'Pass the password "as is" to the server.\n'),
    ('prose', 'README.md', 'Run with --password and type it when asked.\n'),
    ('setting', 'values.yaml', 'motd:\n  token: |\n    Welcome to the build host.\n    Tokens rotate daily.\n'),
    ('reference', 'keytool.sh', 'keytool -genkey -storepass "$STORE_PASS" -keypass:env KEY_PASS\n'),
    ('code', 'test_urlparse.py', "self.assertEqual(splitpasswd('user:a\\tb'), ('user', 'a\\tb'))\n"),
    ('code', 'html32.vim', "\\ 'accesskey' : ['Character', ''],\n"),
    ('regex', 'asterisk.vim', 'syn match asteriskAuth "^\\zs\\(secret\\|inkeys\\|outkey\\)\\s*=\\ze.*$"\n'),
    ('cli', 'create-api-key.rst', "aws apigateway create-api-key --stage-keys restApiId='a1b2c3d4e5',stageName=d\n"),
    ('cli', 'gpg.sh', 'curl --key client-key.pem --cert client.pem https://api.lumen.io\n'),
    ('docs', 'METADATA', "$ detect-secrets scan --exclude-lines 'password = (blah|fake)'\n"),
    ('reference', 'openssl.cnf', 'private_key\t= $dir/private/cakey.pem# The private key\n'),
    ('reference', 'netrc.perl', 'log_debug("FOUND: $git_token=$entry->{$git_token}");\n'),
    ('naming', 'entry_points.txt', '[console_scripts]\ndetect-secrets = detect_secrets.main:main\n'),
    ('naming', 'policies.json', '"IAMAuditRootUserCredential": "arn:aws:iam::aws:policy/root-task/IAMAudit"\n'),
]


def public_key_der(rng: random.Random) -> bytes:
    """A P-256 SubjectPublicKeyInfo: the fixed ASN.1 header of id-ecPublicKey/prime256v1, then a point."""
    header = bytes.fromhex('3059301306072a8648ce3d020106082a8648ce3d030107034200')
    return header + b'\x04' + rng.randbytes(64)


def stress_cases(seed: int = 3) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for shape, values in password_shapes(rng).items():
        for i, value in enumerate(values):
            for fmt, path, template in PASSWORD_TEMPLATES[i :: len(values)]:
                cases.append(Case(fmt, shape, path, template.format(v=value), value))
    for fmt, path, template in UNQUOTED_TEMPLATES:
        for _ in range(4):
            value = rng.choice(ALNUM) + _draw(rng, 15, WIDE, '"\'`$#')
            cases.append(Case(fmt, 'wide-16', path, template.format(v=value), value))
    for shape, values in secret_shapes(rng).items():
        for i, value in enumerate(values):
            for fmt, path, template in SECRET_TEMPLATES[i :: len(values)]:
                b64 = base64.b64encode(value.encode()).decode()
                secret = b64 if '{b64}' in template else value
                cases.append(Case(fmt, shape, path, template.format(v=value, b64=b64), secret))
    cases += [Case(kind, '', path, text, '') for kind, path, text in BENIGN]
    spki = base64.b64encode(public_key_der(rng)).decode()
    cases += [
        Case('public', '', 'corepack.cjs', f'const keys = [{{ keyid: "SHA256:x", key: "{spki}" }}];\n', ''),
        Case('public', '', 'jwt.yaml', f'jwt:\n  verification_key: {spki}\n', ''),
    ]
    return cases


@functools.cache
def _scanner() -> Scanner:
    return make_scanner(Config(root=Path('.')))


@dataclasses.dataclass(frozen=True)
class Verdict:
    flagged: bool  # guard (every detector) reports something
    exact: bool  # ... and one finding covers exactly the secret
    assigned: bool  # the assignment detector on its own reports it, exactly
    astray: bool  # the assignment detector reports a value that is not the secret


def judge(case: Case) -> Verdict:
    fragment = Fragment(case.path, case.text)
    found = _scanner().scan(fragment)
    mine = [f.secret_hash for f in DETECTOR.detect(fragment)]
    wanted = sha256_hex(case.secret) if case.secret else ''
    return Verdict(
        bool(found),
        bool(wanted) and any(f.plain_hash == wanted[:16] for f in found),  # sealed: the plain prefix stays in memory
        bool(wanted) and wanted in mine,
        any(h != wanted for h in mine),
    )


def measure(cases: list[Case]) -> dict[str, dict[str, collections.Counter[str]]]:
    """Per format, per value shape and per kind of benign value: how many cases each verdict got."""
    tables: dict[str, dict[str, collections.Counter[str]]] = {
        'secret by format': collections.defaultdict(collections.Counter),
        'secret by shape': collections.defaultdict(collections.Counter),
        'benign by kind': collections.defaultdict(collections.Counter),
    }
    for case in cases:
        verdict = judge(case)
        rows = (
            [('secret by format', case.group), ('secret by shape', case.shape)]
            if case.secret
            else [('benign by kind', case.group)]
        )
        for table, row in rows:
            tables[table][row].update(cases=1, **{k: int(v) for k, v in dataclasses.asdict(verdict).items()})
    return tables


COLUMNS = ('cases', 'flagged', 'exact', 'assigned', 'astray')


def test_recall_on_every_format_and_shape() -> None:
    secrets = [case for case in stress_cases() if case.secret]
    missed = [(case.group, case.shape, case.text) for case in secrets if not judge(case).exact]
    assert missed == []


def test_other_draws_of_the_same_shapes() -> None:
    """The set above was looked at while the detector was tuned; fresh draws of its shapes keep it honest.
    Misses allowed: 12-16 mixed-case letters that read as camel case (~3%), a value ending in ',' (cut)."""
    for seed in (99, 2024, 12345):
        secrets = [case for case in stress_cases(seed) if case.secret]
        assert sum(judge(case).exact for case in secrets) >= 0.98 * len(secrets), seed


def test_assignment_findings_cover_the_secret_alone() -> None:
    """A finding of this detector whose value is not the secret runs past it or reads another value."""
    astray = [(case.group, case.shape, case.text) for case in stress_cases() if judge(case).astray]
    assert astray == []


def test_no_false_alarms() -> None:
    # a password's hash opens nothing for this detector, but guard reports it as crackable (test_hashes)
    benign = [case for case in stress_cases() if not case.secret and case.group != 'hash']
    flagged = [(case.group, case.text) for case in benign if judge(case).flagged]
    assert flagged == []


def test_a_token_in_url_userinfo_is_one_finding_of_its_own_length() -> None:
    token = github_token('ghs')
    text = f'git clone https://x-access-token:{token}@github.com/org/repo.git\n'
    findings = list(DETECTOR.detect(Fragment('ci.sh', text)))
    assert all(f.secret_hash == sha256_hex(token) for f in findings), [f.preview for f in findings]
    # and guard as a whole reports it once, exactly (the assignment detector alone may say nothing)
    everything = _scanner().scan(Fragment('ci.sh', text))
    assert [(f.plain_hash, f.end_column - f.column) for f in everything] == [(sha256_hex(token)[:16], len(token))]


def main() -> int:
    cases = stress_cases()
    print('flagged/exact: guard with every detector; assigned: this detector alone, exactly;')
    print('astray: this detector reported something other than the secret')
    for title, table in measure(cases).items():
        print(f'\n{title:20}' + ''.join(f'{c:>9}' for c in COLUMNS))
        total = sum(table.values(), collections.Counter())
        for row, counts in [*sorted(table.items()), ('total', total)]:
            print(f'{row:20}' + ''.join(f'{counts[c]:9}' for c in COLUMNS))
    if '-v' in sys.argv:
        for case in cases:
            verdict = judge(case)
            if (
                (case.secret and not (verdict.exact and verdict.assigned))
                or verdict.astray
                or (not case.secret and verdict.flagged)
            ):
                label = f'{case.group}/{case.shape}' if case.secret else case.group
                what = (
                    'FP'
                    if not case.secret
                    else 'MISS'
                    if not verdict.flagged
                    else 'INEXACT'
                    if not verdict.exact
                    else 'ASTRAY'
                    if verdict.astray
                    else 'OTHER'
                )
                print(f'{what:7} {label:26} {case.path:20} {case.text[:90]!r}')
    return 0


if __name__ == '__main__':
    raise SystemExit(main())
