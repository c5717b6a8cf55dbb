"""Where fragments come from. A Source yields Fragments and counts, in its Tally, what it read
and passed over; `guard.api.scan` runs the scanner over them and writes the receipt.

files.py: paths and directories, stdin. staged.py: what the next commit adds. commits.py: commit
ranges, pre-push updates, `git log -p` streams. diff.py: the unified-diff parser they share.

Sources read, they never scan (nothing here imports the scanner): a source that can skip
decoding (a commit whose patch holds no keyword) is handed `wanted`, a predicate over raw bytes
the caller builds from its detectors (guard/gate.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from types import SimpleNamespace
from typing import Protocol

from guard import textcodec
from guard.models import Fragment

NAMED_PATHS = 3  # paths a receipt note names before it gives only the count
_KEPT_PATHS = 100  # paths remembered per reason (memory stays flat on huge trees)
UNREADABLE = 'unreadable'

# Whether raw bytes (a commit's message, its patch) may hold anything a detector reports.
Wanted = Callable[[bytes], bool]


def everything(data: bytes) -> bool:
    """The `wanted` that decodes every commit."""
    return True


def never(path: str) -> bool:
    """The `skip_path` (allow.paths) that skips no path."""
    return False


class Tally(SimpleNamespace):
    """What a source read and passed over, for the receipt (a counter the sources update).
    A SimpleNamespace for its == and repr: the dataclasses module stays off the pre-commit path."""

    files: int
    bytes: int
    skipped: int
    commits: int
    reasons: dict[str, int]
    named: dict[str, list[str]]  # reason → the first paths skipped for it, when they must be named
    lead: list[str]  # notes that come before the reasons' (a range's selection, "nothing staged")

    def __init__(self) -> None:
        super().__init__(files=0, bytes=0, skipped=0, commits=0, reasons={}, named={}, lead=[])

    def skip(self, reason: str, path: str | None = None, count: int = 1) -> None:
        self.skipped += count
        self.reasons[reason] = self.reasons.get(reason, 0) + count
        if path is not None:
            kept = self.named.setdefault(reason, [])
            if len(kept) < _KEPT_PATHS:
                kept.append(path)

    def merge(self, part: Tally) -> None:
        self.files += part.files
        self.bytes += part.bytes
        self.skipped += part.skipped
        self.commits += part.commits
        for reason, count in part.reasons.items():
            self.reasons[reason] = self.reasons.get(reason, 0) + count
        for reason, paths in part.named.items():
            kept = self.named.setdefault(reason, [])
            kept += paths[: _KEPT_PATHS - len(kept)]
        self.lead += part.lead

    def notes(self) -> tuple[str, ...]:
        return (*self.lead, *(self._note(reason, count) for reason, count in sorted(self.reasons.items())))

    def _note(self, reason: str, count: int) -> str:
        paths = self.named.get(reason)
        if not paths:
            return f'{count} {reason}'
        more = count - min(len(paths), NAMED_PATHS)
        return f'{count} {reason}: {", ".join(paths[:NAMED_PATHS])}' + (f' (+{more} more)' if more else '')


class Source(Protocol):
    """Fragments to scan, and the tally of how they were read."""

    mode: str  # the receipt's mode: 'scan', 'scan --staged', 'scan --range A..B'
    tally: Tally
    # whether a file it could not read leaves the scan incomplete (exit 2 without
    # --skip-unreadable); the staged scan reads the index, so a work-tree file does not count
    counts_unreadable: bool

    def fragments(self, wanted: Wanted) -> Iterator[Fragment]:
        """Every fragment, once; the tally is complete when they are."""
        ...

    def parts(self, jobs: int) -> Sequence[Source]:
        """Independent shares worth `jobs` processes (their tallies merge into this one), or
        none: then `fragments` is read here."""
        ...

    def empty(self) -> str:
        """Why nothing was scanned ('' when something was), asked once the fragments are read."""
        ...


def decode_text(data: bytes) -> str | None:
    """Text of a file, or None when it is binary (judged by content: guard/textcodec.py).
    Never raises on bad encodings."""
    return textcodec.decode_text(data)
