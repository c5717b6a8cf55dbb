"""Encoded values, decoded and judged by every rule: base64 and base64url (under any key, in
Kubernetes `data:`, docker `auths`), percent-encoding and JSON-escaped strings.

Each encoded span is decoded and the decoded text is scanned by the other detectors; a finding
there is reported by the rule that matched the decoded text (a base64 Stripe key is a
`stripe-secret-key`), with the decoded secret's preview and fingerprint, at the encoded span.
A rule that already matches the span as written is not reported again from its decoding. The
decoded text is decoded again down to DEPTH levels; every level is one regex pass over text
no longer than the level above (decoding shrinks it), so the work stays linear in the input.

The detector runs only where its keywords occur: base64 has no literal to look for, but the
encoding of a word does (in one of three alignments), so the keywords are the encodings of the
words that secrets start with or sit under ('password', '-----BEGIN', 'sk_live_', '://'…), and
the encodings of those encodings (a value encoded twice). Below the first level nothing is
gated: whatever a decoded span holds is decoded again and judged by every rule, whether or not
it holds one of those words (a twice-encoded Slack token, a base64 of a percent-encoded DSN).
"""

from __future__ import annotations

import base64
import binascii
import string
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote

from guard.detectors.base import Detector, LineCursor
from guard.detectors.lazyre import lazy
from guard.models import Finding, Fragment

if TYPE_CHECKING:
    from guard.scanner import Scanner

DEPTH = 2
MAX_SPAN = 64 * 1024  # longer blobs are images and archives, not credentials

# Words that secrets start with or sit under; their base64 encodings are the keywords.
_PLAINTEXTS = (
    'password',
    'Password',
    'PASSWORD',
    'passwd',
    'secret',
    'Secret',
    'SECRET',
    'token',
    'Token',
    'TOKEN',
    'api_key',
    'apikey',
    '-----BEGIN',
    'PRIVATE KEY',
    '://',
    'sk_live_',
    'sk_test_',
    'rk_live_',
    'whsec_',
    'ghp_',
    'gho_',
    'ghs_',
    'ghu_',
    'github_pat_',
    'glpat-',
    'xoxb-',
    'xoxp-',
    'xapp-',
    'hooks.slack.com',
    'AKIA',
    'AIza',
    'npm_',
    'pypi-',
    'hf_',
    'sk-proj-',
    'sk-ant-',
    'SG.',
    'shpat_',
    'AccountKey=',
    'SharedAccessKey',
    'Bearer ',
    '%3A%2F%2F',  # '://' percent-encoded: a DSN in a query string, then base64
    # database schemes: '://' alone is too short to leave a needle in two of the three alignments
    'postgres',
    'mongodb',
    'mysql://',
    'redis://',
    'rediss://',
    'amqp://',
    'amqps://',
    'mssql://',
    'jdbc:',
    'dop_v1_',
    'xoxe-',
    'AGE-SECRET-KEY-',
)
# JSON escapes and percent-encodings that hide structure: `{\"password\": …}`, `https%3A%2F%2F…`
# (an escaped quote alone: in 238 of the 3,595 files of site-packages, quotes inside Python strings)
_MARKERS = frozenset({'{\\"', '\\":', '%3a', '%2f', '%3d', '%22', '%40', '%7b'})

_BASE64_RUN = lazy(r'(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,65536}={0,2}(?![A-Za-z0-9+/=_-])')
_RUN_CHARS = string.ascii_letters + string.digits + '+/_-'
_RUN_OR_PAD = frozenset(_RUN_CHARS + '=')
_RUN_BYTES = bytes(ord('a') if chr(c) in _RUN_CHARS else ord(' ') for c in range(256))
_SHORTEST = b'a' * 16  # the run lengths of _BASE64_RUN
MAX_RUN = 65536
_PERCENT_ESCAPE = lazy(r'%(?:3[AaDd]|2[Ff2]|40|7[Bb])')
_TOKEN_END = frozenset(' \t\r\n"\'<>`')
_JSON_STRING = lazy(r'"((?:[^"\\\n]|\\.){8,65536})"')
_HAS_ESCAPE = lazy(r'\\(?:["nu])')


def base64_needles(word: str, aligned: bool = False) -> set[str]:
    """The characters every base64 (and base64url) encoding of `word` contains, in each of the
    three alignments a word can start at (`aligned`: only at the start of what is encoded):
    the characters that depend on its bytes alone."""
    data = word.encode()
    needles = set()
    for pad, skip in ((0, 0), (1, 2), (2, 3))[: 1 if aligned else 3]:
        encoded = base64.b64encode(b'\0' * pad + data).decode()
        whole = (pad + len(data)) // 3 * 4  # characters of whole groups: no byte after the word in them
        needle = encoded[skip:whole]
        if len(needle) >= (4 if pad == 0 else 5):
            needles.add(needle)
            needles.add(needle.replace('+', '-').replace('/', '_'))
    return needles


def _keywords() -> frozenset[str]:
    """The needles of every word, and of every word's encodings again (base64 of base64:
    DEPTH 2), lowercased (the prefilter matches in any case)."""
    first = {n for w in _PLAINTEXTS for n in base64_needles(w)}
    second = {n for w in _PLAINTEXTS for inner in base64_needles(w) for n in base64_needles(inner)}
    return frozenset(n.lower() for n in first | second | _MARKERS)


class Decoded(NamedTuple):
    start: int  # the encoded span in the text
    end: int
    text: str  # what it decodes to
    encoding: str  # 'base64', 'percent', 'JSON-escaped'


