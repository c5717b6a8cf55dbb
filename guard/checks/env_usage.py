"""Which environment variables code reads: Python (ast), JS/TS, docker-compose, shell, workflows.

A *strong* read is one the template must document (the app fails or misbehaves without
it); a *weak* one (a shell `${X}`, a workflow `env:` key) only shows that a key is used.
Pure functions over text, plus `collect` which reads the workspace's files.
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import fnmatch
import functools
import re
from collections.abc import Callable, Iterable, Iterator

from guard import git
from guard.checks.workspace import Workspace
from guard.filters import glob_to_regex
from guard.sources import decode_text

MAX_CODE_FILE = 2 * 1024 * 1024
JS_EXTENSIONS = ('.js', '.jsx', '.ts', '.tsx', '.mjs', '.cjs', '.mts', '.cts', '.vue', '.svelte', '.astro')
SHELL_EXTENSIONS = ('.sh', '.bash', '.zsh')
COMPOSE_NAME = re.compile(r'(?:docker-)?compose(?:\.[\w.-]+)?\.ya?ml')
# Set by the platform, the shell or the build tool, never by the project's env file.
PLATFORM_KEYS = (
    'PATH',
    'HOME',
    'USER',
    'USERNAME',
    'LOGNAME',
    'SHELL',
    'PWD',
    'OLDPWD',
    'TERM',
    'LANG',
    'LC_*',
    'TZ',
    'TMPDIR',
    'TEMP',
    'TMP',
    'HOSTNAME',
    'EDITOR',
    'PAGER',
    'CI',
    'NODE_ENV',
    'PYTHONPATH',
    'PYTHON*',
    'VIRTUAL_ENV',
    'GITHUB_*',
    'RUNNER_*',
    'XDG_*',
    'APPDATA',
    'LOCALAPPDATA',
    'USERPROFILE',
    'COMSPEC',
    'SYSTEMROOT',
    'PROGRAMFILES',
    'WINDIR',
    'GIT_*',
    'PRE_COMMIT',
    'PYTEST_*',
    'DISPLAY',
    'SSH_*',
    'MODE',
    'BASE_URL',
    'PROD',
    'DEV',
    'SSR',
    'COLUMNS',
    'LINES',
    'NO_COLOR',
    'FORCE_COLOR',
    'DEBIAN_FRONTEND',
)

_JS_READ = re.compile(
    r'(?:process|import\.meta)\.env'
    r'(?:\??\.([A-Za-z_$][\w$]*)|\??\.?\[\s*([\'"`])([^\'"`\n]+)\2\s*\])'
)
_JS_DESTRUCTURE = re.compile(r'\{([^{}]*)\}\s*=\s*(?:process\.env|import\.meta\.env)\b')
_JS_DESTRUCTURE_GATE = re.compile(r'\}\s*=\s*(?:process|import\.meta)\.env\b')
_BRACED = re.compile(r'(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)')
_BARE = re.compile(r'(?<!\$)\$([A-Za-z_][A-Za-z0-9_]*)')
_PY_HINTS = ('environ', 'getenv', 'Settings')
_JS_HINTS = ('process.env', 'import.meta.env')
MENTIONS = (*_PY_HINTS, *_JS_HINTS)  # a file without any of these has no env read a reader finds
_IMPORT = re.compile(r'^[ \t]*import[ \t]+([^\n#;]+)', re.MULTILINE)
_FROM_OS = re.compile(r'^[ \t]*from[ \t]+os[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)', re.MULTILINE)
# `process.env.X ?? 'dev'`, `process.env.X || "dev"`: a literal used when the variable is unset
_JS_FALLBACK = re.compile(r'\s*(?:\?\?|\|\|)\s*([\'"`])([^\'"`\n]+)\1')
# where a zod / valibot / t3-env schema lists the variables as object keys
_JS_SCHEMA_OBJECT = re.compile(
    r'\b(?:object|strictObject|looseObject|passthrough)\s*\(\s*\{|\b(?:server|client|shared)\s*:\s*\{'
)
_JS_KEY = re.compile(r'(?:^|[{,\s])([\'"]?)([A-Z][A-Z0-9_]*)\1\s*:')
_ONE_READ = re.compile(
    r'(?<![\w.])(?P<module>[A-Za-z_]\w*)\.(?:getenv\(|environ(?:\.get\(|\[))'
    r'(?P<quote>[\'"])(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P=quote)[)\]]'
)
_SETTINGS_CLASS = re.compile(r'^\s*class\s+\w+\s*\([^)]*Settings\b', re.MULTILINE)


@dataclasses.dataclass(frozen=True, slots=True)
class Usage:
    name: str
    path: str
    line: int
    kind: str  # 'python', 'settings', 'js', 'compose', 'shell', 'workflow'
    strong: bool = True
    case_sensitive: bool = True
    alternatives: tuple[str, ...] = ()  # other names that satisfy the read (AliasChoices)
    default: bool = False  # the code supplies a non-empty literal when the variable is unset
    documented: bool = False  # Field(description=...) says what it is

    def matches(self, key: str) -> bool:
        names = (self.name, *self.alternatives)
        return key in names if self.case_sensitive else key.upper() in {n.upper() for n in names}


@dataclasses.dataclass(frozen=True)
class Usages:
    found: tuple[Usage, ...]
    code_files: tuple[str, ...]  # every file read for usages, found or not


def collect(ws: Workspace) -> Usages:
    excluded = _excluder(ws.env.exclude)
    found: list[Usage] = []
    code_files = []
    # Python and JS files are read only when git grep finds a word their readers look for
    # (each reader returns nothing without one): most of a large tree is never opened.
    mentions = git.grep_files(ws.root, MENTIONS) if ws.git_top is not None else None
    for path in ws.files:
        reader = reader_for(path)
        if reader is None or excluded(path):
            continue
        if mentions is not None and reader in (python_usages, js_usages) and path not in mentions:
            code_files.append(path)
            continue
        data = ws.read(path, MAX_CODE_FILE, keep=False)
        text = decode_text(data) if data is not None else None
        if text is None:
            continue
        code_files.append(path)
        found.extend(reader(text, path))
    return Usages(tuple(found), tuple(code_files))


def reader_for(path: str) -> Callable[[str, str], list[Usage]] | None:
    name = path.rsplit('/', 1)[-1]
    if name.endswith(('.py', '.pyi')):
        return python_usages
    if name.endswith(JS_EXTENSIONS):
        return js_usages
    if COMPOSE_NAME.fullmatch(name):
        return compose_usages
    if name.endswith(SHELL_EXTENSIONS):
        return shell_usages
    if path.startswith('.github/workflows/') and name.endswith(('.yml', '.yaml')):
        return workflow_usages
    return None


def is_platform_key(name: str, extra: Iterable[str] = ()) -> bool:
    return _platform_regex(tuple(extra)).match(name) is not None


@functools.cache
def _platform_regex(extra: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile('|'.join(fnmatch.translate(p) for p in (*PLATFORM_KEYS, *extra)))


# --- Python -----------------------------------------------------------------------------------


def python_usages(text: str, path: str) -> list[Usage]:
    """Reads of os.environ / os.getenv, and pydantic-settings fields.

    Parsing a whole module costs about a millisecond, which thousands of files cannot afford:
    environ reads are parsed statement by statement around each mention (comments and other
    code fall away as the parser sees them), and only a module that declares a settings class,
    or whose mentions do not parse alone, is parsed whole.
    """
    if not any(hint in text for hint in _PY_HINTS):
        return []
    names = os_names(text)
    whole = 'Settings' in text and _SETTINGS_CLASS.search(text) is not None  # the `in`: ~100x cheaper
    usages: list[Usage] = []
    if not whole:
        found = _statement_reads(text, path, names)
        if found is None:
            whole = True
        else:
            usages = found
    if whole:
        tree = _parse(text)
        if tree is None:
            return []
        usages = list(_environ_reads(tree, path, names))
        usages += _settings_fields(tree, path)
    return usages


@dataclasses.dataclass(frozen=True)
class OsNames:
    """What the module binds from `os`: only these are the process environment (a WSGI
    `environ` parameter, or `config.getenv`, is not)."""

    modules: frozenset[str] = frozenset({'os'})
    environ: frozenset[str] = frozenset()
    getenv: frozenset[str] = frozenset()


_PLAIN_OS = OsNames()


def os_names(text: str) -> OsNames:
    if 'from os' not in text and 'os as' not in text:
        return _PLAIN_OS  # `import os` at most: only os.environ and os.getenv
    modules, environ, getenv = set(), set(), set()
    for match in _IMPORT.finditer(text):
        for item in match.group(1).split(','):
            parts = item.split()
            if parts and (parts[0] == 'os' or parts[0].startswith('os.')):
                modules.add(parts[2] if len(parts) == 3 and parts[1] == 'as' else 'os')
    for match in _FROM_OS.finditer(text):
        for item in match.group(1).strip('()').split(','):
            parts = item.split()
            if not parts:
                continue
            bound = parts[2] if len(parts) == 3 and parts[1] == 'as' else parts[0]
            if parts[0] in ('environ', 'environb'):
                environ.add(bound)
            elif parts[0] in ('getenv', 'getenvb'):
                getenv.add(bound)
    return OsNames(frozenset(modules or {'os'}), frozenset(environ), frozenset(getenv))


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _statement_reads(text: str, path: str, names: OsNames) -> list[Usage] | None:
    """Environ reads from the lines that mention them, or None if one of them does not parse
    on its own (a multi-line expression): the caller then parses the module."""
    lines = text.split('\n')
    index = _Lines(text)
    out: list[Usage] = []
    seen: set[int] = set()
    for offset in _offsets(text, ('getenv', 'environ')):
        number = index.at(offset) - 1
        if number in seen:
            continue
        seen.add(number)
        simple = _simple_read(lines[number], names)
        if simple is not None:
            out.append(Usage(simple, path, number + 1, 'python'))
            continue
        tree = _parse_line(lines[number].strip())
        if tree is None:
            return None
        out += [dataclasses.replace(u, line=number + 1) for u in _environ_reads(tree, path, names)]
    return out


def _simple_read(line: str, names: OsNames) -> str | None:
    """The name read by a line holding one plain read and nothing the parser must judge:
    `X = os.getenv("NAME")`, `os.environ["NAME"]`, `os.environ.get("NAME")` without a default,
    no quote or comment before it, no second mention. Compiling each line costs far more."""
    match = _ONE_READ.search(line)
    if match is None or match.group('module') not in names.modules:
        return None
    before = line[: match.start()]
    if any(c in before for c in '\'"#\\') or line.count('getenv') + line.count('environ') != 1:
        return None
    return match.group('name')


def _offsets(text: str, words: Iterable[str]) -> list[int]:
    """Where the words occur, in order. str.find skips ahead in C; a regex alternation of
    words is tried at every offset (~40 ns a character, most of a small file's cost)."""
    out = []
    for word in words:
        start = text.find(word)
        while start != -1:
            out.append(start)
            start = text.find(word, start + 1)
    return sorted(out)


def _parse_line(line: str) -> ast.Module | None:
    """One source line as a statement: a block header gets a body, `elif` becomes `if`."""
    if line.startswith('#'):
        return ast.Module(body=[], type_ignores=[])
    for candidate in (line, line + ' pass', re.sub(r'^(?:elif|while)\b', 'if', line) + ' pass'):
        tree = _parse(candidate)
        if tree is not None:
            return tree
    return None


def _environ_reads(tree: ast.AST, path: str, names: OsNames) -> Iterator[Usage]:
    for node in ast.walk(tree):
        name = None
        default = False
        if isinstance(node, ast.Call):
            name = _call_read(node, names)
            default = name is not None and _literal_default(node)
        elif isinstance(node, ast.Subscript) and _is_environ(node.value, names):
            name = _literal(node.slice)
        elif (
            isinstance(node, ast.Compare)
            and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
            and _is_environ(node.comparators[0], names)
        ):
            name = _literal(node.left)
        if name and isinstance(node, ast.expr):
            yield Usage(name, path, node.lineno, 'python', default=default)


def _call_read(node: ast.Call, names: OsNames) -> str | None:
    func = node.func
    if not node.args:
        return None
    if isinstance(func, ast.Name) and func.id in names.getenv:
        return _literal(node.args[0])
    if isinstance(func, ast.Attribute):
        if func.attr in ('getenv', 'getenvb') and isinstance(func.value, ast.Name) and func.value.id in names.modules:
            return _literal(node.args[0])
        if func.attr in ('get', 'pop', 'setdefault') and _is_environ(func.value, names):
            return _literal(node.args[0])
    return None


def _literal_default(node: ast.Call) -> bool:
    """`getenv(NAME, "dev")`, `environ.get(NAME, default="dev")`: a non-empty literal fallback."""
    fallback = (
        node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == 'default'), None)
    )
    return fallback is not None and bool(_literal(fallback))


