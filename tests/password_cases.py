"""A labelled set of realistic files for the password policy (issue 13), one topic per bullet, built
at run time: every password, hash and token here is assembled or drawn when the module is used, so
guard's own tree holds none of them. `tests/test_passwords.py` checks each case; `bench/password_corpus.py`
writes them as a corpus for `score.py` (before/after figures per bullet).
"""

from __future__ import annotations

import base64
import json
import random
import string
import zlib
from typing import NamedTuple
from urllib.parse import quote

from guard.detectors.validators import base62
from tests.secrets import ALNUM

# Its own generator: drawing from tests.secrets' shared one would change every value the test
# modules after this one draw (some of their assertions hold for most draws, not all).
_rng = random.Random(20261313)


def random_body(n: int, alphabet: str = ALNUM) -> str:
    return ''.join(_rng.choice(alphabet) for _ in range(n))


def github_token() -> str:
    body = random_body(30)
    return f'ghp_{body}{base62(zlib.crc32(body.encode()), 6)}'


B64CRYPT = './' + string.ascii_letters + string.digits
HEX = '0123456789abcdef'


class Case(NamedTuple):
    topic: str  # the bullet
    id: str
    filename: str
    text: str
    secret: bool  # a finding is expected (in this file, from any rule)
    rule: str = ''  # the rule expected to report it, where that matters


def human(*parts: str) -> str:
    """A human-chosen password, joined at run time ('Win' + 'ter2024!')."""
    return ''.join(parts)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def stripe_live() -> str:
    return 'sk_' + 'live_' + random_body(24)


def _config() -> list[tuple[str, str, bool]]:
    pw = human
    return [
        ('.env', f'APP_ENV=production\nDB_HOST=db.internal\nDB_PASSWORD={pw("Winter", "2024!")}\n', True),
        ('.env.production', f'SMTP_HOST=smtp.acme-mail.io\nSMTP_PASSWORD={pw("hunter", "22")}\n', True),
        (
            'docker-compose.yml',
            'services:\n  db:\n    image: postgres:16\n    environment:\n'
            f'      POSTGRES_USER: app\n      POSTGRES_PASSWORD: {pw("Summer", "2023")}\n',
            True,
        ),
        (
            'k8s/db-secret.yaml',
            'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n'
            f'  username: {b64("app")}\n  password: {b64(pw("P@ss", "w0rd123!"))}\n',
            True,
        ),
        ('charts/api/values.yaml', f'replicas: 2\ndatabase:\n  user: api\n  password: {pw("Welcome", "1!")}\n', True),
        ('terraform.tfvars', f'region      = "eu-west-1"\ndb_password = "{pw("Passw0rd", "!")}"\n', True),
        ('group_vars/db.yml', f'mysql_root_password: {pw("admin", "123")}\nmysql_port: 3306\n', True),
        (
            'src/main/resources/application.yml',
            'spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/app\n'
            f'    username: app\n    password: {pw("football", "77")}\n',
            True,
        ),
        ('config/database.yml', f'production:\n  adapter: postgresql\n  password: {pw("Dolphin", "88")}\n', True),
        (
            'appsettings.json',
            '{\n  "Smtp": {\n    "User": "ops",\n    "Password": "' + pw('Monkey', '2021') + '"\n  }\n}\n',
            True,
        ),
        (
            'mysite/settings.py',
            "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n"
            f"        'PASSWORD': '{pw('Dragon', '2023')}',\n    }}\n}}\n",
            True,
        ),
        (
            'wp-config.php',
            f"<?php\ndefine( 'DB_USER', 'wp' );\ndefine( 'DB_PASSWORD', '{pw('Sunshine', '99')}' );\n",
            True,
        ),
        ('config.ini', f'[database]\nhost = db.acme.io\nuser = app\npassword = {pw("Autumn", "19!")}\n', True),
        ('app.properties', f'db.url=jdbc:mysql://db/app\ndb.password={pw("Starwars", "1")}\n', True),
        ('.bashrc', f'export PATH=$HOME/bin:$PATH\nexport DB_PASSWORD="{pw("Letmein", "2022")}"\n', True),
        ('deploy.sh', f'#!/bin/sh\nset -e\nexport ADMIN_PASSWORD={pw("Qwerty", "123!")}\n./migrate\n', True),
        ('.env', f'JWT_SECRET={pw("mysuper", "secretjwt")}\n', True),
        # a SQL dump or script creates the account it names: its password is one, weak or not
        ('backup/dump.sql', f"CREATE USER 'app'@'%' IDENTIFIED BY '{pw('Kitten', '123')}';\n", True),
        ('docs/tutorial/setup.sql', f"CREATE USER 'app'@'%' IDENTIFIED BY '{pw('Kitten', '123')}';\n", False),
        # stand-ins
        ('.env', 'DB_PASSWORD=\nAPI_TOKEN=\n', False),
        ('.env', 'DB_PASSWORD=${DB_PASSWORD}\nREDIS_PASSWORD=$REDIS_PASSWORD\n', False),
        (
            'docker-compose.yml',
            "services:\n  db:\n    environment:\n      MYSQL_PASSWORD: '{{ vault_mysql }}'\n",
            False,
        ),
        ('config.ini', '[db]\npassword = %(DB_PASSWORD)s\n', False),
        ('charts/api/values.yaml', 'database:\n  password: <set-me>\n', False),
        ('.env', 'DB_PASSWORD=changeme\nSMTP_PASSWORD=your-password-here\n', False),
        ('.env', 'DB_PASSWORD=xxx\nSMTP_PASSWORD=********\n', False),
        ('config/database.yml', 'production:\n  password: password\n  secret: secret\n', False),
        ('group_vars/all.yml', 'db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  3839653\n', False),
        ('config/secrets.yaml', 'db_password: ENC[AES256_GCM,data:' + random_body(16) + ',type:str]\n', False),
        (
            'mysite/settings.py',
            "import os\nSECRET_KEY = os.environ['SECRET_KEY']\nDB_PASSWORD = settings.DB_PASSWORD\n",
            False,
        ),
        (
            'docker-compose.yml',
            'services:\n  db:\n    image: postgres\n    environment:\n      POSTGRES_PASSWORD: postgres\n',
            False,
        ),
    ]


