"""Where fragments come from: files and directories, stdin (git sources live beside them)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace

from guard import git, textcodec
from guard.models import Fragment

NAMED_PATHS = 3  # paths a receipt note names before it gives only the count
_KEPT_PATHS = 100  # paths remembered per reason (memory stays flat on huge trees)
UNREADABLE = 'unreadable'


class Tally(SimpleNamespace):
    """What a source read and passed over, for the receipt (a counter the sources update).
    A SimpleNamespace for its == and repr: the dataclasses module stays off the pre-commit path."""

    files: int
    bytes: int
    skipped: int
    reasons: dict[str, int]
    named: dict[str, list[str]]  # reason → the first paths skipped for it, when they must be named

    def __init__(self) -> None:
        super().__init__(files=0, bytes=0, skipped=0, reasons={}, named={})

    def skip(self, reason: str, path: str | None = None) -> None:
        self.skipped += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1
        if path is not None:
            kept = self.named.setdefault(reason, [])
            if len(kept) < _KEPT_PATHS:
                kept.append(path)

    def merge(self, part: Tally) -> None:
        self.files += part.files
        self.bytes += part.bytes
        self.skipped += part.skipped
        for reason, count in part.reasons.items():
            self.reasons[reason] = self.reasons.get(reason, 0) + count
        for reason, paths in part.named.items():
            kept = self.named.setdefault(reason, [])
            kept += paths[: _KEPT_PATHS - len(kept)]

    def notes(self) -> tuple[str, ...]:
        return tuple(self._note(reason, count) for reason, count in sorted(self.reasons.items()))

    def _note(self, reason: str, count: int) -> str:
        paths = self.named.get(reason)
        if not paths:
            return f'{count} {reason}'
        more = count - min(len(paths), NAMED_PATHS)
        return f'{count} {reason}: {", ".join(paths[:NAMED_PATHS])}' + (f' (+{more} more)' if more else '')


def decode_text(data: bytes) -> str | None:
    """Text of a file, or None when it is binary (judged by content: guard/textcodec.py).
    Never raises on bad encodings."""
    return textcodec.decode_text(data)


def display_path(base: str, relative: str) -> str:
    """The path as the user named it: 'src/a.py' for '.', '/tmp/x/a.py' for '/tmp/x'."""
    joined = relative if base in ('', '.') else f'{base.rstrip("/")}/{relative}'
    return joined.replace(os.sep, '/')


def walk(root: Path, use_gitignore: bool, tally: Tally, shown: str = '.') -> Iterator[str]:
    """Files below `root` relative to it; git's view of ignored files when inside a repo.
    Directories that cannot be listed, and symlinks to directories, are named in the tally."""
    unopened: list[str] = []
    listed = git.listed_files(root, unopened=unopened) if use_gitignore else None
    if listed is not None:
        for relative in unopened:
            tally.skip(UNREADABLE, display_path(shown, relative))
        yield from listed
        return

    def unlistable(error: OSError) -> None:
        where = os.path.relpath(error.filename, root) if error.filename else '.'
        tally.skip(UNREADABLE, display_path(shown, where.replace(os.sep, '/') + '/'))

    for directory, dirs, files in os.walk(root, onerror=unlistable):
        rel = os.path.relpath(directory, root)
        for name in dirs:
            if os.path.islink(os.path.join(directory, name)):  # os.walk does not follow them
                tally.skip('symlinks', display_path(shown, name if rel == '.' else f'{rel}/{name}'))
        dirs[:] = sorted(d for d in dirs if d != '.git' and not os.path.islink(os.path.join(directory, d)))
        for name in sorted(files):
            yield name if rel == '.' else f'{rel}/{name}'


def file_fragments(paths: Sequence[str], *, max_size: int, use_gitignore: bool, tally: Tally) -> Iterator[Fragment]:
    """Fragments of whole files named by `paths` (files, or directories to walk)."""
    for path, shown in file_entries(paths, use_gitignore=use_gitignore, tally=tally):
        fragment = read_file(path, shown, max_size, tally)
        if fragment is not None:
            yield fragment


def file_entries(paths: Sequence[str], *, use_gitignore: bool, tally: Tally) -> Iterator[tuple[str, str]]:
    """(filesystem path, path as reported) of every file `paths` names, not yet read."""
    for arg in paths:
        path = Path(arg)
        if path.is_dir() and not path.is_symlink():
            prefix = '' if arg in ('', '.') else arg if arg.endswith(('/', os.sep)) else arg + os.sep
            for relative in walk(path, use_gitignore, tally, arg):
                yield prefix + relative, display_path(arg, relative)
        elif path.is_symlink() and path.is_dir():  # `link/`: never followed, so say so
            tally.skip('symlinks', arg.replace(os.sep, '/'))
        elif path.is_symlink() or path.exists():
            yield arg, arg.replace(os.sep, '/')
        else:
            tally.skip('missing', arg.replace(os.sep, '/'))


def read_file(path: str | Path, shown: str, max_size: int, tally: Tally) -> Fragment | None:
    try:
        # One lstat answers symlink, kind and size; no pathlib on this per-file path.
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            tally.skip('symlinks')
            return None
        if not stat.S_ISREG(info.st_mode):
            if stat.S_ISDIR(info.st_mode):  # a directory git lists as a file: a submodule
                tally.skip('submodules (not scanned)', shown)
            else:
                tally.skip('special files')
            return None
        if info.st_size > max_size:
            tally.skip('over the size cap')
            return None
        with open(path, 'rb', buffering=0) as handle:
            # Sized by lstat: asking for the cap (10 MB) allocated and zeroed that much per file. Bounded
            # still: a file that grew since lstat is read on, up to one byte past the cap.
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += handle.read(max_size + 1 - len(data))
    except FileNotFoundError:  # tracked but deleted from the work tree, or gone since listed
        tally.skip('deleted since listed')
        return None
    except OSError:
        tally.skip(UNREADABLE, shown)
        return None
    if len(data) > max_size:
        tally.skip('over the size cap')
        return None
    text = decode_text(data)
    if text is None:
        tally.skip('binary')
        return None
    tally.files += 1
    tally.bytes += len(data)
    return Fragment(path=shown, text=text)


def stdin_fragment(data: bytes, name: str, tally: Tally, max_size: int | None = None) -> Fragment | None:
    """Standard input as read (at most `max_size` + 1 bytes): what passes the cap is cut and counted."""
    if max_size is not None and len(data) > max_size:
        data = data[:max_size]
        tally.reasons['stdin cut at the size cap'] = 1
    text = decode_text(data)
    if text is None:
        tally.skip('binary')
        return None
    tally.files += 1
    tally.bytes += len(data)
    return Fragment(path=name, text=text)