def _is_environ(node: ast.AST, names: OsNames) -> bool:
    if isinstance(node, ast.Name):
        return node.id in names.environ
    return (
        isinstance(node, ast.Attribute)
        and node.attr in ('environ', 'environb')
        and isinstance(node.value, ast.Name)
        and node.value.id in names.modules
    )


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


@dataclasses.dataclass(frozen=True)
class _SettingsConfig:
    prefix: str = ''
    case_sensitive: bool = False


def _settings_fields(tree: ast.AST, path: str) -> list[Usage]:
    """Fields of pydantic-settings classes: env_prefix + name, or the alias, with case rules."""
    classes = sorted((n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)), key=lambda n: n.lineno)
    settings: dict[str, _SettingsConfig] = {}
    out: list[Usage] = []
    for cls in classes:
        inherited = [settings[b] for b in map(_base_name, cls.bases) if b in settings]
        if not inherited and 'BaseSettings' not in map(_base_name, cls.bases):
            continue
        config = _class_config(cls, inherited[0] if inherited else _SettingsConfig())
        settings[cls.name] = config
        out.extend(_field_usages(cls, config, path))
    return out


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return _base_name(node.value)
    return ''


def _class_config(cls: ast.ClassDef, config: _SettingsConfig) -> _SettingsConfig:
    values: dict[str, object] = {}
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign | ast.AnnAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == 'model_config' for t in targets) and stmt.value:
                values.update(_config_values(stmt.value))
        elif isinstance(stmt, ast.ClassDef) and stmt.name == 'Config':  # pydantic v1 style
            for inner in stmt.body:
                if isinstance(inner, ast.Assign) and isinstance(inner.targets[0], ast.Name):
                    values[inner.targets[0].id] = _constant(inner.value)
    prefix = values.get('env_prefix', config.prefix)
    case = values.get('case_sensitive', config.case_sensitive)
    return _SettingsConfig(
        prefix if isinstance(prefix, str) else config.prefix, case if isinstance(case, bool) else config.case_sensitive
    )


