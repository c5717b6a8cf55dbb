"""What every detector shares: the protocol and the one way to build a finding."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from guard.models import Confidence, Finding, Fragment, Severity
from guard.redact import preview, sha1_hex, sha256_hex


class Detector(Protocol):
    id: str
    keywords: frozenset[str]        # lowercase; empty: always run

    def detect(self, fragment: Fragment) -> Iterator[Finding]: ...


def secret_finding(
    fragment: Fragment,
    start: int,
    secret: str,
    *,
    rule_id: str,
    severity: Severity,
    message: str,
    confidence: Confidence = Confidence.HIGH,
) -> Finding:
    """A finding for `secret` found at offset `start` of the fragment's text.

    The secret itself is reduced here to a preview and hashes; nothing after
    this point ever sees it.
    """
    text = fragment.text
    line_start = text.rfind('\n', 0, start) + 1
    column = start - line_start + 1
    return Finding(
        rule_id=rule_id,
        severity=severity,
        message=message,
        path=fragment.path,
        line=fragment.start_line + text.count('\n', 0, start),
        preview=preview(secret),
        secret_hash=sha256_hex(secret),
        secret_sha1=sha1_hex(secret),
        confidence=confidence,
        column=column,
        end_column=column + len(secret),
        commit=fragment.commit,
    )
