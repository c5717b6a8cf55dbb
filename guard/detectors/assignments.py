"""Secrets assigned to keys that name them: `DB_PASSWORD=…`, `api_key: …`, `"client_secret": "…"`.

One pass of one regex over the lowercased text finds a secret word followed by the
rest of a key and an assignment operator (`=`, `:`, `:=`, `=>`, a PHP `define(…, …)`,
an XML element or `value=` attribute, a config file's `key value`). Everything after
that works on the few hits: the key is read back from the hit, the value forward,
and both are judged: the key must name a secret, and the value must be neither a
placeholder, a reference to the environment or a secret store, a public value, nor
prose, a path, a URL, a number or a boolean.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

from guard.detectors.base import Located, secret_finding
from guard.detectors.entropy import char_classes, shannon_entropy
from guard.detectors.filekinds import CONFIG, CREDENTIAL, OTHER, file_kind
from guard.detectors.lazyre import lazy
from guard.detectors.passwords import judge_credential, judge_stored, names_stored_secret
from guard.detectors.placeholders import (
    is_phrase,
    is_placeholder,
    is_trivial_password,
    is_uuid,
    is_word_path,
    looks_random,
)
from guard.detectors.wordfinder import WordFinder, line_span
from guard.models import Confidence, Finding, Fragment, Severity

# `<Pass encoding="base64">`: an element's attributes between its name and its text
_ATTRIBUTES = r'(?:[ \t]+[\w:.-]{1,40}[ \t]*=[ \t]*(?:"[^"<>\n]{0,200}"|\'[^\'<>\n]{0,200}\')){1,8}[ \t]*'
_SECRET_WORDS = WordFinder(('pass', 'pwd', 'secret', 'token', 'cred', 'key', 'auth', 'salt', 'pepper', 'identified'))
# After a secret word: the rest of the key, a closing quote or bracket, and an assignment operator.
_AFTER = lazy(
    r'([\w.\-]{0,40})'  # the rest of the key: DB_PASSWORD_PROD, secret_key_base
    # a quoted key's closing quote, a subscript's bracket; then the blanks, all of them or all but the
    # last (which a spaced operator below starts with), never fewer: a bare `[ \t]*` backtracks
    # through every split of a long run into the blank-led operators, quadratic in its length
    r'(["\']?\]?)(?:[ \t]*(?![ \t])|[ \t]*(?=[ \t](?![ \t])))'
    r'(=>|:=|=(?![=~>])|:(?![:/\\])|,[ \t]*(?=["\'])|>(?=[^<\n]{1,512}</)'
    # Makefile `::=`, `:::=`, `?=`, `+=`; PHP `.=`; an element's text on its own line; an element with attributes
    r'|:::?=|[?+.]=(?!=)|>(?=[ \t]*\r?\n[ \t]*[^<\s][^<\n]{0,511}\r?\n[ \t]*</)|' + _ATTRIBUTES + '>(?=[^<\n]{1,512}</)'
    r'|[ \t]+value[ \t]*=[ \t]*(?=["\'])|[ \t](?=[ \t]*[^\s=:])|\((?=[ \t]*["\']))',
    re.IGNORECASE,
)
# `- name: DB_PASSWORD` / `value: …` (Kubernetes env), `{"name": "DB_PASSWORD", "value": "…"}` (ECS)
_NAME_VALUE = lazy(
    r'([\w.\-]{0,40})(["\']?)[ \t]*(?:,[ \t]*)?(?:\r?\n[ \t]*)?(["\']?value["\']?[ \t]*[:=])', re.IGNORECASE
)
_NAME_KEY = lazy(r'["\']?(?:name|key)["\']?[ \t]*[:=][ \t]*["\']?$', re.IGNORECASE)
_KEY_RUN = lazy(r'[\w.\-]*')
_KEY_CHARS = frozenset('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-')
_WORDS = lazy(r'[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+')
_LINE_PREFIX = lazy(r'[ \t]*(?:(?:export|ENV|ARG|set|SET|setenv|-)[ \t]+)?$')
_SPACE_KEYS = frozenset({'requirepass', 'masterauth'})  # redis.conf: `requirepass VALUE`
_KEYWORD_PREFIX = lazy(r'[ \t]*(?:ENV|ARG|set|SET|setenv)[ \t]+$')

# Source files: an unquoted value there is an expression (a variable, a call), never a literal.
CODE_EXTENSIONS = frozenset(
    {
        '.py',
        '.pyi',
        '.js',
        '.jsx',
        '.mjs',
        '.cjs',
        '.ts',
        '.tsx',
        '.mts',
        '.go',
        '.java',
        '.kt',
        '.kts',
        '.scala',
        '.groovy',
        '.gradle',
        '.rb',
        '.php',
        '.cs',
        '.fs',
        '.vb',
        '.rs',
        '.swift',
        '.c',
        '.h',
        '.cc',
        '.cpp',
        '.hpp',
        '.m',
        '.mm',
        '.dart',
        '.lua',
        '.pl',
        '.pm',
        '.r',
        '.ex',
        '.exs',
        '.erl',
        '.clj',
        '.vue',
        '.svelte',
        '.tf',
        '.hcl',
        '.tfvars',
        '.json',
        '.jsonc',
        '.json5',
        '.toml',
        '.nix',
        '.jl',
        '.zig',
        '.cr',
        '.ps1',
        '.psm1',
        '.sql',
        '.ipynb',
        '.jsonnet',
        '.libsonnet',
        '.cue',
        '.bicep',
        '.sol',
    }
)

PASSWORD_WORDS = frozenset(
    {'password', 'passwd', 'pwd', 'pass', 'passphrase', 'requirepass', 'masterauth', 'pw', 'passw', 'passcode'}
)
# `storepass`, `keypass` (keytool), `adminpass`, `dbpwd`: one word whose owner names what it opens
PASS_OWNERS = frozenset(
    {
        'store',
        'key',
        'keystore',
        'truststore',
        'trust',
        'admin',
        'db',
        'root',
        'user',
        'mysql',
        'pg',
        'redis',
        'smtp',
        'mail',
        'ftp',
        'ldap',
        'bind',
        'master',
        'app',
        'sa',
        'vnc',
        'sys',
        'default',
        'service',
        'api',
        'proxy',
        'sudo',
        'login',
        'web',
        'account',
        'wifi',
        'wpa',
    }
)
SECRET_WORDS = frozenset(
    {
        'secret',
        'secrets',
        'token',
        'tokens',
        'apikey',
        'credentials',
        'credential',
        'creds',
        'privatekey',
        'secretkey',
        'accesskey',
        'authtoken',
        'accesstoken',
        'apitoken',
        'authkey',
        'pepper',
    }
)
# `<word>_key`: these name a key that unlocks something
STRONG_KEY_PREFIXES = frozenset(
    {
        'api',
        'access',
        'secret',
        'private',
        'signing',
        'sign',
        'encryption',
        'encrypt',
        'decryption',
        'crypt',
        'cipher',
        'aes',
        'master',
        'app',
        'auth',
        'client',
        'account',
        'shared',
        'hmac',
        'jwt',
        'session',
        'service',
        'webhook',
        'admin',
        'root',
        'storage',
        'subscription',
        'consumer',
        'developer',
        'license',
        'integration',
        'server',
        'write',
        'read',
        'ingest',
        'deploy',
        'management',
        'mgmt',
        'cookie',
        'csrf_secret',
        'token',
        'enc',
        'dek',
        'kek',
        'wrapping',
        'recovery',
        'unseal',
        'rails',
        'laravel',
    }
)
# `NextToken`, `continuationToken`, `ClientToken`, `LockToken`: tokens that page through results, make
# a request idempotent or hold a lock; they open nothing (AWS documents hundreds of them with examples)
NON_CREDENTIAL_TOKENS = frozenset(
    {
        'next',
        'continuation',
        'continue',
        'page',
        'pagination',
        'paging',
        'cursor',
        'marker',
        'resume',
        'sync',
        'change',
        'lock',
        'idempotency',
        'client',
        'request',
        'purchase',
        'input',
        'output',
        'prev',
        'previous',
        'cancel',
        'cancellation',
        'start',
        'starting',
        'forward',
        'backward',
        'update',
    }
)
_BUILDER_NAMES = PASSWORD_WORDS | SECRET_WORDS  # `.password("…")`, `.apiKey("…")`
PUBLIC_WORDS = frozenset(
    {'public', 'publishable', 'pub', 'site', 'sitekey', 'recaptcha', 'anon', 'csrf', 'xsrf', 'nonce'}
)
# `hashed_secret`, `encrypted_password`: a digest or ciphertext of a secret does not open anything
DERIVED_WORDS = frozenset(
    {
        'hash',
        'hashed',
        'digest',
        'sha1',
        'sha256',
        'sha512',
        'md5',
        'bcrypt',
        'encrypted',
        'crypted',
        'sealed',
        'fingerprint',
        'checksum',
        'salted',
    }
)
# `password_file`, `token_url`, `secret_name`: the key describes the secret, the value is not it
NOT_SECRET_SUFFIXES = frozenset(
    {
        'file',
        'files',
        'path',
        'paths',
        'name',
        'names',
        'id',
        'ids',
        'url',
        'urls',
        'uri',
        'endpoint',
        'policy',
        'length',
        'len',
        'size',
        'type',
        'ttl',
        'expiry',
        'expires',
        'expiration',
        'timeout',
        'min',
        'max',
        'enabled',
        'enable',
        'disabled',
        'header',
        'field',
        'hash',
        'hashed',
        'env',
        'var',
        'variable',
        'prefix',
        'version',
        'store',
        'manager',
        'ref',
        'arn',
        'count',
        'regex',
        'pattern',
        'format',
        'mode',
        'provider',
        'location',
        'label',
        'method',
        'algorithm',
        'alg',
        'kind',
        'lifetime',
        'duration',
        'rotation',
        'reset',
        'validity',
        'scope',
        'scopes',
        'audience',
        'issuer',
        'dir',
        'directory',
        'command',
        'cmd',
        'script',
        'template',
        'hint',
        'title',
        'description',
        'placeholder',
        'message',
        'error',
        'strategy',
        'source',
        'limit',
        'attempts',
        'retries',
        'rules',
        'rule',
        'required',
        'class',
        'module',
        'handler',
        'callback',
        'param',
        'parameter',
        'query',
        'column',
        'table',
        'confirmation',
        'confirm',
        'prompt',
        'question',
        'secretref',
        'from',
        'reference',
        'key_ref',
        'selector',
        'mount',
        'volume',
        'cache',
        'age',
        'lifespan',
        'refresh_interval',
        'interval',
        'expire',
        'expired',
        'exp',
        'usage',
        'use',
        'user',
        'username',
        'login',
        'account_id',
        'bits',
        'size_bits',
        'strength',
        'reuse',
        'history',
        'changed',
        'updated',
        'created',
        'at',
        'date',
        'time',
        'on',
        'is',
        'has',
        'set',
        'exists',
        'provided',
        'validation',
        'validator',
        'regexp',
        'host',
        'port',
        'server',
        'generator',
        'factory',
        'type_id',
        'kid',
        'fingerprint',
        'checksum',
        'digest',
        'sha',
        'md5',
        'id_token_hint',
        'encoding',
        'encoder',
        'decoder',
        'parser',
        'serializer',
        'length_min',
        'rotate',
        'count_max',
        'keyring',
        'vault',
        'region',
        'bucket',
    }
)
# `primary_key`, `sort_key`: keys of data structures, not of locks
DATA_KEY_PREFIXES = frozenset(
    {
        'primary',
        'foreign',
        'sort',
        'partition',
        'cache',
        'idempotency',
        'unique',
        'lookup',
        'map',
        'row',
        'hash',
        'range',
        'group',
        'order',
        'index',
        'registry',
        'config',
        'settings',
        'translation',
        'i18n',
        'message',
        'hot',
        'short',
        'shortcut',
        'legend',
        'field',
        'column',
        'table',
        'attribute',
        'property',
        'react',
        'dict',
        'object',
        'composite',
        'natural',
        'surrogate',
        'dedup',
        'dedupe',
        'routing',
        'shard',
        'bucket',
        'redis',
        'state',
        'storage_key',
        'metadata',
        'label',
        'tag',
        'sort_key',
        'item',
        'list',
        'entry',
        'env',
        'environment',
        'var',
        'variable',
        'lock',
        'mutex',
        'cursor',
        'page',
        'next',
        'prev',
        'previous',
        'parent',
        'child',
        'node',
        'ssh',
        'gpg',
        'pgp',
        'host',
        'known',
        'kms',
        'key',
        'by',
        'result',
        'results',
        's3',
        'blob',
    }
)
_VALUE_PREFIXES = ('base64:', 'bearer ', 'basic ', 'token ', 'hex:')
_PUBLIC_VALUE = lazy(
    r'^(?:pk_(?:live|test)_|pk\.[\w-]|rk_test_|sb_publishable_|6L[\w-]{38}$)'
    r'|\.apps\.googleusercontent\.com$|^https?://[0-9a-f]{32}@[\w.\-]*sentry'
)
_NUMBERISH = lazy(r'^[-+]?\d+(?:[.,:]\d+)*[a-zA-Z%]{0,3}$|^(?:true|false|yes|no|on|off|null|nil|none)$', re.I)
_URLISH = lazy(r'^[A-Za-z][A-Za-z0-9+.\-]*://|^(?:/|\./|\.\./|~/|file:|[A-Za-z]:\\)')
# a character no path holds: `^&]}{[;#()<>|!*?` in a value that starts with '/' make it no path
_NOT_PATH = lazy(r'[^\w./~+@:%=,-]')
# bcrypt, argon2, sha-crypt, PBKDF2: a password's hash opens nothing
# and MySQL's mysql_native_password hash ('*' and 40 hex, `IDENTIFIED BY PASSWORD '*6BB4…'`)
_PASSWORD_HASH = lazy(
    r'^\$(?:2[abxy]?|argon2(?:id|i|d)|[156]|pbkdf2[\w-]*)\$|^(?:pbkdf2_sha256|bcrypt_sha256)\$'
    r'|^\*[0-9A-Fa-f]{40}$'
    r'|^\{(?:S?SHA(?:256|384|512)?|S?MD5|CRYPT|PBKDF2[\w-]*|ARGON2)\}'  # LDAP's userPassword schemes
)
_HOST_PORT = lazy(r'^[\w.\-]+:\d{1,5}$')
_FILE_VALUE = lazy(r'\.(?:pem|key|crt|cer|p12|pfx|jks|json|txt|yaml|yml|env|asc|gpg|der|keystore)$', re.I)
_QUOTED = {
    '"': lazy(r'"((?:[^"\\\n]|\\.){0,1024})"'),
    "'": lazy(r"'((?:[^'\\\n]|\\.){0,1024})'"),
    '`': lazy(r'`([^`\n]{0,1024})`'),
}
_OPENER = {')': '(', ']': '[', '}': '{'}
_CONTINUES = lazy(r'[ \t]*(?:\+|\.[A-Za-z_]|%[ \t]|\[|\$|\|\|)')
_CALL_END = lazy(r'[ \t]*\)')
_AUTH_SCHEMES = frozenset({'bearer', 'basic', 'token', 'bot', 'apikey', 'digest'})
_BARE = lazy(r'[^\s"\'`]{1,1024}')
_XML_TEXT = lazy(r'([^<\n]{1,1024})</')
_XML_TEXT_LINE = lazy(r'[ \t]*\r?\n[ \t]*([^<\s][^<\n]{0,1023})\r?\n[ \t]*</')  # `<password>` NL value NL `</password>`
# Go: `var apiKey string = "…"`, `const (` NL `apiSecret string = "…"`: a type between the name and `=`
_GO_TYPE = lazy(r'[ \t]+\*?[A-Za-z_][\w.\[\]]{0,40}[ \t]*=(?![=>])[ \t]*(?=["`])')
_GO_DECLARATION = lazy(r'[ \t]*(?:(?:var|const)[ \t]+)?$')
_CONN_CONTEXT = lazy(
    r'(?i)(?<![\w.\-])(?:host|hostaddr|server|data source|dbname|initial catalog)'
    r'[ \t]*=|loginmodule'
)
# a quoted string that ends (then a separator) between a URL and a key: the URL is another value
_CLOSED_QUOTE = lazy(r'["\'][ \t]*[,;}\]]')
_SECTION = lazy(r'^(?:([A-Za-z_][\w-]*):[ \t]*|---.*)$', re.MULTILINE)
_BASE64 = lazy(r'^[A-Za-z0-9+/]{4,}={0,2}$')
# `API_KEY: str = "…"`: a declared type between key and literal
_TYPED = lazy(r'[&*]?[A-Za-z_][\w.:<>\[\]?|,\' &*]{0,60}?[ \t]*=(?![=>])[ \t]*(?=["\'`])')
_STATEMENT_END = lazy(r'[ \t]*[;,)}\]]*[ \t]*(?:(?:#|//|--|;).*)?\r?$')
_SETTER = lazy(r'(?:set|with)(?:[A-Z_]|$)')
_SCHEME_BEFORE = lazy(r'(?i)(?:bearer|token|basic|bot)[ \t]+$')
_PLAIN = lazy(r'\S{1,1024}')
_ESCAPED_BREAK = lazy(r'\\[nrt]')
_NEXT_PAIR = lazy(r'[,&;](?=[A-Za-z_][\w.\-]+=)')
_BLOCK_SCALARS = frozenset({'|', '|-', '|+', '>', '>-', '>+'})
_CALL = lazy(r'([A-Za-z_$][A-Za-z_$.:]*)\(')
_CIPHERTEXT = lazy(r'^\{[A-Za-z0-9+/]{8,}={0,2}\}$')
_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'  # string.punctuation (`string` compiles a regex at import)
# Five consonants in a row: 73% of 14 random lowercase letters, 0.9% of the stdlib's 4,183 distinct
# lowercase words of 8-14 letters (concatenations: 'strftime', 'htmlhelp')
_CONSONANTS_5 = lazy(r'(?i)[bcdfghjklmnpqrstvwxz]{5}')
# SQL: `CREATE USER app IDENTIFIED BY 'x'` (Oracle, MySQL), `IDENTIFIED WITH mysql_native_password BY 'x'`;
# not `IDENTIFIED BY PASSWORD '*hash'`, `BY VALUES 'hash'` (Oracle) or `BY RANDOM PASSWORD` (none is a literal)
_IDENTIFIED_BY = lazy(r'(?i)identified\s{1,20}(?:with\s{1,20}[\'"`]?\w{1,64}[\'"`]?\s{1,20})?by[ \t]{1,20}')
# Oracle also takes an unquoted password, a name ending the line or the statement: `IDENTIFIED BY Xk9q;`;
# read only in SQL scripts, where prose ('a row identified by TransactionId') is rare
_SQL_EXTENSIONS = frozenset({'.sql', '.ddl', '.pls', '.plsql', '.pks', '.pkb', '.pck'})
_SQL_NAME = lazy(r'[A-Za-z][\w$#]{0,127}(?=[ \t]*(?:;|\r?\n|$))')
# Basic auth as a pair, the password second: `auth=('user', 'x')` (requests, httpx), `HTTPBasicAuth('user', 'x')`;
# the user name may be a literal or a name, the password only a literal
_PAIR_HEAD = lazy(r'\([ \t]*(?:"[^"\\\n]{0,256}"|\'[^\'\\\n]{0,256}\'|[A-Za-z_][\w.]{0,80})[ \t]*,[ \t]*(?=["\'])')
_PAIR_END = lazy(r'[ \t]*,?[ \t]*\)')
_PAIR_CLASS = lazy(r'(?i)(?:basic|digest)auth$')  # searched from 6 characters before the word 'Auth'
# a character class with a range, then a quantifier: `[a-zA-Z0-9+/=]{88}`, `[0-9a-f]+`; or two escapes
# of regex syntax: `^\zs\(secret\|inkeys\)\s*=` (one can be a random value's)
_REGEX_SYNTAX = lazy(r'\[\^?[^\]\s]*(?:a-z|A-Z|0-9|a-f|A-F)[^\]\s]*\][*+?{]|\\[(|)sdw].*\\[(|)sdw]')


# `encryptedPassword` (Robomongo, DBeaver), `EncryptedPass`, `password_encrypted`
_ENCRYPTED_PASSWORD = lazy(
    r'(?i)(?:en)?crypted[_.-]?(?:password|passwd|pass|pwd)|(?:password|pass)[_.-]?(?:en)?crypted'
)


class KeyClass:
    PASSWORD = 'password'
    SECRET = 'secret'
    AMBIGUOUS = 'ambiguous'


class Assignment(NamedTuple):
    key: str
    value: str
    offset: int  # where the value starts in the fragment's text
    quoted: bool
    spaced: bool = False  # `key value` or `key("value")`: too weak a form for a key that may name no secret
    key_class: str | None = None  # the form names what the value is (`IDENTIFIED BY '…'`), whatever the key


def _generated_not_path(value: str) -> bool:
    """'/QC0zbITcNp…' (base64) or './:o1b_b.NG…', '/f^p%zYS&L]s}…' (WordPress salts): they start
    the way a path does but are generated."""
    packed = value.strip().replace(' ', '')  # the generator draws blanks too
    return (
        packed[:1] in ('/', '.', '~')
        and looks_random(packed)
        and bool(_BASE64.match(value) or _NOT_PATH.search(packed))
    )


def classify_key(key: str) -> str | None:
    """Does the key name a secret, and how sure is that? None for keys that only mention one."""
    words = [w.lower() for w in _WORDS.findall(key)]
    if not words:
        return None
    joined = ''.join(words)
    if names_stored_secret(words):
        return KeyClass.SECRET  # `NONCE_SALT`, `LOGGED_IN_KEY`, `hash_salt`: secrets whatever the words say
    if joined.startswith(('nextpublic', 'public', 'vitepublic', 'reactapppublic', 'expopublic', 'gatsbypublic')):
        return None
    if any(w in PUBLIC_WORDS or w in DERIVED_WORDS for w in words) or 'publishable' in joined or 'sitekey' in joined:
        return None
    last = words[-1]
    if last in NOT_SECRET_SUFFIXES or (len(words) > 1 and '_'.join(words[-2:]) in NOT_SECRET_SUFFIXES):
        return None
    if (
        last in PASSWORD_WORDS
        or joined.endswith(('password', 'passwd', 'passphrase'))
        or (last.endswith(('pass', 'pwd')) and last.removesuffix('pass').removesuffix('pwd') in PASS_OWNERS)
    ):
        return KeyClass.PASSWORD
    if last in ('token', 'tokens') and len(words) > 1 and words[-2] in NON_CREDENTIAL_TOKENS:
        return None
    if last in SECRET_WORDS or joined.endswith(('secret', 'token', 'apikey', 'credentials', 'privatekey')):
        return KeyClass.SECRET
    if last in ('key', 'keys', 'base', 'salt', 'seed'):
        previous = words[-2] if len(words) > 1 else ''
        if previous.isdigit() and len(words) > 2:
            previous = words[-3] + previous  # `S3Key`: 's3', not '3'
        if 'secret' in words or 'private' in words or previous in STRONG_KEY_PREFIXES:
            return KeyClass.SECRET
        if previous in DATA_KEY_PREFIXES or last == 'base':
            return None
        return KeyClass.AMBIGUOUS
    if last in ('auth', 'authorization') and len(words) <= 2:
        return KeyClass.AMBIGUOUS
    return None


def strip_scheme(value: str) -> str:
    """`base64:…` (Laravel), `Bearer …`, `Basic …`: the credential is what follows."""
    lowered_value = value.lower()
    for prefix in _VALUE_PREFIXES:
        if lowered_value.startswith(prefix) and len(value) > len(prefix) + 8:
            return value[len(prefix) :].lstrip()
    return value


def judge_value(key_class: str, value: str, kind: str = OTHER) -> tuple[Severity, Confidence] | None:
    """Severity and confidence when `value` under a key of `key_class` is a real secret, in a file of `kind`
    (filekinds): config and credential files judge passwords and secrets by the password policy."""
    value = strip_scheme(value.strip())
    if '&' in value:
        import html  # here, not at import: html.entities is ~1 ms of the pre-commit start-up

        value = html.unescape(value)  # `&#x3C;string>` in generated docs is `<string>`
    strict = kind in (CONFIG, CREDENTIAL) and key_class != KeyClass.AMBIGUOUS
    stored = kind == CREDENTIAL and key_class == KeyClass.PASSWORD  # every password the file stores
    if (
        (len(value) < 8 and not strict)
        or (_NUMBERISH.match(value) and not (stored and value.isdigit()))  # a PIN-like password is one
        or _PUBLIC_VALUE.search(value)
        or _HOST_PORT.match(value)
        or value.startswith('arn:')
        or (_URLISH.match(value) and not _generated_not_path(value))
    ):
        return None  # a URL or a path; base64 and generated salts may start with '/' too
    if (
        value.startswith('-----BEGIN')
        or _FILE_VALUE.search(value)
        or _PASSWORD_HASH.match(value)
        or (is_placeholder(value) and not strict)
    ):
        return None
    if strict:
        if _REGEX_SYNTAX.search(value) or _CIPHERTEXT.match(value) or _encodes_nothing(value):
            return None
        return judge_credential(value) if stored else judge_stored(value, secret_key=key_class == KeyClass.SECRET)
    if ' ' in value and not (len(value) >= 32 and shannon_entropy(value) >= 4.3 and value.count(' ') <= 3):
        return None  # prose
    if _REGEX_SYNTAX.search(value) or _CIPHERTEXT.match(value):
        return None  # `[a-zA-Z0-9+/=]{88}`: a pattern for secrets; `{COQLCE6DU6GtcS5P=}`: Maven's ciphertext
    verdict = _judge_shape(key_class, value)
    if verdict is None or _encodes_nothing(value):
        return None
    return verdict


def _judge_shape(key_class: str, value: str) -> tuple[Severity, Confidence] | None:
    # a key naming a password or a secret is context enough to read camel-case look-alikes of random
    # letters ('WtyIRekMCVXTJdekWsojsWjt') as random; a bare `key` is not
    random = looks_random(value, _camel_phrase if key_class != KeyClass.AMBIGUOUS else is_word_path)
    if key_class == KeyClass.PASSWORD:
        # A key that names a password is context enough: whatever is not a stand-in, a word or a
        # phrase is somebody's password, however plain it looks ('qWErtyZxcvBnMl' has 2 classes).
        if (is_trivial_password(value) or is_trivial_password(value.strip(_PUNCTUATION))) and not _CONSONANTS_5.search(
            value
        ):
            return None  # a word ('Passwort', 'doesnotexist'); not 'xqzvjkwmplrt' (words seldom run 5 consonants)
        if is_phrase(value):
            return None
        if random:
            return Severity.HIGH, Confidence.HIGH
        return Severity.HIGH, Confidence.MEDIUM if char_classes(value) >= 3 else Confidence.LOW
    if key_class == KeyClass.SECRET:
        if random or (is_uuid(value)):
            return Severity.HIGH, Confidence.HIGH if random and len(value) >= 16 else Confidence.MEDIUM
        if len(value) >= 10 and char_classes(value) >= 3 and shannon_entropy(value) >= 3.0 and not is_word_path(value):
            return Severity.HIGH, Confidence.MEDIUM
        return None
    if random and len(value) >= 16 and not is_uuid(value):
        return Severity.HIGH, Confidence.MEDIUM
    return None


def _camel_phrase(value: str) -> bool:
    """Words for looks_random under a key that names a secret: letters and digits alone must be
    proper camel case; anything with separators is judged as a word path ('detect_secrets.main:main')."""
    return is_phrase(value) if value.isalnum() else is_word_path(value)


def _encodes_nothing(value: str) -> bool:
    """Base64 of a public key, or of text that is itself a stand-in ('not my real password'): asked
    only of values about to be reported, so the decoding costs nothing on the rest."""
    if len(value) < 12 or len(value) % 4 or not _BASE64.match(value):
        return False
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    if _is_public_key_der(raw):
        return True
    try:
        text = raw.decode('ascii')
    except UnicodeDecodeError:
        return False
    return text.isprintable() and (
        is_placeholder(text) or is_placeholder(text.rpartition(':')[2]) or (' ' in text.strip() and is_phrase(text))
    )


def _is_public_key_der(der: bytes) -> bool:
    """A DER SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { algorithm }, BIT STRING }. (A PKCS#8
    private key starts its SEQUENCE with an INTEGER instead.)"""
    outer = _der_contents(der, 0, 0x30)
    algorithm = _der_contents(der, outer[0], 0x30) if outer else None
    if algorithm is None:
        return False
    after = algorithm[0] + algorithm[1]
    return after < len(der) and der[after] == 0x03


def _der_contents(der: bytes, at: int, tag: int) -> tuple[int, int] | None:
    """Start and length of the contents of the DER element at `at`, if it has `tag`."""
    if at + 1 >= len(der) or der[at] != tag:
        return None
    length = der[at + 1]
    if not length & 0x80:
        return at + 2, length
    width = length & 0x7F
    return at + 2 + width, int.from_bytes(der[at + 2 : at + 2 + width], 'big')


def _key_start(text: str, at: int) -> int:
    start = at
    floor = max(0, at - 80)
    while start > floor and text[start - 1] in _KEY_CHARS:
        start -= 1
    return start


def read_value(
    text: str, match: re.Match[str], code: bool, in_string: bool = False, typed: bool = False
) -> tuple[str, int, bool] | None:
    """The value after the operator: (value, offset, quoted), or None when there is no literal.
    `code`: an unquoted value is an expression; `typed`: a type may stand between key and value."""
    op = match.group(3)
    pos = match.end()
    n = len(text)
    while pos < n and text[pos] in ' \t':
        pos += 1
    if pos >= n:
        return None
    if is_element(op):
        xml = _XML_TEXT.match(text, pos)
        if xml is None:
            xml = _XML_TEXT_LINE.match(text, pos)
            return (xml.group(1).strip(), xml.start(1), True) if xml else None
        return (xml.group(1).strip(), pos, True) if xml else None
    if text[pos] in '\r\n' and op in (':', '='):
        return _next_line(text, match.start(), pos, code or op == '=')
    quote = text[pos]
    if typed and quote not in _QUOTED and op == ':':
        declared = _TYPED.match(text, pos)  # `API_KEY: str = "…"`, `apiKey: string = "…"`, `&str`
        if declared:
            pos = declared.end()
            quote = text[pos]
    if quote in _QUOTED and not in_string:
        if quote != '`' and text.startswith(quote * 3, pos):
            return _triple_quoted(text, pos, quote * 3)
        found = _QUOTED[quote].match(text, pos)
        if found is None:
            return None
        inner = found.group(1)
        if (quote == '`' and '${' in inner) or _CONTINUES.match(text, found.end()):
            return None  # a template, or one operand of `'…' + x`, `'…'.format()`, `'…' % x`
        if (op.startswith(',') or op == '(') and not _CALL_END.match(text, found.end()):
            return None  # `define('KEY', 'value')` has two arguments; a list of names does not
        return inner, pos + 1, True
    if code:
        return None
    # An unquoted config value runs to the next blank, quotes included (`DB_PASSWORD=Xk9"mP2'q`); in a
    # string it ends at the string's quote.
    word = _BARE if in_string else _PLAIN
    bare = word.match(text, pos)
    if bare is None:
        return None
    if bare.group().lower() in _AUTH_SCHEMES and text.startswith(' ', bare.end()):
        bare = word.match(text, bare.end() + 1) or bare  # `Bearer <token>`: the token
    pos = bare.start()
    value = bare.group()
    if value[0] in '[{':
        return None  # `key: [a, b]`, `key: {…}`: a list or a mapping, not a scalar
    if not in_string and value[-1] in '"\'`,;)]}':
        value = _strip_closers(value, text[line_span(text, match.start())[0] : match.start()])
    if in_string and '\\' in value:
        value = _ESCAPED_BREAK.split(value, 1)[0]  # `"password: abc\n"`: the string's line ends at `\n`
    if ',' in value or '&' in value or ';' in value:
        # `--set db.password=…,db.user=app` (Helm), `?token=…&user=…`, `AccountKey=…;BlobEndpoint=…`
        # (an Azure connection string): the next pair is not the value
        pair = _NEXT_PAIR.search(value)
        value = value[: pair.start()] if pair else value
    value = value.rstrip(',;')
    if value in _BLOCK_SCALARS:
        return _block_scalar(text, match.start(), bare.end())
    call = _CALL.match(value) if '(' in value else None
    if call and len(call.group(1)) >= 3 and (call.group(1).islower() or is_phrase(call.group(1))):
        return None  # `inputsecret("Password: ")`, `hiera('db::password')`: a call in a language we do not parse
    return value, pos, False


def is_element(op: str) -> bool:
    """`<password>…`, `<Pass encoding="base64">…`: the operator closes an XML element's start tag."""
    return op[-1] == '>' and op != '=>'


