"""A pure unified-diff parser: git patch text in, Fragments of added lines out.

Reads what `git diff -p -U0 --text` and `git log -p -U0 --text` print (see REFERENCE §2):
one Fragment per run of contiguous added lines, numbered on the new side. git is told
`--text` so that `.gitattributes` (`* -diff`, `binary`) cannot hide a file; whether a
file is binary is decided here, by its added bytes (guard/textcodec.py), as the tree
scan decides it. Binary files and submodule pointers carry no text to scan; they are
counted, not parsed. UTF-16/32 files are decoded; bytes that are not UTF-8 become U+FFFD.
Paths come from the `+++ b/…` line (C-unquoted), falling back to `rename to` and
the `diff --git` line for changes without hunks (pure renames, mode changes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import AnyStr, NamedTuple

from guard import textcodec
from guard.models import Commit, Fragment

SUBMODULE_MODE = '160000'
_HUNK = re.compile(rb'@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@')
_ESCAPES = {'a': 7, 'b': 8, 't': 9, 'n': 10, 'v': 11, 'f': 12, 'r': 13, '"': 34, '\\': 92}
_FILE_HEADERS = re.compile(
    r'^(diff --git |new file mode |deleted file mode |rename from |rename to )(.*)$', re.MULTILINE
)


class FileChange(NamedTuple):
    """One file's entry in a patch: what happened to it, not its lines."""

    path: str  # the new path; the old one for deletions
    old_path: str = ''
    added: bool = False  # new file
    deleted: bool = False
    binary: bool = False
    submodule: bool = False


class Patch(NamedTuple):
    fragments: tuple[Fragment, ...]
    files: tuple[FileChange, ...]

    @property
    def binary(self) -> int:
        return sum(1 for f in self.files if f.binary)

    @property
    def submodules(self) -> int:
        return sum(1 for f in self.files if f.submodule)


def c_unquote(text: str) -> str:
    """A path as git prints it: `"a\\tb\\303\\251"` → 'a\tbé'; unquoted text is returned as is."""
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        return text
    out = bytearray()
    body = text[1:-1]
    i = 0
    while i < len(body):
        char = body[i]
        if char != '\\' or i + 1 == len(body):
            out += char.encode('utf-8', 'surrogateescape')
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        elif body[i + 1 : i + 4].isdigit():
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out += nxt.encode('utf-8', 'surrogateescape')
            i += 2
    return out.decode('utf-8', 'surrogateescape')


def _quoted_end(text: str) -> int:
    """Index just past the closing quote of the quoted string that starts `text`."""
    i = 1
    while i < len(text):
        if text[i] == '\\':
            i += 2
        elif text[i] == '"':
            return i + 1
        else:
            i += 1
    return len(text)


def _strip_prefix(path: str, prefix: str) -> str:
    return path[len(prefix) :] if path.startswith(prefix) else path


def diff_git_paths(rest: str) -> tuple[str, str]:
    """(old, new) from what follows `diff --git `, quoted or not, spaces included."""
    if rest.startswith('"'):
        end = _quoted_end(rest)
        a, b = rest[:end], rest[end + 1 :]
    elif rest.endswith('"'):
        cut = rest.rfind(' "')
        a, b = rest[:cut], rest[cut + 1 :]
    else:
        half = (len(rest) - 1) // 2
        if len(rest) % 2 == 1 and rest[half] == ' ' and rest[2:half] == rest[half + 3 :]:
            a, b = rest[:half], rest[half + 1 :]
        else:  # a rename with spaces is ambiguous here; `rename to` / `+++` lines settle it
            cut = rest.find(' b/')
            a, b = (rest[:cut], rest[cut + 1 :]) if cut >= 0 else (rest, rest)
    return _strip_prefix(c_unquote(a), 'a/'), _strip_prefix(c_unquote(b), 'b/')


def _side_path(rest: str, prefix: str) -> str | None:
    """The path of a `--- a/x` / `+++ b/x` line (without its marker); None for /dev/null."""
    if rest.startswith('"'):
        return _strip_prefix(c_unquote(rest[: _quoted_end(rest)]), prefix)
    rest = rest.rstrip('\t')  # git appends a TAB when an unquoted name holds a space
    if rest == '/dev/null':
        return None
    return _strip_prefix(rest, prefix)


