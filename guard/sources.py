"""Where fragments come from: files and directories, stdin (git sources live beside them)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace

from guard import git, textcodec
from guard.models import Fragment


class Tally(SimpleNamespace):
    """What a source read and passed over, for the receipt (a counter the sources update).
    A SimpleNamespace for its == and repr: the dataclasses module stays off the pre-commit path."""

    files: int
    bytes: int
    skipped: int
    reasons: dict[str, int]

    def __init__(self) -> None:
        super().__init__(files=0, bytes=0, skipped=0, reasons={})

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def notes(self) -> tuple[str, ...]:
        return tuple(f'{count} {reason}' for reason, count in sorted(self.reasons.items()))


def decode_text(data: bytes) -> str | None:
    """Text of a file, or None when it is binary (judged by content: guard/textcodec.py).
    Never raises on bad encodings."""
    return textcodec.decode_text(data)


def display_path(base: str, relative: str) -> str:
    """The path as the user named it: 'src/a.py' for '.', '/tmp/x/a.py' for '/tmp/x'."""
    joined = relative if base in ('', '.') else f'{base.rstrip("/")}/{relative}'
    return joined.replace(os.sep, '/')


def walk(root: Path, use_gitignore: bool) -> Iterator[str]:
    """Files below `root` relative to it; git's view of ignored files when inside a repo."""
    listed = git.listed_files(root) if use_gitignore else None
    if listed is not None:
        yield from listed
        return
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != '.git')
        rel = os.path.relpath(directory, root)
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
            for relative in walk(path, use_gitignore):
                yield prefix + relative, display_path(arg, relative)
        elif path.is_symlink() or path.exists():
            yield arg, arg.replace(os.sep, '/')
        else:
            tally.skip('missing')


def read_file(path: str | Path, shown: str, max_size: int, tally: Tally) -> Fragment | None:
    try:
        # One lstat answers symlink, kind and size; no pathlib on this per-file path.
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            tally.skip('symlinks')
            return None
        if not stat.S_ISREG(info.st_mode):
            if not stat.S_ISDIR(info.st_mode):
                tally.skip('special files')
            return None
        if info.st_size > max_size:
            tally.skip('over the size cap')
            return None
        with open(path, 'rb', buffering=0) as handle:
            data = handle.read(max_size + 1)  # bounded: the file may grow between lstat and read
    except OSError:
        tally.skip('unreadable')
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
