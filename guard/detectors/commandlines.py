"""Credentials written into command lines: `curl -u user:pass`, `curl -H 'Authorization: Bearer …'`,
`docker login -p …`, `mysql -p…`, `sshpass -p …`, `psexec -p …`, `ConvertTo-SecureString '…' -AsPlainText`.

A command is found by its name (a word on its own, or the last part of a path), then read as a
shell would split it: words, quotes, `\\`-continued lines, up to the end of the command (`;`, `|`,
`&&`, a newline, a comment, or the quote of the string that holds it in a program). Each command
names the options that take a password; what such an option's value is judged by is the
assignment detector's value judgement (placeholders, references, words). `git clone
https://user:token@host` is a URL: the connection-string detector reads those.
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from guard.detectors.assignments import KeyClass, classify_key, judge_value
from guard.detectors.base import secret_finding
from guard.models import Finding, Fragment

RULE_ID = 'command-line-credential'

# Each family: the option spellings that take a password, and how (see _option_values).
_MYSQL = ('mysql', 'mysqldump', 'mysqladmin', 'mysqlimport', 'mysqlshow', 'mysqlcheck', 'mysqlsh', 'mariadb')
_MONGO = ('mongo', 'mongosh', 'mongodump', 'mongorestore', 'mongoexport', 'mongoimport', 'mongostat', 'mongotop')
_LOGIN = ('docker', 'podman', 'nerdctl', 'buildah', 'skopeo', 'helm', 'oras', 'crane', 'regctl')
_LDAP = ('ldapsearch', 'ldapmodify', 'ldapadd', 'ldapdelete', 'ldapwhoami', 'ldappasswd', 'ldapcompare')
COMMANDS = frozenset(
    {
        'curl',
        'wget',
        *_MYSQL,
        *_MONGO,
        *_LOGIN,
        *_LDAP,
        'sshpass',
        'psexec',
        'psexec64',
        'paexec',
        'redis-cli',
        'sqlcmd',
        'bcp',
        'az',
        'smbclient',
        'net',
        'htpasswd',
        'ipmitool',
        'xfreerdp',
        'wfreerdp',
        'rdesktop',
        'cmdkey',
        'schtasks',
        'rabbitmqctl',
        'openssl',
        'svn',
        'convertto-securestring',
    }
)
# What the prefilter looks for: the names, but `net use`/`az login` for the two names that are common
# words of other text (`network`, `azure`), and the mongo tools by their own names, not `pymongo`
KEYWORDS = frozenset(
    (COMMANDS - {'net', 'az', 'mongo', 'bcp', 'svn', 'crane', 'oras'})
    | {'net use', 'net user', 'az login', 'mongo ', 'bcp ', 'svn ', 'crane auth', 'oras login'}
)
_BEFORE = frozenset(' \t\n\r(\'"`|;&/\\=')  # what may stand before a command's name
_ENDS = frozenset(';|&\n')
_MAX_WORDS = 64
_MAX_SPAN = 4000
BASIC = 'basic'  # a key class of this module: base64 of `user:password`, judged decoded
_HEADER_SCHEMES = frozenset({'bearer', 'token', 'bot', 'apikey', 'api-key'})


class Word(NamedTuple):
    value: str  # without its quotes
    start: int  # where the value starts in the text
    quoted: str = ''  # the quote that held it, if any


def split_command(text: str, pos: int) -> list[Word]:
    """The words of the command starting at `pos`, as a shell splits them (no expansion)."""
    words: list[Word] = []
    n = min(len(text), pos + _MAX_SPAN)
    while len(words) < _MAX_WORDS:
        while pos < n and text[pos] in ' \t':
            pos += 1
        if pos < n - 1 and text[pos] in '\\`' and text[pos + 1] in '\r\n':  # a continued line (sh, PowerShell)
            pos += 3 if text.startswith('\r\n', pos + 1) else 2
            continue
        if pos >= n or text[pos] in _ENDS or text[pos] == '#' or text[pos] == '\r':
            break
        quote = text[pos]
        if quote in '"\'':
            close = text.find(quote, pos + 1, n)
            newline = text.find('\n', pos + 1, n)
            if close < 0 or 0 <= newline < close:
                break  # the quote closes the string of a program holding the command
            words.append(Word(text[pos + 1 : close], pos + 1, quote))
            pos = close + 1
            continue
        start = pos
        ended = False
        while pos < n and text[pos] not in ' \t\r\n;|&':
            if text[pos] in '"\'':  # `--password="x"`, `-p'x'`: a quoted part inside the word
                close = text.find(text[pos], pos + 1, n)
                newline = text.find('\n', pos + 1, n)
                if close < 0 or 0 <= newline < close:
                    ended = True  # `"… -pX"` in a program: the string (and the command) ends here
                    break
                pos = close
            pos += 1
        if pos > start:
            words.append(Word(text[start:pos], start))
        if ended:
            break
    return words


def _unquote(word: Word, skip: int) -> Word:
    """The rest of a word after its first `skip` characters (`-p'x'` → `x`), unquoted."""
    value, start = word.value[skip:], word.start + skip
    if len(value) >= 2 and value[0] in '"\'' and value[-1] == value[0]:
        return Word(value[1:-1], start + 1, value[0])
    return Word(value, start, word.quoted)


def _option_values(
    args: Sequence[Word], separate: Sequence[str] = (), attached: Sequence[str] = (), equals: Sequence[str] = ()
) -> Iterator[tuple[str, Word]]:
    """(option, value) for `-p VALUE` (separate), `-pVALUE` (attached), `--password=VALUE` (equals)."""
    for i, word in enumerate(args):
        text = word.value if not word.quoted else ''
        if text in separate and i + 1 < len(args):
            following = args[i + 1]
            if following.quoted or not following.value.startswith('-'):
                yield text, following
            continue
        for option in equals:
            if text.startswith(option + '='):
                yield option, _unquote(word, len(option) + 1)
        for option in attached:
            if text.startswith(option) and len(text) > len(option) and not text.startswith('--'):
                yield option, _unquote(word, len(option))


def _split_credential(word: Word, separator: str) -> Word | None:
    """The password of `user:password` (`user%password` for smbclient); none without a separator."""
    user, found, password = word.value.partition(separator)
    if not found or not user or not password:
        return None
    return Word(password, word.start + len(user) + 1, word.quoted)


def _positionals(args: Sequence[Word]) -> list[Word]:
    return [w for w in args if w.quoted or not w.value.startswith(('-', '/'))]


def _secrets(name: str, args: Sequence[Word]) -> Iterator[tuple[str, Word, str]]:
    """(what, value, key class) for each value that a command's options say is a password or token."""
    lowered = [w.value.lower() for w in args]
    if name == 'curl' or name == 'wget':
        for option, word in _option_values(args, ('-u', '--user', '-U', '--proxy-user'), ('-u', '-U'), ('--user',)):
            password = _split_credential(word, ':')
            if password is not None:
                yield f'{name} {option}', password, KeyClass.PASSWORD
        for option, word in _option_values(
            args, ('--password', '--http-password', '--ftp-password'), (), ('--password', '--http-password')
        ):
            yield f'{name} {option}', word, KeyClass.PASSWORD
        for option, word in _option_values(args, ('-H', '--header'), ('-H',), ('--header',)):
            yield from _header(name, option, word)
    elif name in _LOGIN:
        if 'login' in lowered or 'repo' in lowered:
            for option, word in _option_values(args, ('-p', '--password'), (), ('--password',)):
                yield f'{name} login {option}', word, KeyClass.PASSWORD
    elif name in _MYSQL:
        # `-p` alone prompts, and `-p db` names a database: only `-pSECRET` and `--password=SECRET` carry one
        for option, word in _option_values(args, (), ('-p',), ('--password',)):
            yield f'{name} {option}', word, KeyClass.PASSWORD
    elif name in _MONGO or name == 'svn':
        for option, word in _option_values(args, ('-p', '--password'), (), ('--password',)):
            yield f'{name} {option}', word, KeyClass.PASSWORD
    elif name in ('sshpass', 'psexec', 'psexec64', 'paexec', 'rdesktop'):
        for option, word in _option_values(args, ('-p',), ('-p',) if name == 'sshpass' else ()):
            yield f'{name} {option}', word, KeyClass.PASSWORD
    elif name == 'redis-cli':
        for option, word in _option_values(args, ('-a', '--pass'), (), ('--pass',)):
            yield f'{name} {option}', word, KeyClass.PASSWORD
    elif name in ('sqlcmd', 'bcp', 'ipmitool'):
        for option, word in _option_values(args, ('-P',), ('-P',) if name != 'ipmitool' else ()):
            yield f'{name} {option}', word, KeyClass.PASSWORD
    elif name in _LDAP:
        for option, word in _option_values(args, ('-w',)):
            yield f'{name} {option}', word, KeyClass.PASSWORD
    elif name == 'az':
        if 'login' in lowered:
            for option, word in _option_values(
                args, ('-p', '--password', '--client-secret'), (), ('--password', '--client-secret')
            ):
                yield f'az login {option}', word, KeyClass.PASSWORD
    elif name == 'smbclient':
        for option, word in _option_values(args, ('-U', '--user'), ('-U',), ('--user',)):
            password = _split_credential(word, '%')
            if password is not None:
                yield f'smbclient {option}', password, KeyClass.PASSWORD
    elif name == 'net':
        yield from _net(args, lowered)
    elif name == 'htpasswd':
        flags = ''.join(w.value[1:] for w in args if not w.quoted and w.value.startswith('-'))
        positionals = _positionals(args)
        if 'b' in flags and len(positionals) == (2 if 'n' in flags else 3):
            yield 'htpasswd -b', positionals[-1], KeyClass.PASSWORD
    elif name in ('xfreerdp', 'wfreerdp', 'cmdkey'):
        prefix = '/p:' if name != 'cmdkey' else '/pass:'
        for word in args:
            if not word.quoted and word.value.lower().startswith(prefix):
                yield f'{name} {prefix}', _unquote(word, len(prefix)), KeyClass.PASSWORD
    elif name == 'schtasks':
        for i, value in enumerate(lowered[:-1]):
            if value == '/rp' and not args[i].quoted:
                yield 'schtasks /RP', args[i + 1], KeyClass.PASSWORD
    elif name == 'rabbitmqctl':
        positionals = _positionals(args)
        if len(positionals) == 3 and positionals[0].value in ('add_user', 'change_password'):
            yield f'rabbitmqctl {positionals[0].value}', positionals[2], KeyClass.PASSWORD
    elif name == 'openssl':
        for i, value in enumerate(lowered[:-1]):
            if value in ('-passout', '-passin', '-pass', '-password') and args[i + 1].value.startswith('pass:'):
                yield f'openssl {value} pass:', _unquote(args[i + 1], 5), KeyClass.PASSWORD
    elif name == 'convertto-securestring' and '-asplaintext' in lowered:
        strings = [w for i, w in enumerate(args) if i and lowered[i - 1] == '-string']
        for word in strings or _positionals(args)[:1]:
            yield 'ConvertTo-SecureString -AsPlainText', word, KeyClass.PASSWORD


