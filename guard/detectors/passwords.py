"""The password policy: in a file that is deployed as it is, a password is a password.

A value found under a password or secret key of a config or credential file (see filekinds) is a
finding unless it is a recognisable stand-in. Human-chosen passwords ('Winter2024!', 'hunter22',
'P@ssw0rd123!') are findings, weak ones first of all: they are the ones guessed first. The
stand-ins are narrower than `placeholders.is_placeholder`, which also drops the weak human
passwords that documentation uses as examples; docs, tests and examples keep that judgement.
"""

from __future__ import annotations

import functools

from guard.detectors.entropy import has_repeat_run, is_sequential, longest_run, shannon_entropy
from guard.detectors.lazyre import lazy
from guard.detectors.placeholders import (
    DOCUMENTED_VALUES,
    SLOT_WORDS,
    counts_as_mark,
    has_embedded_reference,
    is_phrase,
    is_reference,
    is_stored_elsewhere,
    is_word_path,
    is_wordy_placeholder_phrase,
)
from guard.models import Confidence, Severity

# Strict files (config, credentials) accept only the slot words, and "password" in other languages.
STAND_IN_WORDS = SLOT_WORDS | frozenset(
    {
        'adgangskode',
        'contrasena',
        'contraseña',
        'haslo',
        'hasło',
        'heslo',
        'jelszó',
        'kennwort',
        'lösenord',
        'mot de passe',
        'not-a-secret',
        'not_a_secret',
        'parola',
        'passord',
        'passwort',
        'salasana',
        'senha',
        'wachtwoord',
        'пароль',
        'パスワード',
        '密码',
        '密碼',
        '비밀번호',
    }
)
# A service's own default account, used by its container image and every quick-start: on a
# developer's machine, not a choice anybody made (`POSTGRES_PASSWORD: postgres`).
SERVICE_DEFAULTS = frozenset(
    {
        'postgres',
        'postgresql',
        'mysql',
        'mariadb',
        'root',
        'admin',
        'guest',
        'user',
        'redis',
        'rabbitmq',
        'mongo',
        'mongodb',
        'sa',
        'oracle',
        'scott',
        'elastic',
        'kibana',
        'minio',
        'minioadmin',
        'bitnami',
        'keycloak',
        'grafana',
        'airflow',
        'superset',
        'sonar',
        'jenkins',
        'gitea',
        'docker',
        'vagrant',
        'ubuntu',
    }
)
_MARK = lazy(
    r"""(?ix)
    (?:^|[^a-z0-9])(?:example|sample|dummy|fake|placeholder|redacted|changeme|change[-_]me|xxx+
                  |your|not[-_]?a[-_]?(?:real|secret|valid)[-_]?(?:password|secret|token|key)?|do[-_]?not[-_]?use)(?:[^a-z0-9]|$)
    | \*\*\* | ••• | \.\.\. | … | %env\(
    """,
)
# 'mypassword', 'your_secret', 'my-db-pass', 'the_token': the slot's name with an owner in front
_OWNED_SLOT = lazy(
    r'(?i)^(?:my|your|our|the|some|a)[-_.]?(?:(?:db|app|admin|user|root|super|secret|api|access)[-_.]?)?'
    r'(?:password|passwd|pass|pwd|pw|secret|token|key|apikey|passphrase)s?\d{0,3}$'
)
_LETTER_WORDS = lazy(r'[A-Z]?[a-z]+|[A-Z]+(?![a-z])')
_MASK = lazy(r'^[*xX•#._-]+$|^@@[A-Za-z_][\w.-]*@@$')  # `@@DB_PASSWORD@@`: a build's token to replace
# `settings.DB_PASSWORD`, `config.db.password`, `random_password.db.result`, `env("X")`: an expression
_EXPRESSION = lazy(r'^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+$|^[A-Za-z_][\w.]*\(.*\)$|^[A-Za-z_]\w*\[.*\]$')


