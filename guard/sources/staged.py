"""What the next commit adds (the pre-commit hook): the staged patch's added lines, and the
files named but not staged, read whole.

Its records are NamedTuples or plain classes, not frozen dataclasses: the pre-commit hook
imports this module, and each frozen dataclass costs ~0.5 ms to define there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from guard import git
from guard.models import Fragment
from guard.sources import Tally, Wanted, never
from guard.sources.diff import FileChange, drop_binary_hunks, parse_patch
from guard.sources.files import encrypted_store_text, read_file


class StagedSource:
    """The staged change of `paths` (all of it for none); `allowed(path)` notes the paths
    allow.paths keeps from being scanned, for the receipt's reason when nothing was."""

    mode = 'scan --staged'
    counts_unreadable = False  # the index is what is read: a work-tree file that cannot be does not stop the hook

    def __init__(self, paths: Sequence[str], *, max_size: int, allowed: Callable[[str], bool] = never) -> None:
        self.paths = paths
        self.max_size = max_size
        self.allowed = allowed
        self.tally = Tally()
        self._allowed: set[str] = set()

    def fragments(self, wanted: Wanted) -> Iterator[Fragment]:
        for fragment in staged_fragments(self.paths, max_size=self.max_size, tally=self.tally):
            if self.allowed(fragment.path):
                self._allowed.add(fragment.path)
            yield fragment
        if not self.tally.files and not self.tally.reasons:
            self.tally.lead.append('nothing staged')

    def parts(self, jobs: int) -> Sequence[StagedSource]:
        return ()

    def empty(self) -> str:
        tally = self.tally
        if not tally.files:
            return 'every staged change is binary, a submodule or a deletion' if tally.skipped else 'nothing staged'
        if len(self._allowed) >= tally.files:
            return 'every staged file is allowlisted (allow.paths)'
        return ''


def staged_fragments(paths: Sequence[str], *, max_size: int, tally: Tally) -> Iterator[Fragment]:
    """Added lines of the staged change; files passed but not staged at all are read whole,
    so `pre-commit run --all-files` still checks every file it names."""
    changes: list[FileChange] = []
    with git.staged_patch(paths) as out:
        for section in git.patch_sections(out):  # one file's patch in memory at a time
            tally.bytes += len(section)
            patch = parse_patch(drop_binary_hunks(section))
            del section  # its fragments are all that is kept, until they are scanned
            for change in patch.files:
                if not _is_store(change):
                    count_change(change, tally)
            changes += patch.files
            fragments = list(reversed(patch.fragments))
            del patch
            while fragments:
                yield fragments.pop()
    yield from _staged_stores([c for c in changes if _is_store(c)], tally)
    if paths:
        yield from _unstaged_files(paths, changes, max_size, tally)


def _is_store(change: FileChange) -> bool:
    return not change.deleted and not change.submodule and change.path.lower().endswith('credentials-config.json')


def _staged_stores(changes: Sequence[FileChange], tally: Tally) -> Iterator[Fragment]:
    """Encrypted credential stores (DBeaver's credentials-config.json) are binary in any diff: their
    staged blobs are read whole and decrypted (sources.files.encrypted_store_text)."""
    if not changes:
        return
    blobs = git.cat_files([f':{change.path}' for change in changes])
    for change in changes:
        text = encrypted_store_text(change.path, blobs[f':{change.path}'] or b'')
        if text is None:
            count_change(change, tally)  # another program's file of that name, or another key
            continue
        tally.files += 1
        yield Fragment(change.path, text)


def count_change(change: FileChange, tally: Tally) -> None:
    if change.submodule:
        tally.skip('submodules (not scanned)')
    elif change.binary:
        tally.skip('binary')
    elif not change.deleted:
        tally.files += 1


def _unstaged_files(
    paths: Sequence[str], changes: Sequence[FileChange], max_size: int, tally: Tally
) -> Iterator[Fragment]:
    staged = {c.path for c in changes} | {c.old_path for c in changes}
    missing = [p for p in paths if _normal(p) not in staged]
    if missing and _in_subdir():  # names are relative to cwd, diff paths to the top
        prefix = _prefix()
        missing = [p for p in missing if _normal(os.path.join(prefix, p)) not in staged]
    whole = 0
    for path in missing:
        if os.path.isdir(path):  # a submodule, or a directory pre-commit should not pass
            tally.skip('directories')
            continue
        fragment = read_file(Path(path), path.replace(os.sep, '/'), max_size, tally)
        if fragment is not None:
            whole += 1
            yield fragment
    if whole:
        tally.reasons['files not staged, scanned whole'] = whole


def _normal(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, '/')


def _in_subdir() -> bool:
    return not os.path.exists('.git')


def _prefix() -> str:
    return git.decode(git.run(['rev-parse', '--show-prefix']).stdout).strip()