def _nss_sdr() -> str:
    """Firefox's encrypted login field: base64 of DER { key id, { 3DES-CBC, iv }, ciphertext }."""
    iv, ciphertext = bytes(_rng.randrange(256) for _ in range(8)), bytes(_rng.randrange(256) for _ in range(16))
    body = (
        b'\x04\x10\xf8' + b'\0' * 14 + b'\x01'
        + bytes.fromhex('301406082a864886f70d0307') + b'\x04\x08' + iv
        + b'\x04\x10' + ciphertext
    )  # fmt: skip
    return base64.b64encode(bytes([0x30, len(body)]) + body).decode()


def _firefox_logins() -> str:
    login = {
        'id': 1,
        'hostname': 'https://intranet.acme.io',
        'httpRealm': None,
        'formSubmitURL': 'https://intranet.acme.io',
        'usernameField': 'user',
        'passwordField': 'pass',
        'encryptedUsername': _nss_sdr(),
        'encryptedPassword': _nss_sdr(),
        'guid': '{0b6f1c2e-8a4d-4f7e-9c3b-2d1e5a6f7b8c}',
        'encType': 1,
    }
    return json.dumps({'nextId': 2, 'logins': [login], 'version': 3}, separators=(',', ':')) + '\n'


def _credential() -> list[tuple[str, str, bool]]:
    pw = human
    token = random_body(36)
    return [
        ('.pgpass', f'db.acme.io:5432:*:app:{pw("Winter", "2024!")}\n', True),
        ('.pgpass', f'localhost:5432:*:app:{pw("Kitten", "123")}\n', True),
        ('.netrc', f'machine api.acme.io\nlogin deploy\npassword {pw("hunter", "22")}\n', True),
        ('.git-credentials', f'https://deploy:{pw("Summer", "2024")}@git.acme.io\n', True),
        ('.my.cnf', f'[client]\nuser=root\npassword={pw("Dolphin", "88")}\n', True),
        ('.npmrc', f'registry=https://npm.acme.io/\n//npm.acme.io/:_authToken={token}\n', True),
        (
            '.pypirc',
            f'[distutils]\nindex-servers = acme\n\n[acme]\nusername = bob\npassword = {pw("Autumn", "20!")}\n',
            True,
        ),
        (
            '.docker/config.json',
            '{\n  "auths": {\n    "registry.acme.io": {\n      "auth": "'
            + b64('deploy:' + pw('Spring', '2021'))
            + '"\n    }\n  }\n}\n',
            True,
        ),
        (
            'sitemanager.xml',
            '<?xml version="1.0" encoding="UTF-8"?>\n<FileZilla3><Servers><Server>'
            '<Host>ftp.acme.io</Host><Port>21</Port><User>web</User>'
            f'<Pass encoding="base64">{b64(pw("Rainbow", "7"))}</Pass></Server></Servers></FileZilla3>\n',
            True,
        ),
        (
            'recentservers.xml',
            '<?xml version="1.0"?>\n<FileZilla3><RecentServers><Server><Host>10.0.0.5</Host><User>ops</User>'
            f'<Pass>{pw("plain", "pass9")}</Pass></Server></RecentServers></FileZilla3>\n',
            True,
        ),
        (
            '.dbeaver/data-sources.json',
            '{"connections": {"pg-1": {"configuration": {"host": "pg.acme.io", "user": "bob", "password": "'
            + pw('Pluto', '2020')
            + '"}}}}\n',
            True,
        ),
        (
            'robomongo.json',
            '{"connections": [{"serverHost": "mongo.acme.io", "credentials": [{"userName": "admin", "userPassword": "'
            + pw('Mongo', '2019!')
            + '"}]}]}\n',
            True,
        ),
        (
            'WinSCP.ini',
            '[Sessions\\ops@sftp.acme.io]\nHostName=sftp.acme.io\nUserName=ops\n'
            f'Password={random_body(40, HEX.upper())}\n',
            True,
        ),
        (
            'ventrilo_srv.ini',
            f'[Server]\nName=Guild\nPassword={pw("raid", "night")}\nAdminPassword={pw("Guild", "Master1")}\n',
            True,
        ),
        ('.htpasswd', f'admin:$apr1${random_body(8, B64CRYPT)}${random_body(22, B64CRYPT)}\n', True),
        # every password a credential file stores, whatever it looks like: local defaults (graded low),
        # digits, short ones, an NSS-encrypted Firefox login (its key sits in key4.db beside it)
        ('.pgpass', 'localhost:5432:*:postgres:postgres\n127.0.0.1:5432:*:app:app\n', True),
        ('.netrc', 'machine localhost\nlogin admin\npassword admin\n', True),
        ('.git-credentials', 'http://dev:root@localhost:3000\n', True),
        ('.my.cnf', '[client]\nuser=root\npassword=123456\n', True),
        ('.my.cnf', f'[mysqldump]\nuser=backup\npassword={pw("ab", "1")}\n', True),
        ('logins.json', _firefox_logins(), True),
        # quiet
        ('.npmrc', '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n', False),
        ('.my.cnf', '[client]\nuser=root\npassword=\n', False),
        ('.git-credentials', 'https://x-access-token@github.com\n', False),
        ('.pgpass', '# hostname:port:database:username:password\n*:*:*:app:${PGPASSWORD}\n', False),
        ('.netrc', 'machine artifacts.acme.io\nlogin <username>\npassword <your-token>\n', False),
        ('.docker/config.json', '{\n  "auths": {"registry.acme.io": {}},\n  "credsStore": "desktop"\n}\n', False),
        (
            'sitemanager.xml',
            '<FileZilla3><Servers><Server><Host>ftp.acme.io</Host><User>web</User></Server></Servers></FileZilla3>\n',
            False,
        ),
    ]


