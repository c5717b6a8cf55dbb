"""Is a value a stand-in rather than a real secret?

Templates, references to the environment or a secret store, redactions and
documentation values all look like assignments of secrets but grant nothing.
"""
from __future__ import annotations

import re

from guard.detectors.entropy import is_sequential, longest_run

# A value that is a reference to somewhere else: ${VAR}, {{ jinja }}, %VAR%, $VAR, <your-token>, %(name)s, {name}
_REFERENCE = re.compile(
    r"""^(?:
        \$\{[^}]*\}? | \$\([^)]*\)? | \$[A-Za-z_][A-Za-z0-9_]* |
        \{\{.*\}\} | \{%.*%\} | \{[A-Za-z_][\w.-]*\} |
        %[A-Za-z_][\w]*% | %\([\w.-]+\)[sd] | %s |
        <[^<>]*> | \[[^\[\]]*\] |
        @[A-Za-z_][\w.]*@
    )$""",
    re.VERBOSE,
)
_EMBEDDED_REFERENCE = re.compile(r'\$\{[^}]*\}|\{\{[^}]*\}\}|<[A-Za-z_][\w -]*>|%\([\w.-]+\)s')

PLACEHOLDER_WORDS = frozenset({
    'changeme', 'change_me', 'change-me', 'changethis', 'changeit', 'password', 'passwd', 'pass', 'pwd',
    'secret', 'token', 'apikey', 'api_key', 'api-key', 'key', 'example', 'sample', 'dummy', 'fake', 'test',
    'testing', 'placeholder', 'redacted', 'removed', 'hidden', 'masked', 'todo', 'tbd', 'fixme', 'none',
    'null', 'nil', 'undefined', 'empty', 'default', 'value', 'string', 'foo', 'bar', 'baz', 'foobar',
    'qwerty', 'letmein', 'admin', 'root', 'user', 'username', 'mypassword', 'mysecret', 'yourpassword',
    'yoursecret', 'secretpassword', 'supersecret', 'notasecret', 'insecure', 'xxx', 'true', 'false',
})

_PLACEHOLDER_PHRASE = re.compile(
    r"""(?ix)
    ^(?:your|my|our|some|the|a|an|insert|enter|put|replace|add|set|paste|fill|generate)[-_ .]
    | [-_ .](?:here|goes[-_ .]here|placeholder)$
    | ^(?:change|replace)[-_ ]?(?:me|this|it)
    | (?:^|[-_ .])(?:example|sample|dummy|fake|placeholder|redacted|changeme|xxx+
                    |not[-_]?a[-_]?(?:real|secret))(?:[-_ .]|$)
    | ^(?:dev|local|test)[-_]?(?:only[-_])?(?:secret|password|key|token)s?$
    """,
)
_MASK = re.compile(r'^[*xX•#._-]+$|^\*{3,}|\*{3,}$')


def is_reference(value: str) -> bool:
    """`${DB_PASSWORD}`, `{{ .Values.x }}`, `%API_KEY%`, `<token>`: the value lives elsewhere."""
    return bool(_REFERENCE.match(value.strip()))


def has_embedded_reference(value: str) -> bool:
    return bool(_EMBEDDED_REFERENCE.search(value))


def is_placeholder(value: str) -> bool:
    """True for values nobody would use as a real secret."""
    stripped = value.strip().strip('\'"`')
    if len(stripped) < 3:
        return True
    lowered = stripped.lower()
    if lowered in PLACEHOLDER_WORDS or _MASK.match(stripped) or is_reference(stripped):
        return True
    if _PLACEHOLDER_PHRASE.search(lowered):
        return True
    if longest_run(stripped) >= max(6, len(stripped) // 2):
        return True     # 'ghp_xxxxxxxxxxxxxxxx', '0000000000'
    return is_sequential(stripped) or is_sequential(lowered.strip('0123456789'))
