"""Is a value a stand-in rather than a real secret?

Templates, references to the environment or a secret store, encrypted blobs,
redactions, documentation values and local development defaults all look like
assignments of secrets but grant nothing. Every detector asks these questions
the same way, so a value is judged alike in a URL, a .env line or a YAML key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from guard.detectors.entropy import (
    char_classes,
    has_ascending_run,
    has_repeat_run,
    is_sequential,
    longest_run,
    shannon_entropy,
)
from guard.detectors.lazyre import lazy

# A value that is a reference to somewhere else: ${VAR}, {{ jinja }}, %VAR%, $VAR, <your-token>, %(name)s, {name}
_REFERENCE = lazy(
    r"""^(?:
        \$\{[^}]*\}? | \$\([^)]*\)? | \$[A-Za-z_][A-Za-z0-9_]* | \$\{\{.*\}\}? |
        \{\{.*\}\} | \{%.*%\} | \{[A-Za-z_][\w.-]*\} | <%.*%> | \#\{[^}]*\} |
        %[A-Za-z_][\w]*% | %\([\w.-]+\)[sdr] | %[sdr] |
        <[^<>]*> | \[[^\[\]]*\] |
        @[A-Za-z_][\w.]*@ | \{\} | __[A-Z][A-Z0-9_]*__
    )$""",
    re.VERBOSE,
)
_EMBEDDED_REFERENCE = lazy(
    r'\$\{[^}]*\}|\$\([^)]*\)|\{\{[^}]*\}\}|<%.*?%>|<[A-Za-z_][\w -]*>|%\([\w.-]+\)[sdr]|#\{[^}]*\}|%[sdr]\b'
    r'|\{[A-Za-z_]\w*\}|^\$[A-Za-z_]\w*$|%[A-Z_][A-Z0-9_]*%'
    # a variable and what follows it: `$dir/private/key.pem`, `$entry->{…}`, `$cfg[…]`
    r'|^\$[A-Za-z_]\w*(?:->|[\[{/\\.:])'
    # Python f-string and str.format fields with attribute, index or slice parts: {cfg.pw}, {PW[:10]}
    r'|\{[A-Za-z_][\w.]*\[[\w:\'" -]*\][^{}]*\}'
    # f-string fields that call something: {secrets.token_hex(32)}, {os.getenv('PW')}: computed at run time
    r'|\{[A-Za-z_][\w.]*\([^{}()]*\)[^{}]*\}'
)

# Values kept in a secret store or encrypted at rest: the text in the file is no secret.
_STORE_PREFIXES = (
    'enc[',
    '$ansible_vault',
    '!vault',
    '!env',
    '!secret',
    '!ref',
    '!sub',
    'vault:',
    'vault://',
    'ref+',
    'op://',
    'sm://',
    'secret://',
    'arn:aws:secretsmanager',
    'arn:aws:ssm',
    'arn:aws:kms',
    'projects/',
    'gcp:secretmanager',
    'awssm:',
    'azkv:',
    '@microsoft.keyvault',
    'secretref:',
    'akv://',
    'keyvault:',
    'doppler:',
    'bws:',
    'enc(',
    '{cipher}',  # Jasypt and Spring Cloud Config ciphertext
    '!getatt',
    '!importvalue',
    '!findinmap',
    '!join',
    '!select',
    '!if',
    '!base64',  # CloudFormation
    '$__file{',
    '$__env{',
    '$__vault{',  # Grafana
)

# Words that name a slot instead of filling it, or say it is empty: a stand-in everywhere.
SLOT_WORDS = frozenset(
    {
        'api-key',
        'api_key',
        'apikey',
        'bar',
        'baz',
        'blank',
        'change-me',
        'change_me',
        'changeit',
        'changeme',
        'changethis',
        'default',
        'demo',
        'dev',
        'dummy',
        'empty',
        'example',
        'fake',
        'false',
        'fixme',
        'foo',
        'foobar',
        'hidden',
        'insecure',
        'key',
        'local',
        'masked',
        'n/a',
        'na',
        'nil',
        'none',
        'notasecret',
        'nothing',
        'null',
        'optional',
        'pass',
        'passwd',
        'password',
        'placeholder',
        'pwd',
        'redacted',
        'removed',
        'required',
        'sample',
        'secret',
        'secret_key',
        'secretkey',
        'string',
        'tbc',
        'tbd',
        'test',
        'todo',
        'token',
        'true',
        'undefined',
        'unset',
        'value',
        'xxx',
    }
)

# ... and, outside strict config files, demo and default values people leave in examples.
PLACEHOLDER_WORDS = SLOT_WORDS | frozenset(
    {
        'abc',
        'abc123',
        'access_token',
        'accesstoken',
        'admin',
        'admin123',
        'apitoken',
        'asdf',
        'authtoken',
        'development',
        'devpass',
        'elastic',
        'guest',
        'hunter2',
        'kibana',
        'letmein',
        'localdev',
        'mariadb',
        'minio',
        'minio123',
        'minioadmin',
        'mongo',
        'mongodb',
        'my-secret-pw',
        'mypassword',
        'mysecret',
        'mysecretpassword',
        'mysql',
        'mytoken',
        'oracle',
        'p@ssw0rd',
        'p@ssword',
        'pa$$word',
        'pa55word',
        'pass123',
        'passw0rd',
        'password1',
        'password123',
        'pgpass',
        'postgres',
        'private',
        'qwerty',
        'qwerty123',
        'rabbitmq',
        'redis',
        'root',
        'root123',
        'sa',
        'scott',
        'secret123',
        'secretpassword',
        'supersecret',
        'test123',
        'testing',
        'tiger',
        'trustno1',
        'user',
        'username',
        'welcome',
        'welcome1',
        'xyz',
        'your_token',
        'yourpassword',
        'yoursecret',
        'yourtoken',
    }
)

# Well-known documentation values, accepted everywhere: docs and images publish them.
DOCUMENTED_VALUES = frozenset(
    {
        'tiger',  # Oracle's scott/tiger
        'yourstrong(!)password',
        'yourstrong@passw0rd',
        '<yourstrong@passw0rd>',
        'yourstrongpassw0rd',
        'yourpassword123',
        'reallystrongpwd123',
        'mystrongpassword',
        'strong_password',
        'wjalrxutnfemi/k7mdeng/bpxrficyexamplekey',
        'akiaiosfodnn7example',
        'my-secret-pw',
        'mysecretpassword',
        'example',
        'secret',
        'minioadmin',
        'bitnami',
        'oracle',
        'sk_test_4ec39hqlyjwdarjtt1zdp7dc',  # Stripe's API reference key
    }
)

# Marks of a stand-in wherever they appear in a value.
_PLACEHOLDER_MARK = lazy(
    r"""(?ix)
    (?:^|[^a-z0-9])(?:example|sample|dummy|fake|placeholder|redacted|changeme|xxx+
                  |not[-_]?a[-_]?(?:real|secret|valid)|do[-_]?not[-_]?use|invalid)(?:[^a-z0-9]|$)
    | ^(?:dev|local|test|demo)[-_]?(?:only[-_])?(?:secret|password|pass|key|token)s?$
    | example | xxxxx | \*\*\* | ••• | passw(?:or|0r)?d | change[-_ ]?me | %env\(
    | \.\.\. | …                                   # elided: 'sk-...', 'AbCdE12345...54321EdCbA'
    """,
)
# Phrases that only mean "fill me in" when the whole value is words: 'your_api_key_here',
# 'REPLACE_WITH_32_BYTE_SECRET', 'put your unique phrase here' (a random 'a-Xk29…' is not one).
_PLACEHOLDER_PHRASE = lazy(
    r"""(?ix)
    ^(?:your|my|our|some|the|a|an|insert|enter|put|replace|add|set|paste|fill|generate|use|provide|type)[-_ .]
    | [-_ .](?:here|goes[-_ .]here|placeholder|value|required)$
    | ^(?:change|replace)[-_ ]?(?:me|this|it|with)
    """,
)
_WORDY = lazy(r'(?:[A-Za-z][a-z]*|[A-Z]+|[0-9]+)(?:[-_ .]+(?:[A-Za-z][a-z]*|[A-Z]+|[0-9]+))*')
# Digits and symbols written for letters: 's3cr3t', 'p@ssw0rd', 'N0tAR34lT0k3n'
LEET = str.maketrans('3014@$57', 'eoiaasst')
_MASK = lazy(r'^[*xX•#._-]+$|^\*{3,}|\*{3,}$')
# One word as people write it (lower, Capitalised or UPPER, any alphabet), then a number and a mark:
# 'Summer2024!', 'Passwort', 'Contraseña'. Random casing ('pLIixMEOLeMa') is no word.
_WORDISH = lazy(r'^([^\W\d_]+)[0-9]{0,4}[!.?]?$')
_HEX = lazy(r'^[0-9a-fA-F]+$')
# 'prod/payments/api-token', 'com.example.Service', 'ProductUserVisibleVersion', '*all*tokens*updated*':
# words and numbers joined by separators or camel case, never generated
_SEGMENT = (
    r'(?:[A-Z]?[a-z]{2,}(?![a-z])|[A-Z]{2,}(?![A-Za-z])|[A-Z]+(?=[A-Z][a-z])|\d{1,4}(?!\d)'
    # two-letter words in camel case ('createdBy', 'applicationId', 'InstancesOnDeployment'); any
    # capital and small letter would make a third of random letters pass, these few 0.1-0.5%
    r'|(?:A[mnst]|B[ey]|D[ob]|Go|I[dfnopst]|Js|Me|My|No|O[fknprs]|So|To|U[ips]|Vm|We)(?![a-z])'
    # a letter standing alone between the separators of names: 'access_logs.s3.enabled', 'by-a-plugin'
    # (between any symbols, random 'v[-}Y`:W…' would pass)
    r'|(?:^|(?<=[-_./:]))[A-Za-z]\d{0,2}(?=[-_./:]|$))'
)
_WORD_PATH = lazy(rf'[^A-Za-z0-9]*{_SEGMENT}(?:[^A-Za-z0-9]*{_SEGMENT})+[^A-Za-z0-9]*')
_UUID = lazy(r'^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$')
# A digit run with letters on both sides: generated values interleave letters and digits ('k3jq9x'),
# identifiers number at most one word ('utf8mb4', 'sha256sum', 'k8s-prod'). On 4,000 draws of 20
# random lowercase letters and digits, 26% passed for a word path without this and 3% with it;
# of 40,000 string literals in the Python stdlib that are word paths, 7 fail it (test fixtures' fake keys).
_EMBEDDED_DIGITS = lazy(r'(?<=[A-Za-z])[0-9]+(?=[A-Za-z])')
_CAMEL_WORD = r'[A-Z]?[a-z]+|[A-Z]+(?![a-z])'  # 'Camel', 'case', 'URL' of 'URLCamelcase'
_CAMEL_WORDS = lazy(_CAMEL_WORD)
_CAMEL = lazy(rf'(?:{_CAMEL_WORD})+[0-9]{{0,4}}')  # camel-case words, then a short number
_VOWEL = lazy(r'[aeiouyAEIOUY]')
_SEPARATORS = lazy(r'[^A-Za-z0-9]')
_ALNUM_RUNS = lazy(r'[A-Za-z0-9]+')

LOCAL_HOSTS = frozenset(
    {
        'localhost',
        '127.0.0.1',
        '::1',
        '0.0.0.0',
        'host.docker.internal',
        'host.containers.internal',
        'gateway.docker.internal',
        'localhost.localdomain',
        'ip6-localhost',
        'kubernetes.docker.internal',
    }
)
DOC_DOMAINS = (
    'example.com',
    'example.org',
    'example.net',
    'domain.com',
    'yourdomain.com',
    'mydomain.com',
    '.example',
    '.test',
    '.invalid',
    '.localhost',
)


def is_reference(value: str) -> bool:
    """`${DB_PASSWORD}`, `{{ .Values.x }}`, `%API_KEY%`, `<token>`: the value lives elsewhere."""
    return bool(_REFERENCE.match(value.strip())) and not _dense_random(value)


def has_embedded_reference(value: str) -> bool:
    """A reference inside the value (`postgres://${USER}:${PW}@db`), unless the value is generated
    or what lies around the reference is: a salt can hold `%U%`, `{fMd8}` or `$(P| T…)` by chance."""
    if _EMBEDDED_REFERENCE.search(value) is None or _dense_random(value):
        return False
    rest = _EMBEDDED_REFERENCE.sub(' ', value)
    return not any(len(run) >= 20 and looks_random(run) for run in rest.split())


def _dense_random(value: str) -> bool:
    """Long, of every character class and near the entropy of its length: a generated value
    (a 64-character WordPress salt: ~5.4 bits a character; a templated URL or a Helm
    expression of that length stays under 4.8)."""
    return len(value) >= 40 and char_classes(value) >= 4 and shannon_entropy(value) >= 5.0


def is_stored_elsewhere(value: str) -> bool:
    """SOPS and ansible-vault blobs, YAML tags like `!vault`, secret-manager references."""
    return value.lstrip().lower().startswith(_STORE_PREFIXES)


@functools.lru_cache(maxsize=4096)
def is_placeholder(value: str) -> bool:
    """True for values nobody would use as a real secret. (Pure, so cached: several detectors ask about
    the same value, and a generated file repeats the same few values thousands of times.)"""
    stripped = value.strip().strip('\'"`')
    if len(stripped) < 3:
        return True
    lowered = stripped.lower()
    if lowered in PLACEHOLDER_WORDS or lowered in DOCUMENTED_VALUES or _MASK.match(stripped):
        return True
    plain = lowered.translate(LEET)
    if plain in PLACEHOLDER_WORDS or plain.rstrip('0123456789!.?') in PLACEHOLDER_WORDS:
        return True  # 's3cr3t', 'p@ssw0rd', 'secret123', 'admin!'
    if is_reference(stripped) or has_embedded_reference(stripped) or is_stored_elsewhere(stripped):
        return True
    if any(counts_as_mark(m.group(), stripped) for m in _PLACEHOLDER_MARK.finditer(lowered)):
        return True
    if _WORDY.fullmatch(stripped) and _PLACEHOLDER_PHRASE.search(lowered):
        return True
    if has_repeat_run(stripped) and longest_run(stripped) >= max(6, len(stripped) // 2):
        return True  # 'ghp_xxxxxxxxxxxxxxxx', '0000000000'
    if _one_symbol(lowered):
        return True  # '00000000-0000-0000-0000-000000000000', 'xxxx-xxxx-xxxx'
    if has_ascending_run(lowered):
        return True  # 'glpat-ABCDEFGHIJKLMNOPQRST', 'npm_0123456789abcdef…', 'abCDeFGhiJKlmnOP…'
    return is_sequential(stripped) or is_sequential(lowered.strip('0123456789')) or _counts_up(lowered)


def counts_as_mark(found: str, value: str) -> bool:
    """A stand-in's mark; an elision or a mask (`...`, `***`) inside a generated value is chance."""
    return bool(found.strip('.*•…')) or not _dense_random(value)


def _one_symbol(lowered: str) -> bool:
    """One letter or digit repeated, whatever separates the groups: the nil UUID, 'xxxx-xxxx'."""
    alnum = {c for c in lowered if c.isalnum()}
    return len(alnum) == 1 and sum(c.isalnum() for c in lowered) >= 6


def is_wordy_placeholder_phrase(value: str) -> bool:
    """'your_api_key_here', 'REPLACE_WITH_32_BYTE_SECRET', 'put your unique phrase here'."""
    return bool(_WORDY.fullmatch(value)) and bool(_PLACEHOLDER_PHRASE.search(value.lower()))


def _counts_up(lowered: str) -> bool:
    """'A1b2c3d4', 'a1b2c3d4e5': letters and digits each counting up, interleaved."""
    letters = ''.join(c for c in lowered if c.isalpha())
    digits = ''.join(c for c in lowered if c.isdigit())
    return len(letters) >= 3 and len(digits) >= 3 and is_sequential(letters, 3) and is_sequential(digits, 3)


def is_trivial_password(password: str, user: str = '') -> bool:
    """A value a person typed for a throwaway database: a word, a word and a year, the user name."""
    lowered = password.lower()
    if not password or is_placeholder(password) or lowered == user.lower():
        return True
    base = lowered.rstrip('0123456789!.?').lstrip('_-')
    if base in PLACEHOLDER_WORDS or base == user.lower() or (user and lowered.startswith(user.lower())):
        return True
    word = _WORDISH.match(password)
    return word is not None and len(password) <= 14 and _one_casing(word.group(1))


def _one_casing(word: str) -> bool:
    return word.islower() or word.isupper() or word.istitle()


def is_phrase(value: str) -> bool:
    """Words joined up as a person or a program writes them: 'prod/db/password', 'IAmSensitive',
    'geheim$parole', 'lambda:createdBy'. Random characters split into 'words' too ('EFTbpMfzRYfm',
    'BTB}ZW=-AM8#AD5]'), so each run of letters and digits must read as words (see _reads_as_words),
    and a phrase joins its runs with at most two kinds of separator. Random values pass for a phrase
    rarely: 12 mixed-case letters 3% (for a word path: 12%), 12 letters and digits 0.4% (5%)
    (50,000 draws each)."""
    if value.isalnum():
        return len(_CAMEL_WORDS.findall(value)) >= 2 and _reads_as_words(value, 4)
    if not is_word_path(value) or len(set(_SEPARATORS.findall(value.rstrip('!?.')))) > 2:
        return False
    return all(_reads_as_words(run, 3.5) for run in _ALNUM_RUNS.findall(value))


def _reads_as_words(run: str, mean_length: float) -> bool:
    """Letters and digits as names are written: one word, or camel case whose words average
    `mean_length` letters, each with a vowel unless an acronym of at most five capitals; digits
    at the end only."""
    if run.isdigit():
        return True
    if _EMBEDDED_DIGITS.search(run) or not _CAMEL.fullmatch(run):
        return False
    words = _CAMEL_WORDS.findall(run)
    return len(words) == 1 or (
        sum(map(len, words)) >= mean_length * len(words)
        and all(len(w) <= 5 if w.isupper() else _VOWEL.search(w) for w in words)
    )


def is_word_path(value: str) -> bool:
    """Words, camel case and short numbers joined up: an identifier, a path or prose."""
    return bool(_WORD_PATH.fullmatch(value)) and len(_EMBEDDED_DIGITS.findall(value)) <= 1


def looks_random(value: str, words: Callable[[str], bool] = is_word_path) -> bool:
    """Generated rather than typed: long, varied, and not one repeated or ordered run. `words` tells
    what reads as words: any word path, or (where the key already names a secret) only a phrase."""
    n = len(value)
    if n < 12 or ' ' in value.strip() or words(value):
        return False
    entropy = shannon_entropy(value)
    if _HEX.match(value):
        return n >= 24 and entropy >= 3.0
    classes = char_classes(value)
    if n >= 20:
        return entropy >= 3.5 and classes >= 2
    if n >= 16 and classes >= 2 and len(_EMBEDDED_DIGITS.findall(value)) >= 2:
        return entropy >= 3.3  # 'k3jq9xw2m7pz4t8r': two classes, interleaved
    return entropy >= 3.2 and classes >= 3


def is_uuid(value: str) -> bool:
    return bool(_UUID.match(value))


def is_local_host(host: str) -> bool:
    """localhost, loopback, the Docker host alias, or a bare compose service name (`db`, `postgres`)."""
    host = host.strip('[]').lower().rstrip('.')
    if host in LOCAL_HOSTS or host.startswith('127.') or host.endswith('.localhost'):
        return True
    return bool(host) and '.' not in host and ':' not in host and not host[0].isdigit()


@functools.lru_cache(maxsize=4096)
def is_doc_host(host: str) -> bool:
    """RFC 2606 names reserved for documentation: example.com, *.test, *.invalid."""
    host = host.lower().rstrip('.')
    return any(host.endswith(d) if d.startswith('.') else host == d or host.endswith('.' + d) for d in DOC_DOMAINS)