def _config_values(node: ast.expr) -> dict[str, object]:
    if isinstance(node, ast.Call):
        return {k.arg: _constant(k.value) for k in node.keywords if k.arg}
    if isinstance(node, ast.Dict):
        return {
            _constant(k): _constant(v)  # type: ignore[misc]
            for k, v in zip(node.keys, node.values, strict=True)
            if k is not None and isinstance(_constant(k), str)
        }
    return {}


def _constant(node: ast.AST) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def _field_usages(cls: ast.ClassDef, config: _SettingsConfig, path: str) -> Iterator[Usage]:
    for stmt in cls.body:
        if not isinstance(stmt, ast.AnnAssign) or not isinstance(stmt.target, ast.Name):
            continue
        field = stmt.target.id
        if field.startswith('_') or field == 'model_config' or 'ClassVar' in ast.unparse(stmt.annotation):
            continue
        aliases = _aliases(stmt.value) if stmt.value is not None else []
        names = [n if config.case_sensitive else n.upper() for n in aliases or [config.prefix + field]]
        default, documented = _field_default(stmt.value)
        yield Usage(
            names[0],
            path,
            stmt.lineno,
            'settings',
            True,
            config.case_sensitive,
            tuple(names[1:]),
            default=default,
            documented=documented,
        )