def _net(args: Sequence[Word], lowered: Sequence[str]) -> Iterator[tuple[str, Word, str]]:
    """`net use Z: \\\\host\\share PASSWORD /user:…`, `net user NAME PASSWORD /add`."""
    positionals = _positionals(args)
    if not positionals:
        return
    verb = positionals[0].value.lower()
    rest = positionals[1:]
    if verb == 'use' and any(v.startswith('/user:') for v in lowered):
        shares = [i for i, w in enumerate(rest) if w.value.startswith('\\\\')]
        if shares and shares[0] + 1 < len(rest) and rest[shares[0] + 1].value != '*':
            yield 'net use', rest[shares[0] + 1], KeyClass.PASSWORD
    elif verb == 'user' and len(rest) == 2 and rest[1].value != '*':
        yield 'net user', rest[1], KeyClass.PASSWORD


def _header(name: str, option: str, word: Word) -> Iterator[tuple[str, Word, str]]:
    """`Authorization: Bearer …` / `Basic …` (its base64 judged as `user:password`), `X-Api-Key: …`."""
    header, colon, rest = word.value.partition(':')
    if not colon or not header.strip() or ' ' in header.strip():
        return
    at = word.start + len(header) + 1
    while rest[:1] in (' ', '\t') and rest:
        rest, at = rest[1:], at + 1
    scheme, space, after = rest.partition(' ')
    if header.strip().lower() in ('authorization', 'proxy-authorization') and space:
        credential = after.strip()
        start = at + len(scheme) + 1 + len(after) - len(after.lstrip())
        if scheme.lower() == 'basic':
            yield f'{name} {option} Authorization: Basic', Word(credential, start), BASIC
        elif scheme.lower() in _HEADER_SCHEMES:
            yield f'{name} {option} Authorization: {scheme}', Word(credential, start), KeyClass.SECRET
        return
    key_class = classify_key(header.strip())
    if key_class is not None and rest and ' ' not in rest.strip():
        yield f'{name} {option} {header.strip()}', Word(rest.strip(), at), key_class


