"""guard's engine at run time: the rules that stop a secret at commit time, in the logs.

    from guard.mask import mask, MaskingFilter, MaskingProcessor
    mask('token ghp_…')  # every secret guard would report, replaced by its preview

Importing this package costs little (no pydantic, click or detect_secrets, now or later);
guard's rules are compiled on the first text masked.
"""

from __future__ import annotations

import functools

from guard.mask.engine import Masker, Span
from guard.mask.logs import MaskingFilter, MaskingProcessor


@functools.cache
def default_masker() -> Masker:
    """The built-in detectors, shared by every filter and processor that adds no values of its own."""
    return Masker()


def mask(text: str) -> str:
    """`text` with every secret guard would report in it replaced by its redacted preview
    (`ghp_…(40)`; only the length for passwords: `…(11)`); all else byte for byte unchanged."""
    return default_masker().mask(text)


__all__ = ['Masker', 'MaskingFilter', 'MaskingProcessor', 'Span', 'default_masker', 'mask']