def _connection() -> list[tuple[str, str, bool]]:
    pw = human
    return [
        (
            'config/app.conf',
            f'MONGO_URL=mongodb://testuser:{pw("test", "pass")}@ds012345.mlab.mongolab.com:45123/app\n',
            True,
        ),
        (
            'config/app.conf',
            f'DATABASE_URL=postgresql://app:{pw("hunter", "2")}@ep-cool-1.eu-central-1.aws.neon.tech/neondb\n',
            True,
        ),
        ('config/app.conf', 'DATABASE_URL=postgres://admin:admin@db.acme-corp.io:5432/app\n', True),
        ('src/db.py', f'engine = create_engine("mysql://app:{pw("Kitten", "12")}@10.0.3.4/shop")\n', True),
        ('config/app.conf', 'DATABASE_URL=mysql://root:root@127.0.0.1:3306/app\n', False),
        ('config/app.conf', 'DATABASE_URL=postgresql://user:password@localhost/app\n', False),
        (
            'docker-compose.yml',
            f'services:\n  api:\n    environment:\n      DB_URL: postgres://app:{pw("dev", "pass1")}@db:5432/app\n',
            False,
        ),
        ('config/app.conf', 'DATABASE_URL=postgres://app:<password>@db.acme-corp.io/app\n', False),
        ('config/app.conf', f'DATABASE_URL=postgres://app:{pw("Winter", "2024")}@db.example.com/app\n', False),
        ('src/smb.py', '    >>> fsspec.open("smb://myuser:mypassword@myserver.com/share/file.csv")\n', False),
    ]