def _field_default(value: ast.expr | None) -> tuple[bool, bool]:
    """(a non-empty literal string default, a literal description) of `= "x"` or `Field(...)`."""
    if value is None:
        return False, False
    if isinstance(value, ast.Call) and _base_name(value.func) == 'Field':
        keywords = {k.arg: k.value for k in value.keywords if k.arg}
        default = value.args[0] if value.args else keywords.get('default')
        description = keywords.get('description')
        return (
            default is not None and bool(_literal(default)),
            description is not None and bool(_literal(description)),
        )
    return bool(_literal(value)), False


def _aliases(value: ast.expr) -> list[str]:
    """Env names from Field(validation_alias=…, alias=…, env=…); AliasChoices gives several."""
    if not isinstance(value, ast.Call):
        return []
    keywords = {k.arg: k.value for k in value.keywords if k.arg}
    for key in ('validation_alias', 'alias', 'env'):
        node = keywords.get(key)
        if node is None:
            continue
        if isinstance(node, ast.Call) and _base_name(node.func) in ('AliasChoices', 'AliasPath'):
            args = node.args if _base_name(node.func) == 'AliasChoices' else node.args[:1]
            return [v for v in map(_alias_choice, args) if v]
        if isinstance(node, ast.List | ast.Tuple):
            return [v for v in map(_literal, node.elts) if v]
        literal = _literal(node)
        if literal:
            return [literal]
    return []


