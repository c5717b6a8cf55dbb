"""guard: keeps secrets and broken configuration out of git."""

from __future__ import annotations

__version__ = '0.1.0'
