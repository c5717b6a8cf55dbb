"""Password hashes: `/etc/shadow` lines, htpasswd entries, crypt(3) strings in SQL dumps and config,
Cisco type 5/7/8/9 secrets, Kerberos AS-REP and TGS blobs.

A hash opens nothing by itself, but it is cracked offline at the attacker's leisure (a weak
password in seconds), so each is a finding of medium severity whose message says so. Cisco's
type 7 is no hash at all but a reversible encoding, hence high. Formats are matched whole (the
crypt scheme's alphabet and lengths), so prose that mentions `$6$` stays silent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from guard.detectors.base import secret_finding
from guard.detectors.filekinds import CREDENTIAL, DOCS, file_kind
from guard.detectors.lazyre import lazy
from guard.models import Confidence, Finding, Fragment, Severity

_B64 = r'[./A-Za-z0-9]'  # crypt(3)'s alphabet
_STD = r'[A-Za-z0-9+/]'
# (scheme name, pattern): the first that matches at a candidate names it
_SCHEMES: tuple[tuple[str, str], ...] = (
    ('bcrypt', rf'\$2[abxy]?\$\d\d\${_B64}{{53}}'),
    ('md5crypt', rf'\$(?:1|apr1)\${_B64}{{1,8}}\${_B64}{{22}}'),
    ('sha256crypt', rf'\$5\$(?:rounds=\d{{1,9}}\$)?{_B64}{{1,16}}\${_B64}{{43}}'),
    ('sha512crypt', rf'\$6\$(?:rounds=\d{{1,9}}\$)?{_B64}{{1,16}}\${_B64}{{86}}'),
    ('yescrypt', rf'\$y\${_B64}{{3,20}}\${_B64}{{1,86}}\${_B64}{{43}}'),
    ('scrypt', rf'\$7\${_B64}{{11,60}}\${_B64}{{43}}'),
    ('Cisco type 8', rf'\$8\${_B64}{{14}}\${_B64}{{43}}'),
    ('Cisco type 9', rf'\$9\${_B64}{{14}}\${_B64}{{43}}'),
    ('argon2', rf'\$argon2(?:id|i|d)\$(?:v=\d+\$)?m=\d+,t=\d+,p=\d+\${_STD}{{8,}}\${_STD}{{16,}}'),
    ('PBKDF2', rf'\$pbkdf2(?:-sha(?:1|256|512))?\$\d{{1,9}}\${_B64}{{4,}}\${_B64}{{20,}}'),
    ('PBKDF2 (Django)', rf'pbkdf2_sha(?:1|256)\$\d{{1,9}}\$[\w./+]{{1,64}}\${_STD}{{20,}}={{0,2}}'),
    ('bcrypt (Django)', rf'bcrypt(?:_sha256)?\$\$2[aby]\$\d\d\${_B64}{{53}}'),
    ('PBKDF2 (Werkzeug)', r'pbkdf2:sha(?:1|256|512)(?::\d{1,9})?\$[\w./+-]{1,64}\$[0-9a-f]{40,128}'),
    ('scrypt (Werkzeug)', r'scrypt:\d{1,9}:\d{1,3}:\d{1,3}\$[\w./+-]{1,64}\$[0-9a-f]{40,128}'),
    ('Kerberos AS-REP', r'\$krb5asrep\$(?:23|17|18)\$[^\s:$]{1,256}:[0-9a-fA-F]{32}\$[0-9a-fA-F]{64,}'),
    ('Kerberos TGS', r'\$krb5tgs\$(?:23|17|18)\$\*[^*\s]{1,256}\*\$[0-9a-fA-F]{32}\$[0-9a-fA-F]{64,}'),
    ('LDAP salted SHA', r'\{S(?:SHA|SHA256|SHA512|MD5)\}[A-Za-z0-9+/]{24,}={0,2}'),
)
_END = r'(?![./A-Za-z0-9+=$])'
_CANDIDATE = lazy('|'.join(f'(?P<s{i}>{pattern})' for i, (_name, pattern) in enumerate(_SCHEMES)) + _END)
# One pass per literal the schemes start with, only where it occurs: one alternation of them all
# cost 2 of guard's 3.3 CPU seconds on site-packages (40 MB), re trying it at every position.
_GATES = ('$', 'pbkdf2', 'bcrypt', 'scrypt:', '{S')  # every scheme above starts with one


def _gated(gate: str) -> str:
    """The schemes starting with `gate`, the literal factored out in front, where re's search
    skips to it (a literal inside each named group is not seen as a prefix)."""
    literal = re.escape(gate)
    branches = [
        f'(?P<s{i}>{pattern[len(literal) :]})'
        for i, (_name, pattern) in enumerate(_SCHEMES)
        if pattern.startswith(literal)
    ]
    return f'{literal}(?:{"|".join(branches)})'


_BY_GATE = tuple((gate, lazy(_gated(gate) + _END)) for gate in _GATES)
# `enable secret 5 $1$…` is matched above; type 7 is `password 7 <hex>` in IOS configs
_CISCO_7 = lazy(r'(?m)(?:password|secret|key-string|key)[ \t]+7[ \t]+([0-9A-Fa-f]{4,128})[ \t]*\r?$')
# MySQL's mysql_native_password hash where SQL names it: `IDENTIFIED BY PASSWORD '*…'`, a mysql.user dump
_MYSQL = lazy(r"'(\*[0-9A-F]{40})'")
_MYSQL_CONTEXT = lazy(r'(?i)identified|password|authentication_string|insert into')
# In a shadow or htpasswd file every second field is a hash: DES crypt (13 characters), `{SHA}`, `*` locks
_ENTRY = lazy(r'(?m)^([^:\s#][^:\s]{0,63}):([^:\s]{13,200})(?::|\r?$)')
_LOCKED = lazy(r'^[!*]')

_KEYWORDS = frozenset(
    {
        '$2a$',
        '$2b$',
        '$2y$',
        '$2x$',
        '$2$',
        '$1$',
        '$apr1$',
        '$5$',
        '$6$',
        '$y$',
        '$7$',
        '$8$',
        '$9$',
        '$argon2',
        '$pbkdf2',
        'pbkdf2_sha',
        'bcrypt$',
        'bcrypt_sha256$',
        'pbkdf2:sha',
        'scrypt:',
        '$krb5asrep$',
        '$krb5tgs$',
        '{ssha',
        '{smd5}',
        ' 7 ',
        "'*",
    }
)
_ENTRY_FILES = frozenset({'shadow', 'shadow-', 'gshadow', '.htpasswd', 'htpasswd', 'ftpd.passwd', 'proftpd.passwd'})


class PasswordHashDetector:
    """Password hashes wherever they are written: SQL dumps, config, scripts."""

    id = 'password-hash'
    keywords = _KEYWORDS
    reports: dict[str, str] = {
        'password-hash': 'a password hash (crypt, bcrypt, argon2, PBKDF2, Kerberos): crackable offline',
        'cisco-type7-password': 'a Cisco type 7 password: a reversible encoding, not a hash',
    }

    accepts_path = None  # reads every file (see Detector.accepts_path)

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        text = fragment.text
        if file_kind(fragment.path) == DOCS:
            return  # docs, tests, examples: fixture users' hashes (flask's tutorial data.sql) are demonstrations
        confidence = Confidence.HIGH
        seen: set[int] = set()
        for gate, pattern in _BY_GATE:
            if gate not in text:
                continue
            for match in pattern.finditer(text):
                if match.start() not in seen:
                    seen.add(match.start())
                    yield _hash_finding(fragment, match.start(), match.group(), _scheme(match), confidence)
        if "'*" in text:
            for match in _MYSQL.finditer(text):
                if not _MYSQL_CONTEXT.search(text, max(0, match.start() - 200), match.start()):
                    continue  # `IDENTIFIED BY PASSWORD '*…'`, a dump of mysql.user; not any quoted hex
                yield _hash_finding(fragment, match.start(1), match.group(1), 'MySQL native', confidence)
        if ' 7 ' in text:
            for match in _CISCO_7.finditer(text):
                if match.start() and (text[match.start() - 1].isalnum() or text[match.start() - 1] == '_'):
                    continue  # `xkey 7 …`: another word
                yield secret_finding(
                    fragment,
                    match.start(1),
                    match.group(1),
                    rule_id='cisco-type7-password',
                    severity=Severity.HIGH,
                    confidence=confidence,
                    message='Cisco type 7 password: a reversible encoding that anyone can decode',
                )


class HashFileDetector:
    """Every entry of a shadow, htpasswd or ftpd.passwd file: DES crypt and `{SHA}` carry no keyword."""

    id = 'password-hash-file'
    keywords: frozenset[str] = frozenset()  # judged by file name; returns at once for other files
    reports: dict[str, str] = {'password-hash': PasswordHashDetector.reports['password-hash']}

    def accepts_path(self, path: str) -> bool:
        """Whether `detect` can find anything in this file (see guard/gate.py)."""
        return _is_entry_file(path) and file_kind(path) == CREDENTIAL

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        if not self.accepts_path(fragment.path):
            return
        for match in _ENTRY.finditer(fragment.text):
            value = match.group(2)
            if _LOCKED.match(value):
                continue  # `!`, `*`: a locked account, no password
            scheme = _CANDIDATE.fullmatch(value)
            name = _scheme(scheme) if scheme else 'stored'
            yield _hash_finding(fragment, match.start(2), value, name, Confidence.HIGH)


def _scheme(match: re.Match[str]) -> str:
    group = next(k for k, v in match.groupdict().items() if v is not None)
    return _SCHEMES[int(group[1:])][0]


def _hash_finding(fragment: Fragment, start: int, value: str, scheme: str, confidence: Confidence) -> Finding:
    return secret_finding(
        fragment,
        start,
        value,
        rule_id='password-hash',
        severity=Severity.MEDIUM,
        confidence=confidence,
        message=f'{scheme} password hash: crackable offline, rotate the password it protects',
    )


def _is_entry_file(path: str) -> bool:
    name = re.split(r'[\\/]', path)[-1].lower()
    return name in _ENTRY_FILES or name.endswith('.htpasswd')
