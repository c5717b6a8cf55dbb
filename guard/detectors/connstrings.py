"""Passwords inside connection strings: parsed, not grepped.

Candidates are found with cheap literal anchors (`://`, `password=`, `LoginModule`,
`@//`, `machine`) and then parsed: the last `@` before the host ends the userinfo,
passwords are percent-decoded, IPv6 and multi-host lists are understood. A finding
needs a real password: placeholders, templates, documentation values and local
development defaults stay silent. The secret hashed and previewed is the password;
messages name the scheme and host, never the password.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import unquote

from guard.detectors.base import secret_finding
from guard.detectors.filekinds import CREDENTIAL, DOCS, OTHER, file_kind
from guard.detectors.lazyre import lazy
from guard.detectors.passwords import is_service_default, is_stand_in, judge_credential
from guard.detectors.placeholders import (
    is_doc_host,
    is_local_host,
    is_placeholder,
    is_trivial_password,
    is_word_path,
    looks_random,
)
from guard.detectors.wordfinder import WordFinder, find_all, line_span
from guard.models import Confidence, Finding, Fragment, Severity

# Managed databases and services reachable from the internet: a leaked password there is one hop from data.
PUBLIC_HOST_SUFFIXES = (
    '.neon.tech',
    '.amazonaws.com',
    '.supabase.co',
    '.supabase.com',
    '.database.azure.com',
    '.database.windows.net',
    '.cache.windows.net',
    '.documents.azure.com',
    '.servicebus.windows.net',
    '.mongodb.net',
    '.redis.cloud',
    '.redis-cloud.com',
    '.redislabs.com',
    '.upstash.io',
    '.cockroachlabs.cloud',
    '.psdb.cloud',
    '.planetscale.com',
    '.ondigitalocean.com',
    '.aivencloud.com',
    '.elephantsql.com',
    '.render.com',
    '.rlwy.net',
    '.railway.app',
    '.clickhouse.cloud',
    '.snowflakecomputing.com',
    '.oraclecloud.com',
    '.confluent.cloud',
    '.elastic-cloud.com',
    '.elastic.cloud',
    '.cloud.es.io',
    '.timescale.com',
    '.tsdb.cloud.timescale.com',
    '.xata.sh',
    '.turso.io',
    '.tidbcloud.com',
    '.singlestore.com',
    '.crunchybridge.com',
    '.cloudamqp.com',
    '.mailgun.org',
    '.sendgrid.net',
    '.postmarkapp.com',
    '.heroku.com',
    '.herokuapp.com',
    '.azure.com',
    '.cosmos.azure.com',
    '.mlab.com',
    '.mongolab.com',
    '.instaclustr.com',
    '.scalegrid.io',
    '.firebaseio.com',
    '.googleapis.com',
)

_SCHEME_CHARS = frozenset('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-')
_URI_BODY = lazy(r'[^\s"\'`<>\\]{1,2048}')
_QUERY_PASSWORD = lazy(r'(?i)[?&;](?:password|pwd|pass|passwd)=([^&;#]*)')
_QUERY_KEY_HINT = lazy(r'(?i)pass|pwd')
_QUERY_USER = lazy(r'(?i)[?&;](?:user|username|uid|user id)=([^&;#]*)')
_PORT = lazy(r':\d*$')

# key=value connection strings: ADO.NET (`;`-separated) and libpq (space-separated)
_KV_PASSWORD = lazy(r'(?i)(?<![\w.\-&?$%])(?:password|pwd)[ \t]*=(?!=)[ \t]*')
_ADO_PAIR = lazy(r';[ \t]*[A-Za-z][\w ]{0,30}=')
_PASSWORD_WORDS = WordFinder(('password', 'pwd'))
_KWARG = lazy(r'[,(][ \t]*$')
_CODE_VALUE = lazy(r'[(\[]')
_IDENTIFIER_PATH = lazy(r'[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+')
_KV_VALUE = lazy(
    r'\'((?:[^\'\\\n]|\\.){0,512})\'|"((?:[^"\\\n]|\\.){0,512})"|\{([^}\n]{0,512})\}'
    r'|([^;\s"\'`&<]{1,512})'
)
_KV_HOST = lazy(
    r'(?<![\w.\-])(?:host|hostaddr|server|data source|address|addr|network address)'
    r'[ \t]*=[ \t]*[\'"]?([^;\s\'"]+)'
)
_KV_USER = lazy(r'(?<![\w.\-])(?:user|user id|userid|uid|username|user name)[ \t]*=[ \t]*[\'"]?([^;\s\'"]*)')
_KV_CONTEXT = lazy(
    r'(?<![\w.\-])(?:host|hostaddr|server|data source|dbname|database|initial catalog'
    r'|user id|uid|port|sslmode)[ \t]*='
)

_JAAS = lazy(r'LoginModule\s+(?:required|requisite|sufficient|optional)\b[^;]{0,2000}')
_JAAS_FIELD = lazy(r'\b(username|password)\s*=\s*(?:"((?:[^"\\]|\\.){0,512})"|\'([^\']{0,512})\')')
_KAFKA_HOSTS = lazy(r'bootstrap[._-]servers["\']?\s*[:=]\s*["\']?([^\s,"\']+)')

_ORACLE = lazy(r'(?<![\w$#])([A-Za-z_][\w$#]{0,127})/([^\s/@"\'`]{1,256})$')
_TOKEN_END = frozenset(' \t\r\n"\'`@=<>')
_NETRC = lazy(
    r'\bmachine[ \t\r\n]+(\S{1,256})(?:[ \t\r\n]+login[ \t\r\n]+(\S{1,256}))?'
    r'[ \t\r\n]+password[ \t\r\n]+(\S{1,512})'
)
_PGPASS_LINE = lazy(
    r'^((?:[^:\\\n]|\\.)*):((?:[^:\\\n]|\\.)*):((?:[^:\\\n]|\\.)*):((?:[^:\\\n]|\\.)*):(.+)$', re.MULTILINE
)
_HEX32 = lazy(r'\s*[0-9a-f]{32}\s*')


_STORE_FORMATS = frozenset({'.pgpass', '.netrc'})
# files of URLs with userinfo, one stored credential a line (git's credential-store helper)
_URL_STORES = frozenset({'.git-credentials', 'git-credentials'})


class Credential(NamedTuple):
    """A password found inside a connection string, and what it opens."""

    kind: str  # 'postgresql+asyncpg', 'ADO.NET', 'libpq', 'Kafka JAAS', '.pgpass'
    user: str
    password: str  # decoded: the value a driver would send
    hosts: tuple[str, ...]
    offset: int  # where the password starts in the fragment's text
    length: int  # its length as written


class Verdict(NamedTuple):
    severity: Severity
    confidence: Confidence


def judge(cred: Credential, kind: str = OTHER, *, store: bool = False) -> Verdict | None:
    """Is this a real password, and how bad is its leak? None for stand-ins and local defaults.
    Outside docs, tests and examples (filekinds), any password to a host that is not local is one,
    weak or equal to the user name; so is every one a credential file stores (`store`: the entry is
    the file's own, as every line of `.git-credentials` is), local defaults graded low."""
    password, user = cred.password, cred.user
    bare = password.strip('\'"\\#')
    hosts = [h for h in cred.hosts if h]
    if not bare or any('sentry' in h.lower() for h in hosts):
        return None  # a Sentry DSN carries only the project's public key
    if hosts and all(is_doc_host(h) for h in hosts):
        return None
    random = looks_random(password)
    local = bool(hosts) and all(is_local_host(h) for h in hosts)
    stored = kind == CREDENTIAL and (
        store or cred.kind in _STORE_FORMATS
    )  # the file's own entries, not text inside them
    public = any(is_public_host(h) for h in hosts)
    if stored:
        graded = judge_credential(bare, user=user, local=local)
        if graded is None:
            return None
        return Verdict(Severity.CRITICAL, Confidence.HIGH) if public else Verdict(*graded)
    if public or (kind != DOCS and hosts and not local):
        if is_stand_in(bare) or (local and is_service_default(bare, user)):
            return None
        if public:  # a hosted service: even a tutorial's password there may be live
            return Verdict(Severity.CRITICAL, Confidence.LOW if kind == DOCS else Confidence.HIGH)
        return Verdict(Severity.MEDIUM if local else Severity.HIGH, Confidence.HIGH if random else Confidence.MEDIUM)
    if is_placeholder(bare) or bare.lower() == user.lower():
        return None
    if local and (not random or is_trivial_password(password, user)):
        return None
    if len(bare) < 6 or (not random and is_trivial_password(password, user) and len(password) < 8):
        return None
    if any(is_public_host(h) for h in hosts):
        return Verdict(Severity.CRITICAL, Confidence.HIGH)
    if local:
        return Verdict(Severity.MEDIUM, Confidence.MEDIUM)
    return Verdict(Severity.HIGH, Confidence.HIGH if random else Confidence.MEDIUM)


def is_public_host(host: str) -> bool:
    host = host.lower().rstrip('.')
    return host.endswith(PUBLIC_HOST_SUFFIXES)


def _host_of(part: str) -> str:
    part = part.strip()
    if part.startswith('['):
        return part[1 : part.find(']')] if ']' in part else part[1:]
    return _PORT.sub('', part)


def _hosts(hostpart: str) -> tuple[str, ...]:
    hostpart = re.split(r'[/?#;]', hostpart, maxsplit=1)[0]
    return tuple(h for h in (_host_of(p) for p in hostpart.split(',')) if h)


def _scheme_start(text: str, at: int) -> int:
    start = at
    floor = max(0, at - 40)
    while start > floor and text[start - 1] in _SCHEME_CHARS:
        start -= 1
    while start < at and not text[start].isalpha():
        start += 1
    return start


def parse_uri(text: str, at: int, end: int) -> Iterator[Credential]:
    """Credentials of the URI whose `://` is at `at` (and which ends by `end`): userinfo, `password=` parameters."""
    body_match = _URI_BODY.match(text, at + 3, end)
    if body_match is None:
        return
    body = body_match.group()
    slash = body.find('/')
    netloc = body if slash < 0 else body[:slash]
    userinfo, sep, hostpart = netloc.rpartition('@')
    # Most URIs are plain links: nothing to parse without userinfo or a password parameter
    if not (sep and ':' in userinfo) and not ('=' in body and _QUERY_KEY_HINT.search(body)):
        return
    scheme_start = _scheme_start(text, at)
    if scheme_start == at:
        return
    scheme = text[scheme_start:at].lower()
    if text[max(0, scheme_start - 5) : scheme_start].lower() == 'jdbc:':
        scheme = 'jdbc:' + scheme
    body_start = at + 3
    hosts = _hosts(hostpart if sep else netloc)
    if sep and ':' in userinfo:
        user, _, password = userinfo.partition(':')
        if hostpart and not any(c in user for c in '?#&'):
            yield Credential(scheme, unquote(user), unquote(password), hosts, body_start + len(user) + 1, len(password))
    for query in _QUERY_PASSWORD.finditer(body):
        user_match = _QUERY_USER.search(body)
        yield Credential(
            scheme,
            unquote(user_match.group(1)) if user_match else '',
            unquote(query.group(1)),
            hosts,
            body_start + query.start(1),
            len(query.group(1)),
        )


def parse_key_value(text: str, at: int, value_match: re.Match[str]) -> Credential | None:
    """`Server=…;Password=…` (ADO.NET) or `host=… password=…` (libpq): the pairs around a password key."""
    group = next(g for g in range(1, 5) if value_match.group(g) is not None)
    password = value_match.group(group)
    if len(password) < 6 or is_placeholder(password):
        return None
    line_start, line_end = line_span(text, at)
    if group == 4:
        if _KWARG.search(text, max(line_start, at - 80), at):
            return None  # `connect(host=h, password=pw)`: a keyword argument holding a variable
        if _CODE_VALUE.search(password) or (_IDENTIFIER_PATH.fullmatch(password) and is_word_path(password)):
            return None  # `password = os.environ["X"]`, `System.getenv(…)`, `settings.db_password`: code
    # libpq strings are often split over concatenated literals: look a few lines back for the host, but only
    # from a quoted value or a line that continues a literal; a bare `password = x` in code is on its own
    continued = group != 4 or text[line_start:at].lstrip()[:1] in ('"', "'", '+')
    window = text[max(0, at - 300) if continued else line_start : min(line_end, value_match.end() + 200)]
    low = window.lower()
    if not _KV_CONTEXT.search(low):
        return None
    ado = bool(_ADO_PAIR.search(window))  # the window, not the line: a 1 MB line is searched once per key
    host = _KV_HOST.search(low)
    user = _KV_USER.search(low)
    hosts = (_host_of(host.group(1).split(',')[0].removeprefix('tcp:')),) if host else ()
    return Credential(
        'ADO.NET' if ado else 'libpq',
        user.group(1) if user else '',
        password,
        hosts,
        value_match.start(group),
        len(password),
    )


def _jaas(text: str, match: re.Match[str]) -> Iterator[Credential]:
    fields = {m.group(1): m for m in _JAAS_FIELD.finditer(match.group())}
    found = fields.get('password')
    if found is None:
        return
    group = 2 if found.group(2) is not None else 3
    user = fields.get('username')
    user_value = (user.group(2) or user.group(3) or '') if user else ''
    servers = _KAFKA_HOSTS.search(text)
    hosts = (_host_of(servers.group(1)),) if servers else ()
    yield Credential(
        'Kafka SASL JAAS',
        user_value,
        found.group(group),
        hosts,
        match.start() + found.start(group),
        len(found.group(group)),
    )


def _oracle(text: str, at: int) -> Iterator[Credential]:
    """`user/password@//host:1521/service` (sqlplus, JDBC thin) with `@//` at `at`."""
    start = at
    floor = max(0, at - 300)
    while start > floor and text[start - 1] not in _TOKEN_END:
        start -= 1
    match = _ORACLE.search(text, start, at)
    if match is None:
        return
    host = _URI_BODY.match(text, at + 3, at + 260)
    hosts = _hosts(host.group()) if host else ()
    yield Credential('Oracle', match.group(1), match.group(2), hosts, match.start(2), len(match.group(2)))


def _message(cred: Credential) -> str:
    host = cred.hosts[0] if cred.hosts else 'an unnamed host'
    more = f' (+{len(cred.hosts) - 1} hosts)' if len(cred.hosts) > 1 else ''
    return f'{cred.kind} connection string with a password for {host}{more}'


def _finding(
    fragment: Fragment, cred: Credential, rule_id: str, message: str | None = None, *, store: bool = False
) -> Finding | None:
    verdict = judge(cred, file_kind(fragment.path), store=store)
    if verdict is None:
        return None
    finding = secret_finding(
        fragment,
        cred.offset,
        cred.password,
        rule_id=rule_id,
        severity=verdict.severity,
        confidence=verdict.confidence,
        message=message or _message(cred),
    )
    if finding.column is not None and len(cred.password) != cred.length:
        finding = finding._replace(end_column=finding.column + cred.length)
    return finding


class ConnectionStringDetector:
    """URIs with userinfo or `password=` parameters, Oracle `user/pw@//host`, Kafka JAAS configs."""

    id = 'connection-string'
    keywords = frozenset({'://', '@//', 'loginmodule'})
    reports = {
        'connection-string': 'Connection string or URI with a password (database, broker, cache, basic-auth URL)',
        'kafka-jaas-password': 'Kafka sasl.jaas.config with a password',
    }

    accepts_path = None  # reads every file (see Detector.accepts_path)

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        text = fragment.text
        store = os.path.basename(fragment.path).lower() in _URL_STORES
        for found in self._credentials(text):
            cred, rule_id = found
            finding = _finding(fragment, cred, rule_id, store=store)
            if finding is not None:
                yield finding

    def _credentials(self, text: str) -> Iterator[tuple[Credential, str]]:
        at = text.find('://')
        while at >= 0:
            following = text.find('://', at + 3)
            for cred in parse_uri(text, at, following if following >= 0 else len(text)):
                yield cred, 'connection-string'
            at = following
        at = text.find('@//')
        while at >= 0:
            for cred in _oracle(text, at):
                yield cred, 'connection-string'
            at = text.find('@//', at + 3)
        if 'LoginModule' in text:
            for match in _JAAS.finditer(text):
                for cred in _jaas(text, match):
                    yield cred, 'kafka-jaas-password'


class KeyValueConnectionDetector:
    """`Server=…;Password=…` (ADO.NET), `host=… password=…` (libpq), `connect(host=…, password='…')`."""

    id = 'connection-string-keyvalue'
    keywords = frozenset({'password=', 'pwd=', 'password =', 'pwd ='})
    reports = {
        'connection-string': 'Connection string or URI with a password (database, broker, cache, basic-auth URL)'
    }

    accepts_path = None  # reads every file (see Detector.accepts_path)

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        text = fragment.text
        next_free = 0
        for at, _ in _PASSWORD_WORDS.spans(text):
            key = _KV_PASSWORD.match(text, at) if at >= next_free else None
            value = _KV_VALUE.match(text, key.end()) if key is not None else None
            if key is None or value is None:
                continue
            next_free = value.end()
            cred = parse_key_value(text, key.start(), value)
            if cred is None:
                continue
            finding = _finding(fragment, cred, 'connection-string')
            if finding is not None:
                yield finding


class CredentialFileDetector:
    """Files that are credentials by their format: .pgpass, .netrc, Rails master keys."""

    id = 'credential-file'
    keywords: frozenset[str] = frozenset()  # judged by file name; returns at once for other files
    reports = {
        'pgpass-password': 'Password in a .pgpass entry',
        'rails-master-key': 'Rails master key (config/master.key: decrypts credentials.yml.enc)',
    }

    def accepts_path(self, path: str) -> bool:
        """Whether `detect` can find anything in this file: lets scan-history skip parsing
        commits that touch no such file (see guard/gate.py)."""
        name = os.path.basename(path).lower()
        return (
            name in ('.pgpass', 'pgpass', 'pgpass.conf')
            or name.endswith('.pgpass')
            or name == 'master.key'
            or (name.endswith('.key') and '/credentials/' in path.replace('\\', '/'))
        )

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        name = os.path.basename(fragment.path).lower()
        if name in ('.pgpass', 'pgpass', 'pgpass.conf') or name.endswith('.pgpass'):
            yield from self._pgpass(fragment)
        elif name == 'master.key' or (name.endswith('.key') and '/credentials/' in fragment.path.replace('\\', '/')):
            yield from self._rails_key(fragment)

    def _pgpass(self, fragment: Fragment) -> Iterator[Finding]:
        for match in _PGPASS_LINE.finditer(fragment.text):
            if match.group(1).lstrip().startswith('#'):
                continue
            password = match.group(5).rstrip('\r').replace('\\:', ':').replace('\\\\', '\\')
            cred = Credential('.pgpass', match.group(4), password, (match.group(1),), match.start(5), len(password))
            finding = _finding(fragment, cred, 'pgpass-password', f'.pgpass password for {match.group(1)}')
            if finding is not None:
                yield finding

    def _rails_key(self, fragment: Fragment) -> Iterator[Finding]:
        if _HEX32.fullmatch(fragment.text):
            key = fragment.text.strip()
            if not is_placeholder(key):
                yield secret_finding(
                    fragment,
                    fragment.text.find(key),
                    key,
                    rule_id='rails-master-key',
                    severity=Severity.CRITICAL,
                    message='Rails master key (decrypts credentials.yml.enc)',
                )


class NetrcDetector:
    """`machine HOST login USER password PASS` in a .netrc, or written to one by a script."""

    id = 'netrc-password'
    keywords = frozenset({'machine'})
    reports = {'netrc-password': 'Password in a .netrc machine entry'}

    accepts_path = None  # reads every file (see Detector.accepts_path)

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        text = fragment.text
        for at in find_all(text, 'machine'):
            match = _NETRC.match(text, at)
            if match is None:
                continue
            cred = Credential(
                '.netrc', match.group(2) or '', match.group(3), (match.group(1),), match.start(3), len(match.group(3))
            )
            finding = _finding(fragment, cred, self.id, f'.netrc password for {match.group(1)}')
            if finding is not None:
                yield finding