def _docs() -> list[tuple[str, str, bool]]:
    pw = human
    return [
        (
            'docs/config.rst',
            "Set a secret key::\n\n    app.config['SECRET_KEY'] = 'dev'\n    SECRET_KEY = 'dev'\n",
            False,
        ),
        ('README.md', f'Run with `DB_PASSWORD={pw("Winter", "2024!")} make dev`.\n', False),
        (
            'tests/test_login.py',
            f"def test_login(client):\n    client.post('/login', data={{'password': '{pw('hunter', '22')}'}})\n",
            False,
        ),
        ('examples/.env', f'DB_PASSWORD={pw("Welcome", "1!")}\n', False),
        (
            'docs/tutorial/tests.rst',
            f"INSERT INTO user VALUES ('test', 'pbkdf2:sha256:50000${random_body(8)}${random_body(64, HEX)}');\n",
            False,
        ),
        ('docs/ci.md', f'export GITHUB_TOKEN={github_token()}\n', True),
    ]


def _hashes() -> list[tuple[str, str, bool]]:
    c = B64CRYPT
    return [
        (
            'etc/shadow',
            f'root:$6${random_body(16, c)}${random_body(86, c)}:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n',
            True,
        ),
        ('etc/shadow', f'bob:$y$j9T${random_body(22, c)}${random_body(43, c)}:19700:0:99999:7:::\n', True),
        ('.htpasswd', f'bob:{{SHA}}{random_body(27)}=\n', True),
        (
            'db/dump.sql',
            f"INSERT INTO users (id, email, password) VALUES (1, 'a@acme.io', '$2b$12${random_body(53, c)}');\n",
            True,
        ),
        (
            'db/seed.sql',
            f"INSERT INTO auth_user VALUES (1, 'pbkdf2_sha256$600000${random_body(22)}${random_body(43)}=');\n",
            True,
        ),
        (
            'config/users.yaml',
            f'users:\n  - name: ops\n    hash: "$argon2id$v=19$m=65536,t=3,p=4${random_body(22)}${random_body(43)}"\n',
            True,
        ),
        ('router.cfg', f'hostname edge1\nenable secret 5 $1${random_body(4, c)}${random_body(22, c)}\n', True),
        ('router.cfg', f'username admin privilege 15 password 7 {random_body(22, HEX.upper())}\n', True),
        ('switch.cfg', f'enable secret 8 $8${random_body(14, c)}${random_body(43, c)}\n', True),
        ('switch.cfg', f'username ops secret 9 $9${random_body(14, c)}${random_body(43, c)}\n', True),
        ('loot/asrep.txt', f'$krb5asrep$23$svc_sql@CORP.LOCAL:{random_body(32, HEX)}${random_body(240, HEX)}\n', True),
        ('NOTES.txt', 'crypt(3) strings look like $6$salt$hash; bcrypt ones like $2b$12$...\n', False),
        ('etc/shadow', 'root:!:19700:0:99999:7:::\nnobody:*:19700:0:99999:7:::\n', False),
        ('docs/hashing.md', f'Example: `$2b$12${random_body(53, c)}`\n', False),
    ]