class _Parser:
    """State of one pass over a patch; kept small so the hot loop stays in `parse_patch`.

    It reads bytes: only the added lines it keeps are decoded (removed lines and the
    rest never are), each file's by its own content (guard/textcodec.py)."""

    def __init__(self, data: bytes, commit: Commit | None) -> None:
        self.data = data
        self.commit = commit
        self.fragments: list[Fragment] = []
        self.files: list[FileChange] = []
        self.file: dict[str, object] | None = None
        # the run of added lines as (start, end) spans of `data`, each a block of `+` lines: a
        # fragment is cut from the patch at flush, not built from a list of line copies (which
        # cost ~10x a big patch in memory)
        self.run: list[tuple[int, int]] = []
        self.run_start = 0
        self.pending: list[tuple[bytes, int]] = []  # the current file's runs: (added bytes, first line)

    def add(self, start: int, end: int) -> None:
        """The `+` line at data[start:end] joins the run."""
        if self.run and self.run[-1][1] + 1 == start:
            self.run[-1] = (self.run[-1][0], end)
        else:
            self.run.append((start, end))

    def start_file(self, rest: str) -> None:
        self.end_file()
        old, new = diff_git_paths(rest)
        self.file = {
            'path': new,
            'old_path': old,
            'added': False,
            'deleted': False,
            'binary': False,
            'submodule': False,
        }

    def end_file(self) -> None:
        self.flush()
        if self.file is not None:
            info = self.file
            if info['deleted']:
                info['path'] = info['old_path']
            if self.pending and not self.decode_file(str(info['path'])):
                info['binary'] = True
            self.files.append(FileChange(**info))  # type: ignore[arg-type]
            self.file = None

    def flush(self) -> None:
        if self.run:
            if self.file is not None and not self.file['submodule']:
                data = self.data
                added = b'\n'.join(data[a + 1 : b].replace(b'\n+', b'\n') for a, b in self.run)
                self.pending.append((added, self.run_start))
            self.run = []

    def decode_file(self, path: str) -> bool:
        """The current file's runs as fragments, decoded by their content: False, and none
        kept, when the file is binary."""
        pending, self.pending = self.pending, []
        if all(data.isascii() and b'\0' not in data for data, _line in pending):  # nearly always
            self.fragments += (Fragment(path, data.decode('ascii'), line, self.commit) for data, line in pending)
            return True
        kind = textcodec.sniff(b'\n'.join(_head([data for data, _line in pending], textcodec.SNIFF)))
        if kind.codec is None:
            return False
        self.fragments += (Fragment(path, _run_text(data, kind, line), line, self.commit) for data, line in pending)
        return True

    def header(self, line: str) -> None:
        """An extended header line between `diff --git` and the first hunk."""
        info = self.file
        if info is None:
            return
        if line.startswith('+++ '):
            path = _side_path(line[4:], 'b/')
            if path is None:
                info['deleted'] = True
            else:
                info['path'] = path
        elif line.startswith('--- '):
            path = _side_path(line[4:], 'a/')
            if path is None:
                info['added'] = True
            else:
                info['old_path'] = path
        elif line.startswith('new file mode '):
            info['added'] = True
            info['submodule'] = line.endswith(SUBMODULE_MODE)
        elif line.startswith('deleted file mode '):
            info['deleted'] = True
            info['submodule'] = line.endswith(SUBMODULE_MODE)
        elif line.startswith('index '):
            if line.endswith(' ' + SUBMODULE_MODE):
                info['submodule'] = True
        elif line.startswith(('rename to ', 'copy to ')):
            info['path'] = c_unquote(line.split(' ', 2)[2])
        elif line.startswith(('rename from ', 'copy from ')):
            info['old_path'] = c_unquote(line.split(' ', 2)[2])
        elif line.startswith(('Binary files ', 'GIT binary patch')):
            info['binary'] = True