def _next_line(text: str, key_at: int, pos: int, quoted_only: bool) -> tuple[str, int, bool] | None:
    """`api_key:` with its value alone on the next, more-indented line (YAML folds a scalar so); only a
    quoted value in code, or after `=`. A nested mapping, a list or a block of several lines is no value."""
    key_line = line_span(text, key_at, 200)[0]
    key_indent = len(text[key_line:key_at]) - len(text[key_line:key_at].lstrip(' \t'))
    start = pos + (2 if text.startswith('\r\n', pos) else 1)
    end = text.find('\n', start, start + 1100)
    end = len(text) if end < 0 else end
    line = text[start:end].rstrip('\r')
    indent = len(line) - len(line.lstrip(' \t'))
    value = line.strip()
    if indent <= key_indent or not value:
        return None
    following = text[end + 1 : end + 1 + indent + 1]
    if len(following) > indent and not following[:indent].strip() and following.strip():
        return None  # a second line of the block
    quote = value[0]
    if quote in ('"', "'"):
        found = _QUOTED[quote].match(text, start + indent)
        if found is None or not _STATEMENT_END.match(text, found.end(), end):
            return None
        return found.group(1), start + indent + 1, True
    if quoted_only or value[0] in '-#[{&*!|>%@`' or ': ' in value or value.endswith(':') or ' #' in value:
        return None
    return value, start + indent, False


