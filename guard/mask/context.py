"""Secrets a log line shows without the context word a scan of source code relies on.

In code, a bearer token sits after `Authorization:` and a connection string's password is
judged by its host (a typed password on localhost is a development default). A log line may
print `sent Bearer … upstream`, or the DSN a process really connected with: at run time
there are no stand-ins, so these detectors mask what the scan's detectors let pass. Values
are still judged by guard's own rules (guard.detectors.assignments.judge_value) so that
prose (`Bearer authentication required`) stays as it is.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterable, Iterator

from guard.detectors.assignments import KeyClass, judge_value
from guard.detectors.base import Detector, secret_finding
from guard.detectors.connstrings import ConnectionStringDetector
from guard.detectors.placeholders import has_embedded_reference, is_reference
from guard.models import Confidence, Finding, Fragment, Severity

# RFC 6750's b64token, after the scheme and its blanks
_TOKEN = re.compile(r'[ \t]+([A-Za-z0-9\-._~+/]+=*)')
_BASE64 = re.compile(r'[ \t]+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])')
_MASKED = re.compile(r'^[*xX•#._-]*$|…\(\d+\)')  # already masked, or empty


def _word_starts(text: str, word: str) -> Iterator[int]:
    """Where `word` (lower, Capitalised or UPPER) starts a word: str.find at memchr speed over
    its tail in two casings, where a word finder would encode and walk the whole text."""
    tail = word[1:]
    for needle in (tail, tail.upper()):
        at = text.find(needle, 1)
        while at >= 0:
            start = at - 1
            if text[start].lower() == word[0] and (
                start == 0 or not (text[start - 1].isalnum() or text[start - 1] == '_')
            ):
                yield start
            at = text.find(needle, at + 1)


def _prose(token: str) -> bool:
    """A word ('Bearer authentication required'): ruled out before judge_value, which costs more."""
    return len(token) < 8 or (len(token) < 24 and token.isalpha() and (token.islower() or token[1:].islower()))


class BearerDetector:
    """`Bearer <token>` anywhere, not only after `Authorization:`."""

    id = 'bearer-token'
    keywords = frozenset({'bearer'})
    reports = {'bearer-token': 'a Bearer credential in a log line (guard mask only)'}

    accepts_path = None  # reads every file (see Detector.accepts_path)

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        text = fragment.text
        for at in _word_starts(text, 'bearer'):
            match = _TOKEN.match(text, at + 6)
            if match is None or _prose(match.group(1)) or judge_value(KeyClass.SECRET, match.group(1)) is None:
                continue
            yield secret_finding(
                fragment,
                match.start(1),
                match.group(1),
                rule_id=self.id,
                severity=Severity.HIGH,
                confidence=Confidence.MEDIUM,
                message='bearer token',
            )


class BasicAuthDetector:
    """`Basic <base64 of user:password>` anywhere: it decodes to a password."""

    id = 'basic-auth'
    keywords = frozenset({'basic'})
    reports = {'basic-auth': 'a Basic credential in a log line (guard mask only)'}

    accepts_path = None  # reads every file (see Detector.accepts_path)

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        text = fragment.text
        for at in _word_starts(text, 'basic'):
            match = _BASE64.match(text, at + 5)
            if match is None or not _is_user_password(match.group(1)):
                continue
            yield secret_finding(
                fragment,
                match.start(1),
                match.group(1),
                rule_id=self.id,
                severity=Severity.HIGH,
                message='HTTP basic credentials',
            )


def _is_user_password(encoded: str) -> bool:
    try:
        decoded = binascii.a2b_base64(encoded).decode('utf-8')
    except (binascii.Error, UnicodeDecodeError):
        return False
    _user, sep, password = decoded.partition(':')
    return bool(sep and password) and decoded.isprintable()


class RunTimeConnectionStrings(ConnectionStringDetector):
    """The connection-string detector's parsers (URIs, Oracle `user/pw@//host`, Kafka JAAS), each
    password masked whatever its host: none is a stand-in in a running process's log."""

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        text = fragment.text
        for cred, rule_id in self._credentials(text):
            written = text[cred.offset : cred.offset + cred.length]
            if not written or _MASKED.search(written) or is_reference(written) or has_embedded_reference(written):
                continue
            yield secret_finding(
                fragment,
                cred.offset,
                written,
                rule_id=rule_id,
                severity=Severity.HIGH,
                message=f'{cred.kind} connection string with a password',
            )


def run_time_detectors(detectors: Iterable[Detector]) -> list[Detector]:
    """The scan's detectors for text a program printed: connection strings judged as above, and
    bearer and basic credentials wherever they are."""
    kept = [RunTimeConnectionStrings() if type(d) is ConnectionStringDetector else d for d in detectors]
    return [*kept, BearerDetector(), BasicAuthDetector()]
