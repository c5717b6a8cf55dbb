"""DBeaver's saved passwords: `.dbeaver/credentials-config.json`, decrypted.

DBeaver (6.1.3 and later) keeps each connection's user and password in credentials-config.json,
encrypted with AES-128-CBC under a key hard-coded in its open source; the file is the 16-byte IV
and then the ciphertext of a JSON object. DBeaver's documentation says as much: the key "is not
secure as it is publicly available in DBeaver source files" (dbeaver.com/docs/dbeaver/Project-security/).
Whoever holds the file holds the passwords, so a committed one is a leak of every password in it.

The sources decrypt it where they read whole files (sources.files.read_file, the staged blob in
sources.staged) and hand the decrypted JSON on as the fragment's text; `DBeaverDetector` reports each
stored password by the credential-file policy. The AES code (aes.py) is imported only then.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from guard.detectors.base import secret_finding
from guard.detectors.lazyre import lazy
from guard.detectors.passwords import judge_credential
from guard.models import Finding, Fragment

NAME = 'credentials-config.json'
# DBeaver's LOCAL_KEY_CACHE (org.jkiss.dbeaver.model, DefaultSecureStorage, later BaseProjectImpl),
# its signed Java bytes {-70, -69, 74, -97, 119, 74, -72, 83, -55, 108, 45, 101, 61, -2, 84, 74}
KEY = bytes.fromhex('babb4a9f774ab853c96c2d653dfe544a')
MAX_SIZE = 4 * 1024 * 1024  # thousands of connections; more is not this file
_PASSWORD = lazy(r'"password"[ \t\r\n]*:[ \t\r\n]*"((?:[^"\\\n]|\\.){1,4096})"')


def is_store(path: str) -> bool:
    return posixpath.basename(path.replace('\\', '/')).lower() == NAME


def decrypt(data: bytes) -> str | None:
    """The JSON text a credentials-config.json encrypts; None when `data` is not one (another key:
    DBeaver PRO's master password, or another program's file of the same name)."""
    if not 32 <= len(data) <= MAX_SIZE or len(data) % 16:
        return None
    from guard.detectors.aes import decrypt_cbc

    plain = decrypt_cbc(KEY, data[:16], data[16:])
    if plain is None:
        return None
    try:
        text = plain.decode('utf-8')
    except UnicodeDecodeError:
        return None
    return text if text.lstrip().startswith('{') else None


class DBeaverDetector:
    """Each password in a decrypted credentials-config.json (`{"<connection id>": {"#connection":
    {"user": …, "password": …}, "network/ssh_tunnel": {…}}}`)."""

    id = 'dbeaver-password'
    keywords = frozenset({'"password"'})
    reports: dict[str, str] = {
        'dbeaver-password': "a password DBeaver saved in credentials-config.json (under DBeaver's public key)",
    }

    def detect(self, fragment: Fragment) -> Iterator[Finding]:
        if not is_store(fragment.path):
            return
        import json  # here: only a decrypted store gets this far

        try:
            store = json.loads(fragment.text)
        except ValueError:
            return
        if not isinstance(store, dict):
            return
        text = fragment.text
        at = 0
        for connection, entry in store.items():
            if not isinstance(entry, dict):
                continue
            at = max(at, text.find(json.dumps(connection)))
            for part, auth in entry.items():
                if not isinstance(auth, dict) or not isinstance(auth.get('password'), str):
                    continue
                match = _PASSWORD.search(text, at)
                if match is None:
                    return
                at = match.end()
                user = auth.get('user') if isinstance(auth.get('user'), str) else ''
                finding = self._finding(fragment, match, auth['password'], str(user), connection, part)
                if finding is not None:
                    yield finding

    def _finding(
        self, fragment: Fragment, match: re.Match[str], password: str, user: str, connection: str, part: str
    ) -> Finding | None:
        verdict = judge_credential(password, user=user)
        if verdict is None:
            return None
        severity, confidence = verdict
        what = 'SSH tunnel of ' if 'ssh' in part else ''
        finding = secret_finding(
            fragment,
            match.start(1),
            password,
            rule_id=self.id,
            severity=severity,
            confidence=confidence,
            message=f'DBeaver password for the {what}connection {connection[:80]!r}, '
            "decrypted with DBeaver's published key",
        )
        if finding.column is not None:
            finding = finding._replace(end_column=finding.column + len(match.group(1)))
        return finding