def basic_password(credential: str) -> str | None:
    """Basic credentials are base64 of `user:password`: the password (None when it is not such base64)."""
    try:
        decoded = base64.b64decode(credential, validate=True).decode('utf-8')
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    user, colon, password = decoded.partition(':')
    return password if colon and user and password else None


# What is searched for: each name, but `net`, `az` and `bcp` only with their verb (as words of other
# text they occur thousands of times in a minified bundle), `mongo` only followed by a blank
_SEARCHED = {
    **{name: name for name in COMMANDS - {'net', 'az', 'bcp', 'mongo'}},
    'net use ': 'net',
    'net user ': 'net',
    'az login': 'az',
    'bcp ': 'bcp',
    'mongo ': 'mongo',
    'mongo\t': 'mongo',
}


_CASED = {'convertto-securestring': 'ConvertTo-SecureString', 'psexec': 'PsExec', 'psexec64': 'PsExec64'}


@functools.cache
def _automaton() -> tuple[Any, tuple[str, ...]]:
    """One Aho-Corasick pass over the text's bytes finds every searched string as written lower,
    Capitalised, UPPER (or as its documentation writes it), the longest at each place (`mongosh`,
    not `mongo`): no lowered copy of a 4 MB bundle per call."""
    import ahocorasick_rs

    variants: dict[str, str] = {}
    for searched, name in _SEARCHED.items():
        cased = _CASED.get(searched, searched)
        for variant in (searched, searched.capitalize(), searched.upper(), cased):
            variants.setdefault(variant, name)
    kind = ahocorasick_rs.MatchKind.LeftmostLongest
    dfa = ahocorasick_rs.Implementation.DFA
    automaton = ahocorasick_rs.BytesAhoCorasick([v.encode() for v in variants], matchkind=kind, implementation=dfa)
    return automaton, tuple(variants.values())