def _go_typed(text: str, key: str, key_start: int, match: re.Match[str]) -> Assignment | None:
    """`var apiKey string = "…"`, `const apiSecret string = "…"` (also inside a `const (` block)."""
    declared = _GO_TYPE.match(text, match.start(3))
    line_start = line_span(text, key_start, 80)[0]
    if declared is None or not _GO_DECLARATION.match(text, line_start, key_start):
        return None
    pos = declared.end()
    found = _QUOTED[text[pos]].match(text, pos)
    if found is None or _CONTINUES.match(text, found.end()):
        return None
    return Assignment(key, found.group(1), pos + 1, True)


def _triple_quoted(text: str, pos: int, quotes: str) -> tuple[str, int, bool] | None:
    """`password = '''…'''` (TOML's multi-line strings, Python's): only a value of one line, on the
    opening line or the next (TOML drops a newline right after the quotes); a block of text is no password."""
    start = pos + 3
    if text.startswith('\n', start):
        start += 1
    elif text.startswith('\r\n', start):
        start += 2
    end = text.find(quotes, start, start + 1100)
    if end < 0:
        return None
    inner = text[start:end]
    value = inner.strip()
    if not value or '\n' in value or '\\' in value:
        return None
    return value, start + inner.index(value), True


def _is_setter(key: str) -> bool:
    name = key.rpartition('.')[2]
    return bool(_SETTER.match(name)) or ('.' in key and name.replace('_', '').lower() in _BUILDER_NAMES)


