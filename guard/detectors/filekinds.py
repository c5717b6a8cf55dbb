"""What kind of file a path names, for the password policy: a value under a password key means
something different in a deployed `.env` than in a tutorial.

- CREDENTIAL: a file whose job is to store credentials (`.pgpass`, `.netrc`, FileZilla's
  `sitemanager.xml`…): every password stored there is one.
- CONFIG: configuration that is deployed or sourced as it is (`.env`, compose, Kubernetes, Helm
  values, `*.tfvars`, Ansible vars, `application.yml`, `settings.py`, `wp-config.php`, `.ini`,
  `.properties`, shell rc files and scripts): a password there is a password, weak ones included.
- DOCS: documentation, tests, examples and templates: values there are usually demonstrations,
  so they are judged as before (more quietly).
- OTHER: source code and everything else.

Judged by the path alone (no I/O), once per fragment.
"""

from __future__ import annotations

import functools
import posixpath

CREDENTIAL = 'credential'
CONFIG = 'config'
DOCS = 'docs'
OTHER = 'other'

CREDENTIAL_NAMES = frozenset(
    {
        '.pgpass',
        'pgpass',
        'pgpass.conf',
        '.netrc',
        '_netrc',
        '.git-credentials',
        '.my.cnf',
        '.mylogin.cnf',
        '.npmrc',
        '.yarnrc',
        '.pypirc',
        '.s3cfg',
        '.boto',
        '.dockercfg',
        'sitemanager.xml',  # FileZilla
        'recentservers.xml',
        'filezilla.xml',
        'filezilla.server.xml',
        'data-sources.json',  # DBeaver
        'credentials-config.json',
        'robomongo.json',
        'robo3t.json',
        '3t.json',
        'winscp.ini',
        'ventrilo_srv.ini',
        'ftpd.passwd',
        'proftpd.passwd',
        'ftpusers.passwd',
        '.htpasswd',
        'htpasswd',
        'shadow',
        'shadow-',
        'gshadow',
        'confcons.xml',  # mRemoteNG
        'remmina.pref',
        'logins.json',  # Firefox
        'credentials.xml',  # Jenkins
        'hudson.util.secret',
        'jetbrains-credentials.xml',
    }
)
# credentials by directory: `~/.docker/config.json`, `~/.aws/credentials`, `.dbeaver/…`
CREDENTIAL_PARENTS = {
    '.docker': frozenset({'config.json'}),
    '.aws': frozenset({'credentials', 'config'}),
    '.kube': frozenset({'config'}),
    '.dbeaver': None,  # every file
    '.dbeaver4': None,
    'remmina': None,
}
CREDENTIAL_SUFFIXES = ('.ppk', '.remmina', '.pgpass', '.htpasswd', '.rdp', '.kdbx')

_DOC_DIRS = frozenset(
    {
        'docs',
        'doc',
        'documentation',
        'tests',
        'test',
        'testing',
        'spec',
        'specs',
        '__tests__',
        'testdata',
        'test_data',
        'fixtures',
        'examples',
        'example',
        'samples',
        'sample',
        'demo',
        'demos',
        'tutorial',
        'tutorials',
        'i18n',
        'l10n',
        'locale',
        'locales',
        'translations',
        'lang',
    }
)
_DOC_SUFFIXES = ('.md', '.markdown', '.rst', '.adoc', '.asciidoc', '.html', '.htm', '.ipynb', '.tex', '.org')
_TEMPLATE_MARKS = ('example', 'sample', 'template', '.tpl', '.dist', '.j2', '.jinja', 'skeleton', 'default')

_CONFIG_NAMES = frozenset(
    {
        '.env',
        '.envrc',
        '.bashrc',
        '.bash_profile',
        '.bash_login',
        '.profile',
        '.zshrc',
        '.zshenv',
        '.zprofile',
        '.kshrc',
        '.cshrc',
        '.tcshrc',
        'environment',
        'settings.py',
        'local_settings.py',
        'production.py',
        'prod.py',
        'wp-config.php',
        'config.php',
        'configuration.php',
        'settings.php',
        'local.php',
        'parameters.yml',
        'database.yml',
        'secrets.yml',
        'credentials.yml',
        'application.yml',
        'application.yaml',
        'bootstrap.yml',
        'bootstrap.yaml',
        'web.config',
        'app.config',
        'my.cnf',
        'redis.conf',
        'dockerfile',
        'makefile',
        'jenkinsfile',
    }
)
_CONFIG_SUFFIXES = (
    '.env',
    '.tfvars',
    '.ini',
    '.cfg',
    '.conf',
    '.cnf',
    '.properties',
    '.sh',
    '.bash',
    '.zsh',
    '.ps1',
    '.bat',
    '.cmd',
    '.config',
)
_YAML = ('.yml', '.yaml')
# YAML that is deployed as it is: compose, Kubernetes, Helm, Ansible, application config
_CONFIG_YAML_PREFIXES = ('docker-compose', 'compose', 'values', 'application', 'config', 'settings', 'secrets')
_CONFIG_DIRS = frozenset(
    {
        'config',
        'conf',
        'configs',
        'settings',
        'deploy',
        'deployment',
        'deployments',
        'k8s',
        'kubernetes',
        'manifests',
        'helm',
        'charts',
        'ansible',
        'group_vars',
        'host_vars',
        'inventory',
        'inventories',
        'vars',
        'defaults',
        'environments',
        'env',
        'infra',
        'infrastructure',
        'terraform',
        'overlays',
        'base',
        'kustomize',
    }
)


@functools.lru_cache(maxsize=1024)
def file_kind(path: str) -> str:
    """CREDENTIAL, CONFIG, DOCS or OTHER for a path (any separator, any case)."""
    normal = path.replace('\\', '/').lower()
    parts = [p for p in normal.split('/') if p not in ('', '.')]
    if not parts:
        return OTHER
    name = parts[-1]
    parents = parts[:-1]
    if _is_credential(name, parents):
        return CREDENTIAL
    if any(p in _DOC_DIRS for p in parents):
        return DOCS
    if name.endswith(_DOC_SUFFIXES) or any(mark in name for mark in _TEMPLATE_MARKS):
        return DOCS
    if name.startswith('messages') and name.endswith('.properties'):
        return DOCS  # a resource bundle of translated labels ('password=Kennwort')
    if name.startswith(('test_', 'conftest')) or name.endswith(('_test.py', '_test.go', '.test.js', '.spec.js')):
        return DOCS
    if _is_config(name, parents):
        return CONFIG
    return OTHER


def _is_credential(name: str, parents: list[str]) -> bool:
    if name in CREDENTIAL_NAMES or name.endswith(CREDENTIAL_SUFFIXES):
        return not any(mark in name for mark in ('example', 'sample', 'template'))
    if parents and parents[-1] in CREDENTIAL_PARENTS:
        names = CREDENTIAL_PARENTS[parents[-1]]
        return names is None or name in names
    return False


def _is_config(name: str, parents: list[str]) -> bool:
    if name in _CONFIG_NAMES or name.startswith('.env.') or name.endswith(_CONFIG_SUFFIXES):
        return True
    if name.startswith('appsettings') and name.endswith('.json'):
        return True
    if parents and parents[-1] == 'settings' and name.endswith('.py'):
        return True  # settings/prod.py
    if name.endswith(_YAML):
        stem = posixpath.splitext(name)[0]
        return stem.startswith(_CONFIG_YAML_PREFIXES) or any(p in _CONFIG_DIRS for p in parents)
    if name.endswith(('.json', '.toml', '.xml')):
        return any(p in _CONFIG_DIRS for p in parents)
    return False
