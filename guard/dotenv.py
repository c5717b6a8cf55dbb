"""A `.env` parser that reads files the way python-dotenv does, and never raises.

It keeps what a checker needs and python-dotenv throws away: the line of every
key, the comments above and after it, how the value was written (quotes,
`export `, spaces around `=`), and every statement it could not parse, with its
line. Values are parsed with interpolation off; `interpolate` applies `${VAR}`
and `${VAR:-default}` separately, as python-dotenv does.

Line endings are normalised to `\\n` first, so a multi-line quoted value holds
`\\n` where a CRLF file had `\\r\\n`; line numbers are those an editor shows.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from guard.sources import decode_text

_WHITESPACE = re.compile(r'[^\S\n]*')
_MULTILINE_WHITESPACE = re.compile(r'\s*')
_EXPORT = re.compile(r'export[^\S\n]+')
_UNQUOTED_KEY = re.compile(r'[^=#\s]+')
_SINGLE_QUOTED_KEY = re.compile(r"'([^']+)'")
_COMMENT = re.compile(r'[^\S\n]*#[^\n]*')
_END_OF_LINE = re.compile(r'[^\S\n]*(?:\n|$)')
_REST_OF_LINE = re.compile(r'[^\n]*\n?')
_UNQUOTED_VALUE = re.compile(r'[^\n]*')
_INLINE_COMMENT = re.compile(r'(?<=\s)#')  # not `\s+#`: that retries every blank of a long run
_DOUBLE_QUOTE_ESCAPES = re.compile(r'\\[\\\'"abfnrtv]')
_SINGLE_QUOTE_ESCAPES = re.compile(r"\\[\\']")
# A backslash escapes the character after it (python-dotenv 1.2.4); unrolled so that an
# unterminated quote in a 10 MB file fails in linear time.
_QUOTED = {
    '"': re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"', re.DOTALL),
    "'": re.compile(r"'([^'\\]*(?:\\.[^'\\]*)*)'", re.DOTALL),
}
_INTERPOLATION = re.compile(r'\$\{(?P<name>[^}:]*)(?::-(?P<default>[^}]*))?\}')
_COMMENTED_ASSIGNMENT = re.compile(r'^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=')
VALID_NAME = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')


class Entry(NamedTuple):
    key: str
    value: str | None  # None: a key without '=' (python-dotenv's `FOO` alone)
    line: int  # line of the key
    end_line: int  # last line of the value (multi-line quoted values)
    quote: str = ''  # '', "'" or '"'
    exported: bool = False
    comment: str = ''  # comment lines directly above, '#' stripped, joined by '\n'
    inline_comment: str = ''  # the comment after the value on its last line
    spaced: bool = False  # whitespace between the key and '=' or right after '='
    quoted_key: bool = False


class Problem(NamedTuple):
    line: int
    code: str  # 'parse', 'unterminated-quote', 'binary', 'encoding'
    message: str  # never holds a value


class DotEnv(NamedTuple):
    entries: tuple[Entry, ...] = ()
    problems: tuple[Problem, ...] = ()

    def names(self) -> list[str]:
        """Every key once, in first-seen order."""
        return list(dict.fromkeys(e.key for e in self.entries))

    def values(self) -> dict[str, str | None]:
        """key → value, the last one winning, like `dotenv_values(interpolate=False)`."""
        return {e.key: e.value for e in self.entries}

    def last(self) -> dict[str, Entry]:
        return {e.key: e for e in self.entries}


def parse_bytes(data: bytes) -> DotEnv:
    """Parse file contents: BOMs, binary and undecodable bytes become problems, not errors."""
    text = decode_text(data)
    if text is None:
        return DotEnv(problems=(Problem(1, 'binary', 'binary content (NUL bytes): not a dotenv file'),))
    problems: tuple[Problem, ...] = ()
    if '\ufffd' in text and b'\xef\xbf\xbd' not in data:
        line = 1 + text.count('\n', 0, text.index('\ufffd'))
        problems = (Problem(line, 'encoding', 'bytes that are not UTF-8: save the file as UTF-8'),)
    parsed = parse(text)
    return DotEnv(parsed.entries, problems + parsed.problems)


def parse(text: str) -> DotEnv:
    text = text.removeprefix('\ufeff').replace('\r\n', '\n').replace('\r', '\n')
    return _Parser(text).run()


class _Parser:
    """python-dotenv's grammar (parser.py), walked by hand over one string."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.lines = _LineIndex(text)
        self.entries: list[Entry] = []
        self.problems: list[Problem] = []
        self.comment: list[str] = []  # comment lines seen directly above the next key

    def run(self) -> DotEnv:
        while self.pos < len(self.text):
            self._statement()
        return DotEnv(tuple(self.entries), tuple(self.problems))

    def _match(self, regex: re.Pattern[str]) -> re.Match[str] | None:
        match = regex.match(self.text, self.pos)
        if match is not None:
            self.pos = match.end()
        return match

    def _statement(self) -> None:
        ws = self._match(_MULTILINE_WHITESPACE)
        if ws is not None and '\n' in ws.group():
            self.comment = []  # statements start at a line start: a newline here is a blank line
        if self.pos >= len(self.text):
            return
        start = self.pos
        line = self.lines.line(start)
        if self.text[start] == '#':
            self._comment_line()
            return
        try:
            self._binding(line)
        except _ParseError as e:
            self.problems.append(Problem(line, e.code, e.message))
            self._match(_REST_OF_LINE)
            self.comment = []

    def _comment_line(self) -> None:
        match = self._match(_REST_OF_LINE)
        body = match.group().rstrip('\n')[1:].strip() if match else ''
        if _COMMENTED_ASSIGNMENT.match(body):
            self.comment = []  # a commented-out key documents nothing below it
        else:
            self.comment.append(body)

    def _binding(self, line: int) -> None:
        exported = self._match(_EXPORT) is not None
        key, quoted_key = self._key()
        spaced = bool(self._match(_WHITESPACE).group())  # type: ignore[union-attr]
        value: str | None = None
        quote = ''
        if self.text.startswith('=', self.pos):
            self.pos += 1
            after = self._match(_WHITESPACE).group()  # type: ignore[union-attr]
            spaced = spaced or bool(after)
            if after and self.text.startswith('#', self.pos):
                value, inline = '', ''  # `KEY= # comment`: empty value, then a comment
            else:
                value, quote, inline = self._value()
        else:
            inline = ''
        comment = self._match(_COMMENT)
        if comment is not None and not inline:
            inline = comment.group().strip()[1:].strip()
        if self._match(_END_OF_LINE) is None:
            raise _ParseError(
                'parse', f'could not parse the statement starting at line {line}: only a comment may follow a value'
            )
        self.entries.append(
            Entry(
                key=key,
                value=value,
                line=line,
                end_line=self.lines.line(max(self.pos - 1, 0)),
                quote=quote,
                exported=exported,
                comment='\n'.join(self.comment),
                inline_comment=inline,
                spaced=spaced,
                quoted_key=quoted_key,
            )
        )
        self.comment = []

    def _key(self) -> tuple[str, bool]:
        if self.text.startswith("'", self.pos):
            match = self._match(_SINGLE_QUOTED_KEY)
            if match is None:
                raise _ParseError('parse', 'unterminated quoted key')
            return match.group(1), True
        match = self._match(_UNQUOTED_KEY)
        if match is None:
            raise _ParseError('parse', 'a line must start with a key (NAME=value)')
        return match.group(), False

    def _value(self) -> tuple[str, str, str]:
        """(value, quote, inline comment)."""
        char = self.text[self.pos : self.pos + 1]
        if char in ('"', "'"):
            return self._quoted(char), char, ''
        if char in ('', '\n'):
            return '', '', ''
        part = self._match(_UNQUOTED_VALUE).group()  # type: ignore[union-attr]
        cut = _INLINE_COMMENT.search(part)
        if cut is None:
            return part.rstrip(), '', ''
        return part[: cut.start()].rstrip(), '', part[cut.end() :].strip()  # the blanks before '#' go too

    def _quoted(self, quote: str) -> str:
        match = self._match(_QUOTED[quote])
        if match is None:
            kind = 'double' if quote == '"' else 'single'
            raise _ParseError('unterminated-quote', f'unterminated {kind}-quoted value: close the quote')
        return _unescape(match.group(1), _DOUBLE_QUOTE_ESCAPES if quote == '"' else _SINGLE_QUOTE_ESCAPES)