def _strip_closers(value: str, opened: str) -> str:
    """Separators, and quotes or brackets closing what `opened` (the line before the key) opened:
    `sh -c 'export PW=abc'`, `{user: app, password: abc}`, `PW=abc;`. A random value may end in any
    of these itself (`Hc0h=(kLY@}`)."""
    while value:
        last = value[-1]
        closes = (
            last in ',;'
            or (last in '"\'`' and last in opened)
            or (last in _OPENER and _OPENER[last] in opened and value.count(last) > value.count(_OPENER[last]))
        )
        if not closes:
            break
        value = value[:-1]
    return value


def _spaced_assignment(
    text: str, key: str, key_start: int, before: str, match: re.Match[str], code: bool
) -> Assignment | None:
    """`key value`: only where a line or a command is built so."""
    line_start = line_span(text, key_start, 80)[0]
    # `--password X`, `keytool -storepass X`: a command-line flag takes the next word
    flag = text[key_start] == '-' and before in ' \t"\'\n'
    # `ENV DB_PASSWORD x` (Dockerfile), `requirepass x` (redis.conf): a line of `key value`
    keyword = _KEYWORD_PREFIX.match(text, line_start, key_start) is not None or (
        key.lower() in _SPACE_KEYS and _LINE_PREFIX.match(text, line_start, key_start) is not None
    )
    if not (flag or keyword) and text[match.end() : match.end() + 40].lstrip(' \t')[:1] not in _QUOTED:
        return None  # `the password is …`, `if token is None`: most of these hits, dropped before reading on
    value = read_value(text, match, False)
    if value is None or not value[0]:
        return None
    if not flag:
        # otherwise only a literal that ends the statement: `password 'x'` (Gradle), `WITH PASSWORD 'x';`
        # (SQL); never a word of prose
        if not (keyword or value[2]):
            return None
        rest = text[value[1] + len(value[0]) + value[2] : line_span(text, value[1], 1100)[1]]
        if not _STATEMENT_END.match(rest):
            return None
    return Assignment(key, value[0], value[1], value[2], spaced=not keyword)