def _head(parts: list[bytes], size: int) -> list[bytes]:
    """The first parts, up to about `size` bytes in all."""
    taken, total = [], 0
    for part in parts:
        taken.append(part[: size - total])
        total += len(taken[-1]) + 1
        if total >= size:
            break
    return taken


def _run_text(data: bytes, kind: textcodec.Kind, start_line: int) -> str:
    """One run of added lines as text of `kind`. git splits lines at 0x0A bytes, so in
    UTF-16/32 a run after the first line carries the rest of the newline's code unit:
    its leading NULs (little-endian) or its trailing ones (big-endian) are dropped."""
    if start_line == 1 and kind.bom:
        data = data[kind.bom :]
    extra = len(data) % kind.unit
    if extra:
        data = data[:-extra] if kind.codec and kind.codec.endswith('be') else data[extra:]
    return textcodec.decode(data, kind._replace(bom=0))


_BINARY_MARK = b'Binary files differ (judged by content)\n'


def drop_binary_hunks(data: bytes) -> bytes:
    """`data` (a raw --text patch) with the hunks of every file whose added bytes are binary
    replaced by a `Binary files` line, before anything decodes them: decoding megabytes of
    an image or archive only to throw them away cost ~1 s and 15x their size in memory."""
    if b'\0' not in data:  # binary content nearly always holds NULs; the rest is judged later
        return data
    out = []
    for section in _sections(data):
        hunks = section.find(b'\n@@ ')
        if hunks >= 0 and b'\0' in section and textcodec.sniff(_added_sample(section, hunks + 1)).codec is None:
            section = section[: hunks + 1] + _BINARY_MARK
        out.append(section)
    return b''.join(out)


def _sections(data: bytes) -> Iterator[bytes]:
    """`data` cut before each `diff --git ` line (the first piece may be a preamble)."""
    start = 0
    while (found := data.find(b'\ndiff --git ', start + 1)) >= 0:
        yield data[start : found + 1]
        start = found + 1
    yield data[start:]


def _added_sample(section: bytes, hunks: int) -> bytes:
    """About the first SNIFF bytes of the lines a file's hunks add, as the file holds them."""
    lines = section[hunks : hunks + 2 * textcodec.SNIFF].split(b'\n')
    return b'\n'.join(line[1:] for line in lines if line.startswith(b'+'))[: textcodec.SNIFF]


def parse_patch(patch: bytes | str, commit: Commit | None = None, start: int = 0) -> Patch:
    """Fragments of added lines and the file changes in `patch` (one or many files), read
    from offset `start` of it (a commit's patch inside its log record, not copied out)."""
    data = patch.encode('utf-8', 'surrogateescape') if isinstance(patch, str) else patch
    parser = _Parser(data, commit)
    old_left = new_left = 0
    new_line = 0
    end = start - 1
    size = len(data)
    while end < size:  # line by line without data.split: one line in memory at a time
        start = end + 1
        end = data.find(b'\n', start)
        if end < 0:
            end = size
        first = data[start : start + 1]
        if old_left > 0 or new_left > 0:
            if first == b'+':
                if not parser.run:
                    parser.run_start = new_line
                parser.add(start, end)
                new_line += 1
                new_left -= 1
            elif first == b'-':
                old_left -= 1
            elif first == b' ':
                parser.flush()
                new_line += 1
                new_left -= 1
                old_left -= 1
            elif first != b'\\':  # `\ No newline at end of file` is a marker, not content
                old_left = new_left = 0
                parser.flush()
            if old_left > 0 or new_left > 0:
                continue
            parser.flush()
            continue
        if first == b'@' and data.startswith(b'@@ ', start):
            match = _HUNK.match(data, start, end)
            if match is None:
                continue
            old_count, new_start, new_count = match.groups()
            old_left = 1 if old_count is None else int(old_count)
            new_left = 1 if new_count is None else int(new_count)
            new_line = int(new_start)
            body = _hunk_body(data, end + 1, old_left, new_left)
            if body is not None:  # the usual -U0 hunk, read in C; else line by line below
                if new_left:
                    parser.run_start = new_line
                    parser.add(body[0], body[1])
                    parser.flush()
                old_left = new_left = 0
                end = body[2] - 1
        elif first == b'd' and data.startswith(b'diff --git ', start):
            parser.start_file(_text(data[start + 11 : end]))
        elif end > start:
            parser.header(_text(data[start:end]))
    parser.end_file()
    return Patch(tuple(parser.fragments), tuple(parser.files))


