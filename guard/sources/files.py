"""Whole files: paths and directories (walked, .gitignore honoured in a repository) and stdin."""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from guard import git
from guard.models import Fragment
from guard.sources import UNREADABLE, Tally, Wanted, decode_text, never


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
    text = encrypted_store_text(shown, data) or decode_text(data)
    if text is None:
        tally.skip('binary')
        return None
    tally.files += 1
    tally.bytes += len(data)
    return Fragment(path=shown, text=text)


def encrypted_store_text(path: str, data: bytes) -> str | None:
    """The decrypted text of a credential store encrypted under its vendor's published key (DBeaver's
    credentials-config.json: guard/detectors/dbeaver.py); None for every other file, at once."""
    if not path.lower().endswith('credentials-config.json'):
        return None
    from guard.detectors.dbeaver import decrypt

    return decrypt(data)


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


# ---- the sources ----------------------------------------------------------------------------

MIN_FILES = 400  # below this (~0.2 s of serial work) a pool's start-up is not earned back
BATCH = 48  # files per share: small enough to balance a few huge files, big enough to amortise IPC
MAX_PARTS = 16_384  # shares of one scan at most (guard.pool hands out that many)
ALLOWLISTED = 'allowlisted (allow.paths)'

Entry = tuple[str, str]  # (filesystem path, path as reported)


class PathSource:
    """The files `paths` name: files, or directories to walk. `skip_path(shown)` says which are
    never to be read (allow.paths)."""

    mode = 'scan'
    counts_unreadable = True

    def __init__(
        self,
        paths: Sequence[str],
        *,
        max_size: int,
        use_gitignore: bool = True,
        skip_path: Callable[[str], bool] = never,
    ) -> None:
        self.paths, self.max_size, self.use_gitignore, self.skip_path = paths, max_size, use_gitignore, skip_path
        self.tally = Tally()
        self._entries: Iterator[Entry] | None = None

    def entries(self) -> Iterator[Entry]:
        """The files to read, listed on first use (once)."""
        if self._entries is None:
            listed = file_entries(self.paths, use_gitignore=self.use_gitignore, tally=self.tally)
            self._entries = (e for e in listed if not self._skipped(e[1]))
        return self._entries

    def _skipped(self, shown: str) -> bool:
        skipped = self.skip_path(shown)
        if skipped:
            self.tally.skip(ALLOWLISTED)
        return skipped

    def fragments(self, wanted: Wanted) -> Iterator[Fragment]:
        for path, shown in self.entries():
            fragment = read_file(path, shown, self.max_size, self.tally)
            if fragment is not None:
                yield fragment

    def parts(self, jobs: int) -> Sequence[PathSource]:
        """Batches of the files in walk order, when there are MIN_FILES or more and `jobs` > 1;
        otherwise none, and `fragments` reads the files listed so far and the rest."""
        if jobs < 2:
            return ()
        stream = self.entries()
        head = list(itertools.islice(stream, MIN_FILES))
        if len(head) < MIN_FILES:
            self._entries = iter(head)
            return ()
        entries = [*head, *stream]
        size = max(BATCH, -(-len(entries) // MAX_PARTS))
        return [self._share(entries[i : i + size]) for i in range(0, len(entries), size)]

    def _share(self, entries: Sequence[Entry]) -> PathSource:  # read in a worker, with a tally of its own
        share = PathSource((), max_size=self.max_size)
        share._entries = iter(entries)
        return share

    def empty(self) -> str:
        """Why a path scan read no file ('' when it read some)."""
        tally = self.tally
        if tally.files:
            return ''
        if tally.reasons.get(ALLOWLISTED):
            return 'every file is allowlisted (allow.paths)' if len(tally.reasons) == 1 else 'every file was skipped'
        if tally.skipped:
            return 'every file was skipped'
        on_disk = any(not p.startswith('.git') for arg in self.paths for p in _some_files(arg))
        if self.use_gitignore and on_disk:
            return 'every file is ignored by .gitignore (--no-gitignore scans them)'
        return 'no files there'


def _some_files(arg: str) -> Iterator[str]:
    """A few files below `arg` as a plain walk sees them (only asked when git listed none)."""
    for directory, _dirs, files in os.walk(arg):
        for name in files[:1]:
            yield os.path.relpath(os.path.join(directory, name), arg)


class StdinSource:
    """Standard input as read (at most the cap and a byte), named `name` in findings."""

    mode = 'scan --stdin'
    counts_unreadable = True

    def __init__(self, data: bytes, name: str, *, max_size: int, skip_path: Callable[[str], bool] = never) -> None:
        self.data, self.name, self.max_size, self.skip_path = data, name, max_size, skip_path
        self.tally = Tally()
        self._binary = False

    def fragments(self, wanted: Wanted) -> Iterator[Fragment]:
        fragment = stdin_fragment(self.data, self.name, self.tally, self.max_size)
        self._binary = fragment is None
        if fragment is not None:
            yield fragment

    def parts(self, jobs: int) -> Sequence[StdinSource]:
        return ()

    def empty(self) -> str:
        if self._binary:
            return 'the input is binary'
        return f'{self.name} is allowlisted (allow.paths)' if self.skip_path(self.name) else ''