def _block_scalar(text: str, key_at: int, after: int) -> tuple[str, int, bool] | None:
    """`password: >-` and one more-indented line holding the value. Blocks of several lines
    (certificates, keys, vault blobs) are left to the detectors of those."""
    key_line = line_span(text, key_at, 200)[0]
    key_indent = len(text[key_line:key_at]) - len(text[key_line:key_at].lstrip(' '))
    start = text.find('\n', after, after + 200) + 1
    if not start:
        return None
    end = text.find('\n', start, start + 1100)
    end = len(text) if end < 0 else end
    line = text[start:end]
    indent = len(line) - len(line.lstrip(' '))
    value = line.strip()
    if indent <= key_indent or not value:
        return None
    following = text[end + 1 : end + 1 + indent + 1]
    if following[: indent + 1].startswith(' ' * (indent)) and following.strip():
        return None  # a second line of the block
    return value, start + indent, False


class AssignmentDetector(Located):
    """A key naming a secret, assigned a value that is one."""

    id = 'generic-secret-assignment'
    reports = {
        'generic-secret-assignment': 'A key naming a secret (password, token, api_key…) assigned a literal value'
    }
    keywords = frozenset(
        {
            'password',
            'passwd',
            'passphrase',
            'pwd',
            'secret',
            'token',
            'credential',
            'creds',
            'apikey',
            'api_key',
            'api-key',
            'key:',
            'key"',
            "key'",
            'key>',
            '_key=',
            '_key =',
            '-key=',
            '.key=',
            '_key\t',
            'privatekey',
            'secretkey',
            'accesskey',
            'signingkey',
            'encryptionkey',
            'masterkey',
            'appkey',
            'authkey',
            'clientkey',
            'accountkey',
            'licensekey',
            'storagekey',
            'hmackey',
            'jwtkey',
            'sessionkey',
            'pass=',
            'pass:',
            'pass"',
            "pass'",
            'pass =',
            'pass :',
            'requirepass',
            'masterauth',
            'auth=',
            'auth:',
            'auth"',
            "auth'",
            'auth =',
            'authorization',
            'salt=',
            'salt:',
            'salt"',
            "salt'",
            'salt =',
            'storepass',
            'keypass',
            'pepper',
            'identified',
            'basicauth(',
            'digestauth(',
            # `box-key = …`, `zerobounceKEY = "…"`, `<Pass encoding="…">`: spellings the words above miss
            '-key =',
            '-key:',
            'key = "',
            "key = '",
            'key = `',
            'key ="',
            "key ='",
            'key := ',
            '<pass ',
        }
    )

    located = _SECRET_WORDS.words

    accepts_path = None  # reads every file (see Detector.accepts_path)

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        return self._detect(fragment, _SECRET_WORDS.spans(fragment.text))

    def detect_located(self, fragment: Fragment, starts: Mapping[str, Sequence[int]]) -> Iterator[Finding]:
        return self._detect(fragment, _SECRET_WORDS.located_spans(fragment.text, starts))

    def _detect(self, fragment: Fragment, words: list[tuple[int, int]]) -> Iterator[Finding]:
        text = fragment.text
        if 'kind: SealedSecret' in text:
            return  # encrypted to the cluster's key: safe in git
        extension = os.path.splitext(fragment.path)[1].lower()
        code = extension in CODE_EXTENSIONS
        kind = file_kind(fragment.path)
        sections = _sections(text) if 'kind: Secret' in text else None
        next_free = 0
        for word_start, word_end in words:
            if word_start < next_free:
                continue
            if text[word_start] in 'iI':  # 'identified': SQL's `IDENTIFIED BY '…'`
                found = _identified_by(text, word_start, extension in _SQL_EXTENSIONS)
                if found is not None:
                    next_free = found.offset + len(found.value)
                    # a SQL script or dump creates the account it names: its password is one, weak or not
                    sql = kind == OTHER and extension in _SQL_EXTENSIONS
                    yield from self._report(fragment, found, KeyClass.PASSWORD, CONFIG if sql else kind)
                continue
            if text.startswith('(', word_end) and _PAIR_CLASS.search(text, max(0, word_start - 6), word_end):
                found = _auth_pair(text, word_end, text[_key_start(text, word_start) : word_end])
                if found is not None:  # `HTTPBasicAuth('user', '…')`, `httpx.DigestAuth(USER, '…')`
                    next_free = found.offset + len(found.value)
                    yield from self._report(fragment, found, KeyClass.PASSWORD, kind)
                    continue
            match = _NAME_VALUE.match(text, word_end) or _AFTER.match(text, word_end)
            if match is None:
                run = _KEY_RUN.match(text, word_end)  # other words of this key end the same way
                next_free = run.end() if run else word_end
                continue
            next_free = match.end()
            found = self._assignment(text, word_start, match, code)
            if found is None:
                continue
            if not found.quoted:
                next_free = found.offset + len(found.value)  # words inside `a=password=…` are not keys
            if found.key_class is not None:
                yield from self._report(fragment, found, found.key_class, kind)
                continue
            key_class = classify_key(found.key)
            if key_class is None and kind == CREDENTIAL and _ENCRYPTED_PASSWORD.search(found.key):
                key_class = KeyClass.PASSWORD  # a credential store's `encryptedPassword`: its key ships with the tool
            if key_class is None or (found.spaced and key_class == KeyClass.AMBIGUOUS):
                continue
            value = strip_scheme(found.value)
            offset = found.offset + len(found.value) - len(value)
            if key_class == KeyClass.AMBIGUOUS and _SCHEME_BEFORE.search(text, max(0, offset - 8), offset):
                key_class = KeyClass.SECRET  # `Authorization: Bearer …`: the scheme names a credential
            decoded = value
            if sections is not None and _section(sections, word_start) == 'data':
                decoded = _b64decode(value)  # judged decoded, reported as written
            verdict = judge_value(key_class, decoded, kind)
            if verdict is None:
                continue
            if key_class == KeyClass.PASSWORD and self._in_connection_string(text, word_start):
                continue
            severity, confidence = verdict
            yield secret_finding(
                fragment,
                offset,
                value,
                rule_id=self.id,
                severity=severity,
                confidence=confidence,
                message=f'secret assigned to {found.key}',
            )

    def _report(self, fragment: Fragment, found: Assignment, key_class: str, kind: str) -> Iterator[Finding]:
        """A value whose form names what it is (`IDENTIFIED BY '…'`, `auth=('user', '…')`): judged as written."""
        verdict = judge_value(key_class, found.value, kind)
        if verdict is not None:
            yield secret_finding(
                fragment,
                found.offset,
                found.value,
                rule_id=self.id,
                severity=verdict[0],
                confidence=verdict[1],
                message=f'secret assigned to {found.key}',
            )

    @staticmethod
    def _assignment(text: str, word_start: int, match: re.Match[str], code: bool) -> Assignment | None:
        key_end = match.end(1)
        key_start = _key_start(text, word_start)
        key = text[key_start:key_end].strip('.-')
        close, op = match.group(2), match.group(3)
        before = text[key_start - 1] if key_start else '\n'
        if op.lower().lstrip('"\'').startswith('value'):
            line_start = line_span(text, key_start, 80)[0]
            if not _NAME_KEY.search(text, max(line_start, key_start - 40), key_start):
                return None
            value = read_value(text, match, False)
            return Assignment(key, value[0], value[1], value[2]) if value and value[0] else None
        # inside a string literal: "Authorization: Bearer …", "x-api-key: …", "…;AccountKey=…;"
        in_string = (before in '"\'' and not close) or (before == ';' and op == '=')
        if not key or (close and before not in '"\'') or (in_string and op not in (':', '=')):
            return None
        if op.startswith(',') and not close:
            return None
        if op in ('=', ':') and key.lower().endswith('auth') and classify_key(key) == KeyClass.AMBIGUOUS:
            pair = _auth_pair(text, match.end(), key)  # `auth=('user', '…')`, `http_auth = (USER, "…")`
            if pair is not None:
                return pair
        if op == '(' and not _is_setter(key):
            return None  # `ds.setPassword("…")`, `.withApiKey("…")`, `.password("…")`; not `check_password("…")`
        if (
            is_element(op)
            and before != '<'
            and not (close and _NAME_KEY.search(text, max(0, key_start - 40), key_start))
        ):
            return None  # `<password>…</password>`, `<property name="db.password">…</property>`
        if op == ':' and text.endswith('://', 0, key_start):
            return None  # `https://x-access-token:…@host`: a URL's user name; the URL's detectors judge it
        if (
            op == ':'
            and match.start(3) > match.end(2)
            and not close
            and text[max(0, key_start - 40) : key_start].rstrip(' \t')[-1:].isalnum()
        ):
            return None  # `key : value` after a word is prose: 'Never pass :data:`x` as sender' (a reST role)
        if 'value' in op and not close and not is_element(op):
            return None
        if op in (' ', '\t'):
            return _go_typed(text, key, key_start, match) or _spaced_assignment(
                text, key, key_start, before, match, code
            )
        value = read_value(text, match, code and not in_string, in_string, code)
        if value is None or not value[0]:
            return None
        return Assignment(key, value[0], value[1], value[2], spaced=op == '(')

    @staticmethod
    def _in_connection_string(text: str, at: int) -> bool:
        """`Server=…;Password=…`, `host=… password=…`, URLs: the connection-string detector judges these."""
        line_start, line_end = line_span(text, at)
        key_start = _key_start(text, at)
        if '<' in text[line_start:key_start] and text[key_start - 1 : key_start] in (' ', '\t'):
            return False  # `<connection host="db" password="…"/>`: attributes of an element, not a libpq string
        url = text.rfind('://', line_start, at)
        if url >= 0 and not _CLOSED_QUOTE.search(text, url, key_start):
            return True  # `jdbc:postgresql://h/db?user=a&password=…`; not `"url": "https://…", "password": …`
        return bool(_CONN_CONTEXT.search(text, line_start, line_end))