def _alias_choice(node: ast.expr) -> str | None:
    if isinstance(node, ast.Call) and _base_name(node.func) == 'AliasPath' and node.args:
        return _literal(node.args[0])
    return _literal(node)


# --- JavaScript / TypeScript ------------------------------------------------------------------


def js_usages(text: str, path: str) -> list[Usage]:
    if not any(hint in text for hint in _JS_HINTS):
        return []
    lines = _Lines(text)
    reads = [m for offset in _offsets(text, _JS_HINTS) if (m := _JS_READ.match(text, offset))]
    out = [
        Usage(
            m.group(1) or m.group(3), path, lines.at(m.start()), 'js', default=bool(_JS_FALLBACK.match(text, m.end()))
        )
        for m in reads
    ]
    if 'createEnv' in text or _passes_whole_env(text):
        out += [Usage(name, path, lines.at(offset), 'js') for name, offset in schema_keys(text)]
    destructures = _JS_DESTRUCTURE_GATE.search(text) is not None  # a literal-led regex: a fast scan
    for match in _JS_DESTRUCTURE.finditer(text) if destructures else ():
        for part in match.group(1).split(','):
            name = part.split(':')[0].split('=')[0].strip()
            if re.fullmatch(r'[A-Za-z_$][\w$]*', name):
                out.append(Usage(name, path, lines.at(match.start()), 'js'))
    return out