def _salts() -> list[tuple[str, str, bool]]:
    printable = string.ascii_letters + string.digits + '!@#$%^&*()-_ []{}<>~`+=,.;:/?|'

    def salt() -> str:
        return random_body(64, printable)

    keys = ('AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'NONCE_SALT')
    return [
        *[('wp-config.php', f"<?php\ndefine( '{k}', '{salt()}' );\n", True) for k in keys],
        ('config.py', f"SECURITY_PASSWORD_SALT = '{random_body(32)}'\n", True),
        ('settings.php', f"$settings['hash_salt'] = '{random_body(43)}';\n", True),
        (
            'wp-config-sample.php',
            "<?php\ndefine( 'AUTH_KEY', 'put your unique phrase here' );\n"
            "define( 'NONCE_SALT', 'put your unique phrase here' );\n",
            False,
        ),
        ('wp-config.php', "<?php\ndefine( 'NONCE_SALT', getenv('WP_NONCE_SALT') );\n", False),
        # a credential store's encrypted password: its key ships with the tool, so it is a password
        (
            'robo3t.json',
            '{"connections": [{"userName": "admin", "encryptedPassword": "' + random_body(32) + '"}]}\n',
            True,
        ),
        ('src/fixtures.json', '{"user": {"name": "admin", "encryptedPassword": "' + random_body(32) + '"}}\n', False),
    ]


def _encoded() -> list[tuple[str, str, bool]]:
    stripe = stripe_live()
    token = github_token()
    hook = f'https://hooks.slack.com/services/T{random_body(8).upper()}/B{random_body(8).upper()}/{random_body(24)}'
    return [
        (
            'k8s/payments.yaml',
            f'apiVersion: v1\nkind: Secret\nmetadata:\n  name: pay\ndata:\n  STRIPE_KEY: {b64(stripe)}\n',
            True,
        ),
        ('config/app.yaml', f'bootstrap_blob: {b64("export GITHUB_TOKEN=" + token)}\n', True),
        ('config/app.conf', f'REDIRECT=https://app.acme.io/cb?next={quote(hook, safe="")}\n', True),
        (
            'config/app.json',
            json.dumps({'settings': json.dumps({'dsn': f'postgresql://app:{random_body(16)}@pg.acme-corp.io/x'})})
            + '\n',
            True,
        ),
        ('config/app.conf', f'BLOB={b64(b64("STRIPE=" + stripe))}\n', True),
        # the second level decodes whatever the first held, not only the words the gate lists
        ('config/app.conf', f'BLOB={b64(b64("glpat-" + random_body(20)))}\n', True),
        ('config/app.conf', f'BLOB={b64(b64(f"postgresql://app:{random_body(16)}@pg.acme-corp.io/app"))}\n', True),
        (
            'config/app.conf',
            f'BLOB={b64("next=" + quote(f"mysql://app:{random_body(16)}@db.acme-corp.io/shop", safe=""))}\n',
            True,
        ),
        ('config/app.conf', f'NOTE={b64(b64("a sentence of words, nothing more to it"))}\n', False),
        ('config/app.conf', f'NOTE={b64("nothing to see here, just a sentence")}\n', False),
        ('k8s/dev.yaml', f'apiVersion: v1\nkind: Secret\ndata:\n  password: {b64("changeme")}\n', False),
        ('config/app.json', json.dumps({'settings': json.dumps({'theme': 'dark', 'retries': 3})}) + '\n', False),
    ]


def _samples() -> list[tuple[str, str, bool]]:
    azurite = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq' + '/K1SZFPTOtr/KBHBeksoGMGw=='
    jwt_io = '.'.join(
        [
            b64('{"alg":"HS256","typ":"JWT"}').rstrip('='),
            b64('{"sub":"1234567890","name":"John Doe","iat":1516239022}').rstrip('='),
            'SflKxwRJSMeKKF2QT4fwpMeJf36POk6y' + 'JV_adQssw5c',
        ]
    )
    stripe_docs = 'sk_' + 'test_' + '4eC39HqLyjWDarjtT1zdp7dc'
    firebase = 'AIza' + 'SyDOCAbC123dEf456GhI789jKl01-MnO'
    return [
        (
            'config/storage.conf',
            'AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;'
            f'AccountKey={azurite};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\n',
            False,
        ),
        (
            'config/aws.conf',
            'aws_access_key_id = AKIAIOSFODNN7'
            + 'EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY'
            + 'EXAMPLEKEY\n',
            False,
        ),
        ('scripts/call.sh', f'curl -H "Authorization: Bearer {jwt_io}" https://api.acme.io/me\n', False),
        (
            'src/firebase.js',
            f'const firebaseConfig = {{\n  apiKey: "{firebase}",\n  authDomain: "x.firebaseapp.com",\n}};\n',
            False,
        ),
        ('src/pay.rb', f'Stripe.api_key = "{stripe_docs}"\n', False),
        ('src/pay.rb', f'Stripe.api_key = "{"sk_" + "test_" + random_body(24)}"\n', True),
    ]


TOPICS = {
    'config-password': _config,
    'credential-file': _credential,
    'connection-string': _connection,
    'docs-tests-examples': _docs,
    'password-hash': _hashes,
    'secret-despite-name': _salts,
    'encoded-value': _encoded,
    'public-sample': _samples,
}


def cases() -> list[Case]:
    out = []
    for topic, build in TOPICS.items():
        for i, (filename, text, secret) in enumerate(build(), 1):
            out.append(Case(topic, f'{topic}-{i:02d}', filename, text, secret))
    return out
