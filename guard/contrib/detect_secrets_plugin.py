"""guard's connection-string detector as a detect-secrets plugin.

    detect-secrets scan --plugin "$(python -c 'import guard.contrib.detect_secrets_plugin as m; print(m.__file__)')"

detect-secrets registers every public concrete BasePlugin subclass of this file, so
it defines exactly one. The secret it reports is the password as written in the
connection string (what detect-secrets hashes into `hashed_secret`), found by
guard's parser: URIs with userinfo or `password=`, ADO.NET, libpq, Oracle, Kafka JAAS,
with guard's judgement of placeholders and local development defaults.
"""

from __future__ import annotations

from collections.abc import Generator

from detect_secrets.plugins.base import BasePlugin

from guard.detectors.connstrings import ConnectionStringDetector
from guard.models import Fragment

_DETECTOR = ConnectionStringDetector()


class GuardConnectionStringDetector(BasePlugin):
    """Passwords inside database and service connection strings, parsed by guard."""

    secret_type = 'Guard Connection String Password'  # a class attribute: baselines store it

    def analyze_string(self, string: str) -> Generator[str, None, None]:
        for finding in _DETECTOR.detect(Fragment(path='', text=string)):
            if finding.column is not None and finding.end_column is not None:
                yield string[finding.column - 1 : finding.end_column - 1]
