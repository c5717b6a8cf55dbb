"""Files replaced whole or not at all: a temp file in the same directory, then a rename.

A full disk or a kill during `guard baseline update` used to leave the baseline truncated
(invalid JSON: every later scan exits 2) and `--output` a truncated report. Renaming
within one directory is atomic on POSIX and Windows (os.replace), so a reader sees the
old file or the new one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def replacing(path: Path, errors: str = 'strict') -> Iterator[IO[str]]:
    """A text stream whose content becomes `path` when the block ends without error."""
    if path.exists() and not path.is_file():  # /dev/stdout, a FIFO: nothing to replace, written in place
        with open(path, 'w', encoding='utf-8', errors=errors, newline='\n') as fh:
            yield fh
        return
    fd, temp = tempfile.mkstemp(prefix=f'.{path.name}.', suffix='.tmp', dir=path.parent or '.')
    try:
        with os.fdopen(fd, 'w', encoding='utf-8', errors=errors, newline='\n') as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, _mode(path))
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def write_text(path: Path, text: str) -> None:
    with replacing(path) as fh:
        fh.write(text)


def _mode(path: Path) -> int:
    """The replaced file's permissions, or what a new file gets under the umask (mkstemp's are 0600)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