def _identified_by(text: str, word_start: int, sql: bool) -> Assignment | None:
    """The password of SQL's `IDENTIFIED BY '…'`, `IDENTIFIED WITH plugin BY '…'`, or Oracle's unquoted one."""
    if word_start and (text[word_start - 1].isalnum() or text[word_start - 1] == '_'):
        return None
    by = _IDENTIFIED_BY.match(text, word_start)
    if by is None:
        return None
    pos = by.end()
    quote = text[pos : pos + 1]
    if quote in ('"', "'"):
        found = _QUOTED[quote].match(text, pos)
        if found is None or _CONTINUES.match(text, found.end()):
            return None  # an operand of `'…' + pw`, `'…' % pw`: the statement is built in code
        return Assignment('IDENTIFIED BY', found.group(1), pos + 1, True, key_class=KeyClass.PASSWORD)
    name = _SQL_NAME.match(text, pos) if sql else None
    if name is None:
        return None  # `:pw`, `?`, `&pw`, `VALUES '…'`, `RANDOM PASSWORD`
    return Assignment('IDENTIFIED BY', name.group(), pos, False, key_class=KeyClass.PASSWORD)


def _auth_pair(text: str, at: int, key: str) -> Assignment | None:
    """The password of a basic-auth pair at `at`: `('user', 'x')`, `(USER, "x")`; a variable is no literal."""
    while at < len(text) and text[at] in ' \t':
        at += 1
    head = _PAIR_HEAD.match(text, at)
    if head is None:
        return None
    quote = text[head.end()]
    found = _QUOTED[quote].match(text, head.end())
    if found is None or not _PAIR_END.match(text, found.end()):
        return None  # `('user', 'x' + suffix)`, a third element: not a literal pair
    return Assignment(key, found.group(1), head.end() + 1, True, key_class=KeyClass.PASSWORD)


def _sections(text: str) -> list[tuple[int, str]]:
    """Where each top-level YAML key (`data:`, `stringData:`) and each `---` document starts."""
    return [(m.start(), m.group(1) or '') for m in _SECTION.finditer(text)]


def _section(sections: list[tuple[int, str]], at: int) -> str:
    """The top-level YAML key a position sits under, within its document."""
    index = bisect.bisect_left(sections, (at, '')) - 1
    return sections[index][1] if index >= 0 else ''


def _b64decode(value: str) -> str:
    """Kubernetes Secret `data:` values are base64: judge what they encode."""
    if not _BASE64.match(value) or len(value) % 4:
        return value
    try:
        return base64.b64decode(value, validate=True).decode('utf-8')
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return value
