"""Turning a secret into things that are safe to print and store."""

from __future__ import annotations

from collections.abc import Iterable

PREVIEW_CHARS = 4


def preview(secret: str) -> str:
    """At most the first four characters and the length: 'ghp_…(40)'.

    Short secrets show less, so that a preview never reveals most of a secret.
    """
    shown = min(PREVIEW_CHARS, len(secret) // 4)
    return f'{secret[:shown]}…({len(secret)})'


# hashlib is imported on the first finding, not at start-up (docs/performance.md): most
# pre-commit runs find nothing.


def sha256_hex(secret: str) -> str:
    import hashlib

    return hashlib.sha256(secret.encode('utf-8', 'surrogateescape')).hexdigest()


def sha1_hex(secret: str) -> str:
    import hashlib

    return hashlib.sha1(secret.encode('utf-8', 'surrogateescape')).hexdigest()


# ---- messages: errors that may quote user data -------------------------------------------------


def redact_secrets(text: str) -> str:
    """`text` (an error message that may quote a config line, a parser's snippet, a value)
    with each secret the scanner finds in it replaced by its preview, as in a finding: the
    built-in rules and the values of the developer's own env files. Only error paths call
    this, so building the scanner here costs nothing on the way to a clean result."""
    try:
        spans = _secret_spans(text)
    except Exception:  # the message must still be shown: mask what looks like a token
        return _mask_tokens(text)
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + preview(text[start:end]) + text[end:]
    return text


def _secret_spans(text: str) -> list[tuple[int, int]]:
    import contextlib
    from pathlib import Path

    from guard.config import Config
    from guard.detectors import build_detectors
    from guard.models import Fragment
    from guard.own_secrets import own_secrets_detector
    from guard.scanner import Scanner

    detectors = build_detectors()
    with contextlib.suppress(Exception):  # without them the built-in rules still redact
        own = own_secrets_detector(Config(root=Path.cwd()))
        if own is not None:
            detectors.append(own)
    starts = [0]
    for line in text.split('\n'):
        starts.append(starts[-1] + len(line) + 1)
    spans: list[tuple[int, int]] = []
    for finding in Scanner(detectors).scan(Fragment('<message>', text)):
        if finding.line is None or not finding.column or not finding.end_column:
            raise ValueError('a finding without a span')  # mask by shape instead
        base = starts[finding.line - 1]
        spans.append((base + finding.column - 1, base + finding.end_column - 1))
    return _disjoint(spans)


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _mask_tokens(text: str) -> str:
    """Every run of 20 or more token characters mixing upper case, lower case and digits."""
    import re

    def mask(match: re.Match[str]) -> str:
        token = match.group()
        mixed = any(c.isupper() for c in token) and any(c.islower() for c in token) and any(c.isdigit() for c in token)
        return preview(token) if mixed else token

    return re.sub(r'[A-Za-z0-9_+/=.~-]{20,}', mask, text)


MASKED_MIN = 4  # shorter runs reveal too little of a value to be worth masking


def mask_values(text: str, values: Iterable[str]) -> str:
    """`text` (an exception's text from the project's code) with every value it may quote
    masked as a preview: each whole value, and each run of token characters found inside
    one (a validator may quote the password it cut out of a URL)."""
    import re

    wanted = [v for v in values if len(v) >= MASKED_MIN]
    if not wanted or not text:
        return text
    joined = '\0'.join(wanted)
    spans = [(m.start(), m.end()) for v in wanted for m in re.finditer(re.escape(v), text)]
    spans += [(m.start(), m.end()) for m in re.finditer(r'[^\s\'"`,;:()\[\]{}<>=@/\\]+', text) if m.group() in joined]
    spans = [(s, e) for s, e in spans if e - s >= MASKED_MIN]
    for start, end in sorted(_disjoint(spans), reverse=True):
        text = text[:start] + preview(text[start:end]) + text[end:]
    return text
