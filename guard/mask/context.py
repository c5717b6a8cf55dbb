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
from collections.abc import Iterator

from guard.detectors.assignments import KeyClass, judge_value
from guard.detectors.base import Detector, secret_finding
from guard.detectors.connstrings import parse_uri
from guard.detectors.placeholders import has_embedded_reference, is_reference
from guard.detectors.wordfinder import WordFinder
from guard.models import Confidence, Finding, Fragment, Severity

# RFC 6750's b64token, after the scheme and its blanks
_TOKEN = re.compile(r'[ \t]+([A-Za-z0-9\-._~+/]+=*)')
_BASE64 = re.compile(r'[ \t]+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])')
_MASKED = re.compile(r'^[*xX•#._-]*$|…\(\d+\)')  # already masked, or empty


def _word_start(text: str, at: int) -> bool:
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] == '_')


class BearerDetector:
    """`Bearer <token>` anywhere, not only after `Authorization:`."""

    id = 'bearer-token'
    keywords = frozenset({'bearer'})
    _words = WordFinder(('bearer',))

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        text = fragment.text
        for at, end in self._words.spans(text):
            match = _TOKEN.match(text, end) if _word_start(text, at) else None
            if match is None or judge_value(KeyClass.SECRET, match.group(1)) is None:
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
    _words = WordFinder(('basic',))

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        text = fragment.text
        for at, end in self._words.spans(text):
            match = _BASE64.match(text, end) if _word_start(text, at) else None
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


class UriPasswordDetector:
    """Every password in a URI's userinfo or `password=` parameter, whatever the host."""

    id = 'connection-string'
    keywords = frozenset({'://'})

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        text = fragment.text
        at = text.find('://')
        while at >= 0:
            following = text.find('://', at + 3)
            for cred in parse_uri(text, at, following if following >= 0 else len(text)):
                written = text[cred.offset : cred.offset + cred.length]
                if _MASKED.search(written) or is_reference(written) or has_embedded_reference(written):
                    continue
                yield secret_finding(
                    fragment,
                    cred.offset,
                    written,
                    rule_id=self.id,
                    severity=Severity.HIGH,
                    message=f'{cred.kind} connection string with a password',
                )
            at = following


def context_free_detectors() -> list[Detector]:
    return [BearerDetector(), BasicAuthDetector(), UriPasswordDetector()]