def _occurrences(text: str) -> list[tuple[int, str]]:
    """(offset, name) of every command name in an ASCII text, in order (byte offsets are offsets there)."""
    automaton, names = _automaton()
    return [(start, names[index]) for index, start, _ in automaton.find_matches_as_indexes(text.encode())]


class CommandLineDetector:
    """A password or token given to a command on its command line."""

    id = RULE_ID
    reports: dict[str, str] = {
        RULE_ID: 'password or token on a command line (curl -u, -H Authorization, docker login -p, mysql -p, …)'
    }
    keywords = KEYWORDS

    accepts_path = None  # reads every file (see Detector.accepts_path)

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        text = fragment.text
        if not text.isascii():
            text = text.encode('ascii', 'replace').decode('ascii')  # one '?' per character: offsets stay
        next_free = 0
        for start, name in _occurrences(text):
            end = start + len(name)
            if start < next_free or (start and text[start - 1] not in _BEFORE):
                continue
            if text[end : end + 4].lower() == '.exe':
                end += 4
            if end < len(text) and text[end] not in ' \t':
                continue  # `curl_easy`, `docker-compose`, `net.ipv4`: another word
            args = split_command(text, end)
            if args:
                next_free = args[-1].start + len(args[-1].value)
            for what, word, key_class in _secrets(name, args):
                yield from self._report(fragment, what, word, key_class)

    def _report(self, fragment: Fragment, what: str, word: Word, key_class: str) -> Iterator[Finding]:
        value = word.value
        if not value or ('$' in value and word.quoted != "'") or '%' in value[:1] + value[-1:]:
            return  # `-p$PASS`, `-p"$PW"`, `%PASSWORD%`: the shell or cmd expands these
        if key_class == BASIC:
            password = basic_password(value)  # judged decoded, reported as written
            verdict = judge_value(KeyClass.PASSWORD, password) if password is not None else None
        else:
            verdict = judge_value(key_class, value)
        if verdict is None:
            return
        yield secret_finding(
            fragment,
            word.start,
            value,
            rule_id=RULE_ID,
            severity=verdict[0],
            confidence=verdict[1],
            message=f'credential on a command line ({what})',
        )
