"""Where fragments come from: files and directories, stdin (git sources live beside them)."""
from __future__ import annotations

import codecs
import dataclasses
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from guard import git
from guard.models import Fragment

BINARY_SNIFF = 8000
_BOMS = (
    (codecs.BOM_UTF32_LE, 'utf-32'), (codecs.BOM_UTF32_BE, 'utf-32'),
    (codecs.BOM_UTF8, 'utf-8-sig'), (codecs.BOM_UTF16_LE, 'utf-16'), (codecs.BOM_UTF16_BE, 'utf-16'),
)


@dataclasses.dataclass
class Tally:
    """What a source read and passed over, for the receipt."""
    files: int = 0
    bytes: int = 0
    skipped: int = 0
    reasons: dict[str, int] = dataclasses.field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def notes(self) -> tuple[str, ...]:
        return tuple(f'{count} {reason}' for reason, count in sorted(self.reasons.items()))


def decode_text(data: bytes) -> str | None:
    """Text of a file, or None when it is binary. Never raises on bad encodings."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, 'replace')
    if b'\0' in data[:BINARY_SNIFF]:
        return None
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        return data.decode('utf-8', 'replace')


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


def file_fragments(paths: Sequence[str], *, max_size: int, use_gitignore: bool,
                   tally: Tally) -> Iterator[Fragment]:
    """Fragments of whole files named by `paths` (files, or directories to walk)."""
    for arg in paths:
        path = Path(arg)
        if path.is_dir() and not path.is_symlink():
            for relative in walk(path, use_gitignore):
                fragment = read_file(path / relative, display_path(arg, relative), max_size, tally)
                if fragment is not None:
                    yield fragment
        elif path.is_symlink() or path.exists():
            fragment = read_file(path, arg.replace(os.sep, '/'), max_size, tally)
            if fragment is not None:
                yield fragment
        else:
            tally.skip('missing')


def read_file(path: Path, shown: str, max_size: int, tally: Tally) -> Fragment | None:
    try:
        if path.is_symlink():
            tally.skip('symlinks')
            return None
        stat = path.stat()
        if not path.is_file():
            if not path.is_dir():
                tally.skip('special files')
            return None
        if stat.st_size > max_size:
            tally.skip('over the size cap')
            return None
        data = path.read_bytes()
    except OSError:
        tally.skip('unreadable')
        return None
    text = decode_text(data)
    if text is None:
        tally.skip('binary')
        return None
    tally.files += 1
    tally.bytes += len(data)
    return Fragment(path=shown, text=text)


def stdin_fragment(data: bytes, name: str, tally: Tally) -> Fragment | None:
    text = decode_text(data)
    if text is None:
        tally.skip('binary')
        return None
    tally.files += 1
    tally.bytes += len(data)
    return Fragment(path=name, text=text)