def _passes_whole_env(text: str) -> bool:
    """`f(process.env)`, `parse(schema, import.meta.env)`: the whole environment as an argument
    (found by str.find: a regex tried at every offset costs ~100 µs a file)."""
    for hint in _JS_HINTS:
        start = text.find(hint)
        while start != -1:
            after = text[start + len(hint) :].lstrip()
            before = text[:start].rstrip()
            if after.startswith(')') and before.endswith(('(', ',')):
                return True
            start = text.find(hint, start + 1)
    return False


def schema_keys(text: str) -> Iterator[tuple[str, int]]:
    """Env-shaped keys of the object literals a zod / valibot / t3-env schema declares, with
    their offsets: the variables `schema.parse(process.env)` reads."""
    for match in _JS_SCHEMA_OBJECT.finditer(text):
        start = match.end() - 1
        flat = _top_level(text, start)
        for key in _JS_KEY.finditer(flat):
            yield key.group(2), start + key.start(2)


def _top_level(text: str, start: int) -> str:
    """The object literal opening at `start`, with nested brackets and strings blanked out
    (same length, so offsets still hold)."""
    depth = 0
    quote = ''
    out = []
    for i in range(start, min(len(text), start + 20000)):
        c = text[i]
        if quote:
            out.append(' ')
            if c == quote and text[i - 1] != '\\':
                quote = ''
            continue
        if c in '\'"`':
            quote = c
            out.append(' ')
            continue
        if c in '{([':
            depth += 1
        elif c in '})]':
            depth -= 1
            if depth == 0:
                break
        out.append(c if depth == 1 else ' ')
    return ''.join(out)


# --- docker-compose, shell, workflows ---------------------------------------------------------


def compose_usages(text: str, path: str) -> list[Usage]:
    """Compose interpolates `${X}` and `$X` from the .env beside it (`$$` escapes)."""
    lines = _Lines(text)
    out = []
    for regex in (_BRACED, _BARE):
        out += [
            Usage(m.group(1), path, lines.at(m.start()), 'compose')
            for m in regex.finditer(text)
            if not _in_comment(text, m.start())
        ]
    return out


def shell_usages(text: str, path: str) -> list[Usage]:
    lines = _Lines(text)
    return [
        Usage(m.group(1), path, lines.at(m.start()), 'shell', strong=False)
        for m in _BRACED.finditer(text)
        if m.group(1).isupper() and not _in_comment(text, m.start())
    ]


def workflow_usages(text: str, path: str) -> list[Usage]:
    """Keys of every `env:` mapping (workflow, job, step): they feed the app in CI."""
    from guard import yamlio
    from guard.errors import ConfigError

    try:
        data = yamlio.load(text, path)
    except ConfigError:
        return []
    lines = _Lines(text)
    out = []
    for name in _env_keys(data):
        match = re.search(rf'^\s*{re.escape(name)}\s*:', text, re.MULTILINE)
        out.append(Usage(name, path, lines.at(match.start()) if match else 1, 'workflow', strong=False))
    return out


def _env_keys(data: object) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key == 'env' and isinstance(value, dict):
                yield from (str(k) for k in value)
            else:
                yield from _env_keys(value)
    elif isinstance(data, list):
        for item in data:
            yield from _env_keys(item)


def _in_comment(text: str, offset: int) -> bool:
    start = text.rfind('\n', 0, offset) + 1
    return text[start:offset].lstrip().startswith('#')


class _Lines:
    """Line numbers of offsets: counted directly for the first few, indexed after that."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.calls = 0
        self.newlines: list[int] | None = None

    def at(self, offset: int) -> int:
        self.calls += 1
        if self.newlines is None:
            if self.calls <= 8:
                return self.text.count('\n', 0, offset) + 1
            self.newlines = [m.start() for m in re.finditer('\n', self.text)]
        return bisect.bisect_left(self.newlines, offset) + 1


def _excluder(globs: Iterable[str]) -> Callable[[str], bool]:
    regexes = [re.compile(glob_to_regex(g)) for g in globs]
    return lambda path: any(r.match(path) for r in regexes)