_REMOVED = re.compile(rb'(?:-[^\n]*\n)*')
_ADDED = re.compile(rb'(?:\+[^\n]*\n)*')
_MARKER = re.compile(rb'(?:\\[^\n]*\n)?')  # `\ No newline at end of file`


def _hunk_body(data: bytes, pos: int, removed: int, added: int) -> tuple[int, int, int] | None:
    """A -U0 hunk's body from `pos`: its removed lines, then its added ones, each block perhaps
    followed by git's no-newline marker. (Where its added lines start, where the last one
    ends, where the hunk ends), or None when the body is not that shape (the caller then reads
    it line by line)."""
    minus = _REMOVED.match(data, pos).end()  # type: ignore[union-attr]  # a * pattern always matches
    if data.count(b'\n', pos, minus) != removed:
        return None
    first = _MARKER.match(data, minus).end()  # type: ignore[union-attr]
    plus = _ADDED.match(data, first).end()  # type: ignore[union-attr]
    if data.count(b'\n', first, plus) != added:
        return None
    return first, plus - 1, _MARKER.match(data, plus).end()  # type: ignore[union-attr]


def _text(line: bytes) -> str:
    """A header line as text: paths keep their bytes as surrogates (git.decode's rule)."""
    return line.decode('utf-8', 'surrogateescape')


def file_changes(text: str) -> Iterator[FileChange]:
    """The file changes of a patch without reading its hunks: cheap, for tracking paths
    (env files) in commits whose text holds no keyword worth a full parse."""
    current: FileChange | None = None
    for match in _FILE_HEADERS.finditer(text):
        kind, rest = match.group(1), match.group(2)
        if kind == 'diff --git ':
            if current is not None:
                yield current
            old, new = diff_git_paths(rest)
            current = FileChange(path=new, old_path=old)
        elif current is None:
            continue
        elif kind == 'new file mode ':
            current = current._replace(added=True)
        elif kind == 'deleted file mode ':
            current = current._replace(deleted=True, path=current.old_path)
        elif kind == 'rename from ':
            current = current._replace(old_path=c_unquote(rest))
        else:
            current = current._replace(path=c_unquote(rest))
    if current is not None:
        yield current


def diff_git_lines(text: str) -> list[str]:
    """What follows `diff --git ` on each of a patch's file headers (see diff_git_paths).
    str.find, not a MULTILINE regex: several times faster on megabytes of patch."""
    return _header_rests(text, '\ndiff --git ')


def diff_git_headers(data: bytes) -> list[bytes]:
    """diff_git_lines over raw bytes, for a look at the paths without decoding a patch."""
    return _header_rests(data, b'\ndiff --git ')


def _header_rests(data: AnyStr, marker: AnyStr) -> list[AnyStr]:
    """What follows the header on each line of `data` starting with it (`marker`: a newline,
    then the header), as str or bytes alike."""
    header = marker[1:]
    out = []
    start = 0 if data.startswith(header) else _next_header(data, marker, 0)
    while start >= 0:
        end = data.find(marker[:1], start)
        if end < 0:
            out.append(data[start + len(header) :])
            break
        out.append(data[start + len(header) : end])
        start = _next_header(data, marker, end)
    return out


def _next_header(data: AnyStr, marker: AnyStr, pos: int) -> int:
    found = data.find(marker, pos)
    return found + 1 if found >= 0 else -1


def changed_paths(text: str) -> list[str]:
    """The new path of every file in a patch, from its `diff --git` lines alone (the
    cheapest look at a patch; renamed files with spaces may show their old name)."""
    return [diff_git_paths(rest)[1] for rest in diff_git_lines(text)]
