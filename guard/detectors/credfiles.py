"""Passwords that credential stores keep in their own syntax: FileZilla's `<Pass encoding="base64">`
(decoded), docker `config.json`'s `identitytoken` and `registrytoken`.

Plain `key=value` stores (`.my.cnf`, `.pypirc`, WinSCP, Ventrilo, Robomongo, DBeaver) are read by
the assignment detector, which judges every password of a credential file (filekinds) strictly;
`.pgpass` and `.netrc` by the connection-string detectors; docker's `auth` and `.npmrc`'s `_auth`
by the rules `docker-config-auth` and `npmrc-auth`. A FileZilla password is reported decoded (its
preview and fingerprint), at the encoded span.
"""

from __future__ import annotations

import base64
import binascii
import posixpath
import re
from collections.abc import Iterator

from guard.detectors.base import secret_finding
from guard.detectors.filekinds import CREDENTIAL, file_kind
from guard.detectors.lazyre import lazy
from guard.detectors.passwords import is_stand_in
from guard.models import Confidence, Finding, Fragment, Severity

_FILEZILLA_PASS = lazy(r'<Pass(?:[ \t]+encoding="(base64)")?[ \t]*>([^<\n]{1,1024})</Pass>')
_DOCKER_TOKEN = lazy(r'"(?:identitytoken|registrytoken)"[ \t]*:[ \t]*"([^"\\\n]{4,4096})"')
_FILEZILLA = frozenset({'sitemanager.xml', 'recentservers.xml', 'filezilla.xml', 'filezilla.server.xml'})


class CredentialStoreDetector:
    """Encoded passwords in credential stores, decoded."""

    id = 'credential-store-password'
    keywords = frozenset({'<pass', 'identitytoken', 'registrytoken'})
    reports: dict[str, str] = {
        'credential-store-password': 'a password a credential store keeps (FileZilla, docker config.json tokens)',
    }

    accepts_path = None  # reads every file (see Detector.accepts_path)

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        if file_kind(fragment.path) != CREDENTIAL:
            return
        name = posixpath.basename(fragment.path.replace('\\', '/')).lower()
        text = fragment.text
        if name in _FILEZILLA:
            for match in _FILEZILLA_PASS.finditer(text):
                encoded = match.group(1) is not None
                password = (_b64(match.group(2)) if encoded else None) or match.group(2)
                yield from self._report(fragment, match.start(2), len(match.group(2)), password, 'FileZilla')
        elif name in ('config.json', '.dockercfg'):
            for match in _DOCKER_TOKEN.finditer(text):
                value = match.group(1)
                yield from self._report(fragment, match.start(1), len(value), value, 'docker registry token')

    def _report(self, fragment: Fragment, start: int, length: int, secret: str | None, store: str) -> Iterator[Finding]:
        if not secret or is_stand_in(secret):
            return
        finding = secret_finding(
            fragment,
            start,
            secret,
            rule_id=self.id,
            severity=Severity.HIGH,
            confidence=Confidence.HIGH,
            message=f'{store} password stored in a credential file',
        )
        if finding.column is not None:
            finding = finding._replace(end_column=finding.column + length)
        yield finding


def _b64(value: str) -> str | None:
    """The text `value` encodes in base64, None when it encodes none."""
    value = value.strip()
    try:
        raw = base64.b64decode(value + '=' * (-len(value) % 4), altchars=b'-_' if re.search('[-_]', value) else None)
        return raw.decode('utf-8')
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