class _ParseError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _LineIndex:
    """Line number of an offset, by bisection over newline offsets (10 MB files stay linear)."""

    def __init__(self, text: str) -> None:
        self.newlines = [m.start() for m in re.finditer('\n', text)]

    def line(self, offset: int) -> int:
        import bisect

        return bisect.bisect_left(self.newlines, offset) + 1


def _unescape(value: str, escapes: re.Pattern[str]) -> str:
    def decode(match: re.Match[str]) -> str:
        return codecs.decode(match.group(0), 'unicode-escape')

    return escapes.sub(decode, value)


def interpolate(dotenv: DotEnv, environ: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """Values with `${VAR}` / `${VAR:-default}` expanded as python-dotenv does with
    override=True: an earlier value in the file, then `environ`, then the default, then ''.
    `$VAR` stays literal, and single-quoted values are expanded too (as python-dotenv does)."""
    environ = environ if environ is not None else {}
    out: dict[str, str | None] = {}
    for entry in dotenv.entries:
        if entry.value is None:
            out[entry.key] = None
            continue

        def lookup(match: re.Match[str]) -> str:
            name, default = match.group('name'), match.group('default')
            found = out.get(name)
            if found is None:
                found = environ.get(name)
            if found is None:
                found = default or ''
            return found

        out[entry.key] = _INTERPOLATION.sub(lookup, entry.value)
    return out


def references(value: str) -> Iterator[str]:
    """Names a value interpolates: `${A}` and `${B:-x}` → A, B."""
    for match in _INTERPOLATION.finditer(value):
        yield match.group('name')


def quote_value(value: str) -> str:
    """A value written so that python-dotenv reads it back unchanged."""
    if value and re.fullmatch(r'[A-Za-z0-9_./:@%+,=-]*', value) and not value.startswith('#'):
        return value
    escaped = value.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
    return f'"{escaped}"' if value else ''