def decoded_spans(text: str) -> Iterator[Decoded]:
    """Every span of `text` that decodes to other text."""
    if '"' in text and '\\' in text:
        for match in _JSON_STRING.finditer(text):
            inner = match.group(1)
            if _HAS_ESCAPE.search(inner):
                plain = _json_unescape(inner)
                if plain is not None and plain != inner:
                    yield Decoded(match.start(1), match.end(1), plain, 'JSON-escaped')
    if '%' in text:
        done = 0
        for match in _PERCENT_ESCAPE.finditer(text):
            if match.start() < done:
                continue  # inside the token of the escape before
            start, end = _token(text, match.start(), done)
            done = end
            run = text[start:end]
            plain = unquote(run, errors='strict') if _valid_percent(run) else ''
            if plain and plain != run:
                yield Decoded(start, end, plain, 'percent')
    for start, end in base64_runs(text):
        plain = _b64_text(text[start:end])
        if plain is not None:
            yield Decoded(start, end, plain, 'base64')


def base64_runs(text: str) -> Iterator[tuple[int, int]]:
    """The spans _BASE64_RUN matches. In ASCII text, found as runs of one byte in a translated copy,
    which bytes.find crosses at memchr speed where the regex tries a lookbehind at every position."""
    if not text.isascii():
        for match in _BASE64_RUN.finditer(text):
            yield match.span()
        return
    marked = text.encode('ascii').translate(_RUN_BYTES)  # b'a' for a base64 character, b' ' for any other
    size = len(text)
    start = marked.find(_SHORTEST)
    while start >= 0:
        end = marked.find(b' ', start)
        end = size if end < 0 else end
        stop = end  # past the padding: at most two '=', then no base64 character nor a third '='
        while stop < size and stop - end < 3 and text[stop] == '=':
            stop += 1
        if end - start <= MAX_RUN and stop - end <= 2 and (stop == size or text[stop] not in _RUN_OR_PAD):
            yield start, stop
        start = marked.find(_SHORTEST, end)


def _token(text: str, at: int, floor: int) -> tuple[int, int]:
    """The run of non-blank, unquoted characters around `at`, at most 4 KB each way."""
    start, end = at, at
    low, high = max(floor, at - 4096), min(len(text), at + 4096)
    while start > low and text[start - 1] not in _TOKEN_END:
        start -= 1
    while end < high and text[end] not in _TOKEN_END:
        end += 1
    return start, end


def _json_unescape(inner: str) -> str | None:
    import json  # here, not at import: only JSON-escaped text needs it, and the pre-commit path counts ms

    try:
        value = json.loads(f'"{inner}"')
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _valid_percent(run: str) -> bool:
    try:
        unquote(run, errors='strict')
    except UnicodeDecodeError:
        return False
    return True


def _b64_text(run: str) -> str | None:
    """The text a base64 or base64url run encodes, if it is text: mixed case, not hex, printable."""
    body = run.rstrip('=')
    if len(body) % 4 == 1 or body.isalpha() or body.isdigit() or body.islower() or body.isupper():
        return None  # a word, a number, hex or an identifier: not base64 of anything
    url = '-' in body or '_' in body
    if url and ('+' in body or '/' in body):
        return None  # two alphabets: an identifier or a path, not an encoding
    try:
        raw = base64.b64decode(body + '=' * (-len(body) % 4), altchars=b'-_' if url else None, validate=True)
        plain = raw.decode('utf-8')
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if len(plain) < 8 or not all(c.isprintable() or c in '\n\r\t' for c in plain):
        return None
    return plain


class DecodingDetector:
    """Findings of every other detector in the decoded text of encoded spans."""

    id = 'decoded'
    reports: dict[str, str] = {}  # reports the rule ids of the detectors it wraps

    def __init__(self, inner: Sequence[Detector], depth: int = DEPTH, *, gated: bool = True) -> None:
        self._inner = tuple(inner)
        self._depth = depth
        self._scanners: tuple[Scanner, Scanner] | None = None
        # a decoded span is short and already known to be an encoding: decode it again ungated
        self.keywords = _keywords() if gated else frozenset()

    def _scan(self, fragment: Fragment, *, deep: bool) -> list[Finding]:
        """Findings of the wrapped detectors in `fragment`; `deep`: and of what it encodes in turn."""
        if self._scanners is None:  # built on first use: most files hold nothing encoded
            from guard.scanner import Scanner

            nested = [DecodingDetector(self._inner, self._depth - 1, gated=False)] if self._depth > 1 else []
            self._scanners = (Scanner(self._inner), Scanner([*self._inner, *nested]))
        return self._scanners[deep].scan(fragment)

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        text = fragment.text
        cursor: LineCursor | None = None
        for span in decoded_spans(text):
            if span.end - span.start > MAX_SPAN:
                continue
            found = self._scan(fragment._replace(text=span.text, start_line=1), deep=True)
            if not found:
                continue
            written = fragment._replace(text=text[span.start : span.end], start_line=1)
            as_written = {f.rule_id for f in self._scan(written, deep=False)}
            cursor = cursor or LineCursor(text)
            line, line_start = cursor.locate(span.start)
            column = span.start - line_start + 1
            for finding in found:
                if finding.rule_id in as_written:
                    continue
                yield finding._replace(
                    line=fragment.start_line + line,
                    column=column,
                    end_column=column + span.end - span.start,
                    message=f'{finding.message} ({span.encoding})',
                )