@functools.lru_cache(maxsize=4096)
def is_stand_in(value: str) -> bool:
    """A value that holds the place of a password without being one. (Cached as is_placeholder is:
    a generated file repeats a few values thousands of times.)"""
    stripped = value.strip().strip('\'"`')
    if len(stripped) < 3 or _MASK.match(stripped):
        return True
    lowered = stripped.lower()
    if lowered in STAND_IN_WORDS or lowered in DOCUMENTED_VALUES:
        return True
    if is_reference(stripped) or has_embedded_reference(stripped) or is_stored_elsewhere(stripped):
        return True
    if _marked(lowered, stripped) or _OWNED_SLOT.match(stripped) or is_wordy_placeholder_phrase(stripped):
        return True
    if (_EXPRESSION.match(stripped) or '/' in stripped) and is_word_path(stripped):
        return True  # `settings.DB_PASSWORD`, `prod/db/password`: where the value is, not the value
    if has_repeat_run(stripped) and longest_run(stripped) >= max(6, len(stripped) // 2):
        return True  # 'xxxxxxxx', '00000000'
    return is_sequential(lowered)  # '12345678', 'abcdefgh'


@functools.lru_cache(maxsize=4096)
def is_stored_stand_in(value: str) -> bool:
    """What holds a password's place in a credential file. Narrower than `is_stand_in`: a file whose
    job is to store passwords stores '123456', 'qwerty' and 'ab1' as they are, so only the marks of
    a template count (empty, masks, references, slot words, `<your-token>`)."""
    stripped = value.strip().strip('\'"`')
    if not stripped or _MASK.match(stripped):
        return True
    lowered = stripped.lower()
    if lowered in STAND_IN_WORDS:
        return True
    if is_reference(stripped) or has_embedded_reference(stripped) or is_stored_elsewhere(stripped):
        return True
    return bool(_marked(lowered, stripped) or _OWNED_SLOT.match(stripped) or is_wordy_placeholder_phrase(stripped))


def _marked(lowered: str, value: str) -> bool:
    return any(counts_as_mark(m.group(), value) for m in _MARK.finditer(lowered))


def judge_credential(value: str, *, user: str = '', local: bool = False) -> tuple[Severity, Confidence] | None:
    """A password a credential file stores (`.pgpass`, `.netrc`, `.my.cnf`, DBeaver…): every one is a
    finding, whatever it looks like. A local service's default account (`postgres` on localhost) is
    graded low, not dropped: the file is a store of passwords, and the next entry may be production's."""
    if is_stored_stand_in(value):
        return None
    confidence = Confidence.HIGH if shannon_entropy(value) >= 3.5 and len(value) >= 12 else Confidence.MEDIUM
    if is_service_default(value, user):
        return (Severity.LOW if local else Severity.MEDIUM), Confidence.MEDIUM
    return (Severity.MEDIUM if local else Severity.HIGH), confidence


def is_service_default(value: str, user: str = '') -> bool:
    """`postgres` for postgres, the user's own name: a container's default, not a chosen password."""
    lowered = value.strip().lower()
    return lowered in SERVICE_DEFAULTS or (bool(user) and lowered == user.lower())


def judge_stored(value: str, *, secret_key: bool = False) -> tuple[Severity, Confidence] | None:
    """A value under a password (or, with `secret_key`, a secret) key of a config or credential file."""
    if is_stand_in(value) or is_service_default(value):
        return None
    if len(value) < 6:
        return None  # 'abc1', 'x9': too short to be anything but a stand-in or a typo
    if ' ' in value and not _random_with_spaces(value) and (secret_key or value.count(' ') > 1):
        return None  # prose: 'Mot de passe', 'the admin password'
    if secret_key and (len(value) < 8 or (is_phrase(value) and len(_LETTER_WORDS.findall(value)) >= 2)):
        return None  # `secretKey: api-token` names a secret; people choose passwords, not tokens
    return Severity.HIGH, Confidence.HIGH if shannon_entropy(value) >= 3.5 and len(value) >= 12 else Confidence.MEDIUM


def _random_with_spaces(value: str) -> bool:
    """WordPress salts and other generated printable keys: long, varied, few spaces."""
    return len(value) >= 32 and shannon_entropy(value) >= 4.3 and value.count(' ') <= len(value) // 8


# WordPress's keys and salts (wp-config.php): random printable text, spaces and punctuation included
WORDPRESS_KEYS = frozenset(
    {
        'authkey',
        'secureauthkey',
        'loggedinkey',
        'noncekey',
        'authsalt',
        'secureauthsalt',
        'loggedinsalt',
        'noncesalt',
    }
)


def names_stored_secret(words: list[str]) -> bool:
    """Keys that hold a secret though their words say otherwise (lowercase words of the key):
    WordPress's `NONCE_SALT` ('nonce' reads as public), `LOGGED_IN_KEY`, any `*_SALT`."""
    joined = ''.join(words)
    return joined in WORDPRESS_KEYS or (len(words) > 1 and words[-1] == 'salt')
