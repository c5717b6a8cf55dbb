"""The only module that runs git. Output is read NUL-separated and decoded safely."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading  # subprocess imports it: no cost
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, NamedTuple

from guard.brief import clip
from guard.errors import GitError, UnsafeRepositoryError

NOT_A_REPO = 'not a git repository'


def run(
    args: list[str],
    cwd: Path | str | None = None,
    *,
    stdin: bytes | None = None,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run git with `args` (`env`: variables to set on top of ours); a missing git or a failing
    command raises GitError."""
    try:
        proc = subprocess.run(
            ['git', *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            check=False,
            env={**os.environ, **env} if env else None,
        )
    except FileNotFoundError:
        raise GitError('git is not installed or not on PATH: install git, or pass files to scan') from None
    if proc.returncode != 0:
        refuse_unsafe(proc.stderr)
    if check and proc.returncode != 0:
        raise GitError(f'git {args[0]} failed: {said(proc.stderr) or proc.returncode}')
    return proc


def refuse_unsafe(stderr: bytes) -> None:
    """Stop (exit 2) when git refused the repository as owned by someone else: callers that
    read a failure as "not a repository" or "no commits" would otherwise fail open."""
    if b'dubious ownership' not in stderr:
        return
    found = re.search(rb"repository at '([^\n]*)'", stderr)
    where = decode(found.group(1)) if found else os.getcwd()
    raise UnsafeRepositoryError(
        f'git refuses to work in {where}: it is owned by another user (dubious ownership). '
        f'If you trust it, run `git config --global --add safe.directory {where}` and try again'
    )


def decode(data: bytes) -> str:
    """Bytes from git (paths, diffs) as text; undecodable bytes are kept as surrogates."""
    return data.decode('utf-8', 'surrogateescape')


def decode_lossy(data: bytes) -> str:
    """Bytes from git that are content, not names (commit messages, authors): undecodable
    bytes become U+FFFD, since text with lone surrogates cannot be matched, stored or written."""
    return data.decode('utf-8', 'replace')


def split_nul(data: bytes) -> list[str]:
    return [decode(item) for item in data.split(b'\0') if item]


def is_not_a_repo(proc: subprocess.CompletedProcess[bytes]) -> bool:
    return proc.returncode != 0 and NOT_A_REPO in decode(proc.stderr).lower()


def listed_files(directory: Path, *, unopened: list[str] | None = None) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files below `directory`, relative to it;
    None when `directory` is not inside a git work tree (or git is missing). Directories
    git could not open (it warns and goes on) are added to `unopened`, relative to it too."""
    try:
        proc = run(
            [
                '-C',
                os.fspath(directory),
                'ls-files',
                '-z',
                '--cached',
                '--others',
                '--exclude-standard',
                '--deduplicate',
            ],
            check=False,
            env=_UNTRANSLATED,  # its warnings are parsed
        )
    except UnsafeRepositoryError:
        raise
    except GitError:
        return None
    if proc.returncode != 0:
        if is_not_a_repo(proc) or b'outside repository' in proc.stderr:
            return None
        raise GitError(f'git ls-files failed in {directory}: {said(proc.stderr)}')
    if unopened is not None and proc.stderr:
        unopened += [decode(m) for m in _UNOPENED.findall(proc.stderr)]
    return split_nul(proc.stdout)


_UNTRANSLATED = {'LC_ALL': 'C', 'LANGUAGE': 'C'}
_UNOPENED = re.compile(rb"could not open directory '(.*?)': ", re.MULTILINE)


# ---- git sources: staged changes, commit ranges, history ------------------------------------

# Options that pin the patch format whatever the user's config says (diff.noprefix,
# diff.mnemonicPrefix, diff.relative, diff.external, color.diff, diff.submodule=log).
# --text: `.gitattributes` (`* -diff`, `binary`) would otherwise turn any file into
# "Binary files differ"; guard/diff.py decides binary-ness by content instead.
PATCH_OPTIONS = (
    '-U0',
    '--text',
    '--no-color',
    '--no-ext-diff',
    '--no-textconv',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    '--no-relative',
    '--submodule=short',
)
COMMIT_MARK = b'\0guard-commit\0'
# One record per commit: sha, author, ISO date, message, then its patch (log.showSignature off,
# --root so root commits show their files even with log.showRoot=false, --irreversible-delete
# so a deleted file is its header alone: its removed lines are nothing to scan, only cost).
LOG_OPTIONS = (
    '--format=%x00guard-commit%x00%H%x00%an <%ae>%x00%aI%x00%B%x00',
    '--no-show-signature',
    '--root',
    '--irreversible-delete',
    *PATCH_OPTIONS,
)
READ_SIZE = 1 << 20
ZERO_OIDS = frozenset({'0' * 40, '0' * 64})


@contextlib.contextmanager
def staged_patch(paths: Sequence[str] = ()) -> Iterator[IO[bytes]]:
    """What the next commit adds, against HEAD or (first commit) everything staged, streamed
    (read it with patch_sections: one file's patch in memory at a time).

    Runs in the caller's environment, so GIT_INDEX_FILE set by `git commit -a` or
    `git commit <paths>` is honoured: the index is read only through git."""
    args = ['--literal-pathspecs', '--no-optional-locks', 'diff', '--cached', *PATCH_OPTIONS, '--diff-filter=d']
    if paths:
        args += ['--', *paths]
    try:
        proc = subprocess.Popen(
            ['git', *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except FileNotFoundError:
        raise GitError('git is not installed or not on PATH: install git, or pass files to scan') from None
    assert proc.stdout is not None and proc.stderr is not None
    errors: list[bytes] = []
    drain = threading.Thread(target=_drain, args=(proc.stderr, errors), daemon=True)  # a full stderr pipe stalls git
    drain.start()
    finished = False
    try:
        yield proc.stdout
        finished = True
    finally:
        code = _reap(proc, drain, stopped_early=not finished)
    if code != 0:
        raise not_a_repo_or(subprocess.CompletedProcess(proc.args, code, b'', b''.join(errors)), 'git diff --cached')


def _drain(stderr: IO[bytes], errors: list[bytes]) -> None:
    with contextlib.suppress(OSError, ValueError):
        errors.append(stderr.read())


def _reap(proc: subprocess.Popen[bytes], helper: threading.Thread, *, stopped_early: bool) -> int:
    """A streamed git's end: killed if its reader stopped early, waited for, its pipe thread joined."""
    if stopped_early:
        proc.kill()
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    code = proc.wait()
    helper.join()
    proc.stderr.close()
    return code


def staged_names(paths: Sequence[str]) -> set[str]:
    """Which of `paths` (relative to the current directory) the index changes, named the same
    way; through git, so a hook's GIT_INDEX_FILE is honoured."""
    args = [
        '--literal-pathspecs',
        '--no-optional-locks',
        'diff',
        '--cached',
        '--name-only',
        '-z',
        '--relative',
        '--',
        *paths,
    ]
    proc = run(args, check=False)
    if proc.returncode != 0:
        raise not_a_repo_or(proc, 'git diff --cached')
    return set(split_nul(proc.stdout))


def not_a_repo_or(proc: subprocess.CompletedProcess[bytes], what: str) -> GitError:
    refuse_unsafe(proc.stderr)
    # outside a repository `git diff` turns into `diff --no-index` and complains about options
    if is_not_a_repo(proc) or is_not_a_repo(run(['rev-parse', '--git-dir'], check=False)):
        return GitError('not a git repository: run guard inside one, or scan files with `guard scan PATH`')
    return GitError(f'{clip(what)} failed: {said(proc.stderr) or proc.returncode}')


def rev_parse(rev: str) -> str | None:
    """The commit `rev` names, or None when it does not resolve to a commit here."""
    proc = run(['rev-parse', '--verify', '--quiet', '--end-of-options', f'{rev}^{{commit}}'], check=False)
    if proc.returncode != 0:
        if is_not_a_repo(proc):
            raise not_a_repo_or(proc, 'git rev-parse')
        return None
    return decode(proc.stdout).strip()


def has_commit(oid: str) -> bool:
    return run(['cat-file', '-e', f'{oid}^{{commit}}'], check=False).returncode == 0


def is_shallow() -> bool:
    proc = run(['rev-parse', '--is-shallow-repository'], check=False)
    return decode(proc.stdout).strip() == 'true'


def shallow_boundary() -> frozenset[str]:
    """Commits whose parents this shallow clone lacks (they look like roots)."""
    path = Path(git_dir()) / 'shallow'
    try:
        return frozenset(path.read_text().split())
    except OSError:
        return frozenset()


def git_dir() -> str:
    return decode(run(['rev-parse', '--absolute-git-dir']).stdout).strip()


def common_dir() -> Path:
    """The directory shared by all worktrees (.git of the main one)."""
    out = decode(run(['rev-parse', '--git-common-dir']).stdout).strip()
    return Path(out).resolve()


def repo_state() -> tuple[Path, bool]:
    """(common dir, whether this is a shallow clone) in one git call."""
    proc = run(['rev-parse', '--git-common-dir', '--is-shallow-repository'], check=False)
    if proc.returncode != 0:
        raise not_a_repo_or(proc, 'git rev-parse')
    lines = decode(proc.stdout).splitlines()
    return Path(lines[0]).resolve(), lines[-1].strip() == 'true'


def rev_list_later(args: Sequence[str]) -> Callable[[], list[str]]:
    """`git rev-list <args>`, started now and read when called (as ref_count): scan-history
    lists its commits while Python imports the scanner (~30 ms on the 6,000-commit bench,
    a tenth of `git log -p`'s time)."""
    try:
        started = subprocess.Popen(
            ['git', 'rev-list', *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except OSError:
        return lambda: rev_list(args)
    assert started.stdout is not None
    _widen_pipe(started.stdout)  # the listing is written whole, not stalled at 64 KB

    def commits() -> list[str]:
        out, err = started.communicate()
        return _listed(subprocess.CompletedProcess(started.args, started.returncode, out, err), args)

    return commits


def rev_list(args: Sequence[str]) -> list[str]:
    return _listed(run(['rev-list', *args], check=False), args)


def _listed(proc: subprocess.CompletedProcess[bytes], args: Sequence[str]) -> list[str]:
    if proc.returncode != 0:
        raise not_a_repo_or(proc, f'git rev-list {" ".join(args)}')
    return decode(proc.stdout).split()


def remotes() -> list[str]:
    return decode(run(['remote']).stdout).split()


def ref_count(args: Sequence[str]) -> Callable[[], int]:
    """How many refs `git rev-list <args>` starts from (for the receipt): git starts
    counting now, the answer is read when called, so the count costs no wall time."""
    if '--all' not in args:
        named = len([a for a in args if not a.startswith('-')])
        return lambda: named
    proc = subprocess.Popen(
        ['git', 'for-each-ref', '--format=x'],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )

    def count() -> int:
        out, _ = proc.communicate()
        return len(out.split()) or (1 if rev_parse('HEAD') else 0)

    return count


def ref_tips() -> list[tuple[str, str]]:
    """(ref name, commit) of every ref; annotated tags peeled to their commit, refs naming
    no commit (a tag of a tree) left out."""
    fmt = '%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)'
    tips = []
    for line in decode(run(['for-each-ref', f'--format={fmt}']).stdout).splitlines():
        name, kind, oid, peeled_kind, peeled = (line.split('\0') + [''] * 5)[:5]
        if kind == 'commit':
            tips.append((name, oid))
        elif peeled_kind == 'commit':
            tips.append((name, peeled))
    return tips


def symbolic_ref(name: str) -> str | None:
    """The ref `name` points at (HEAD -> refs/heads/main), None when detached or missing."""
    proc = run(['symbolic-ref', '-q', name], check=False)
    return decode(proc.stdout).strip() or None if proc.returncode == 0 else None


def author_times(args: Sequence[str]) -> Callable[[], list[int]]:
    """The author time (Unix seconds) of each commit `git rev-list <args>` lists: git
    starts now, the answer is read when called (as ref_count), so other work overlaps it."""
    proc = subprocess.Popen(
        ['git', 'log', '--format=%at', *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
    )

    def times() -> list[int]:
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise not_a_repo_or(subprocess.CompletedProcess(proc.args, proc.returncode, out, err), 'git log')
        return [int(t) for t in decode(out).split() if t.isdigit()]

    return times


@contextlib.contextmanager
def log_stream(commits: Sequence[str]) -> Iterator[IO[bytes]]:
    """`git log -p` records (see LOG_OPTIONS) for exactly `commits`, in their order, streamed."""
    args = ['git', 'log', '-p', *LOG_OPTIONS, '--no-walk=unsorted', '--stdin']
    # GIT_FLUSH=0: git fills its stdio buffer before writing; on a pipe it would write (and
    # wake this reader) once per commit: 5,000 reads of ~1.4 KB for the 6,000-commit bench
    # log, ~40 ms more CPU on both sides
    proc = subprocess.Popen(
        args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, 'GIT_FLUSH': '0'},
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    _widen_pipe(proc.stdout)
    errors: list[bytes] = []
    # one thread writes the commit list, then drains stderr (a full stderr pipe would stall git)
    helper = threading.Thread(
        target=_feed, args=(proc.stdin, ''.join(f'{c}\n' for c in commits).encode(), proc.stderr, errors), daemon=True
    )
    helper.start()
    finished = False
    try:
        yield proc.stdout
        finished = True
    finally:
        code = _reap(proc, helper, stopped_early=not finished)
    if code != 0:
        refuse_unsafe(b''.join(errors))
        raise GitError(f'git log failed: {decode(b"".join(errors)).strip() or code}')


def _widen_pipe(pipe: IO[bytes]) -> None:
    """A 1 MB pipe (Linux; 64 KB by default) lets git run ahead while the reader parses."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, READ_SIZE)


def _feed(pipe: IO[bytes], data: bytes, stderr: IO[bytes], errors: list[bytes]) -> None:
    with contextlib.suppress(BrokenPipeError, OSError):
        pipe.write(data)
    with contextlib.suppress(BrokenPipeError, OSError):
        pipe.close()
    with contextlib.suppress(OSError, ValueError):
        errors.append(stderr.read())


def commit_records(out: IO[bytes]) -> Iterator[bytes]:
    """Split a log stream into one bytes record per commit without holding more than one
    commit (plus a read buffer) in memory, however long the history. No reference to a
    record stays here once it is yielded: the caller's dropping it frees it."""
    return _split(out, COMMIT_MARK, drop_marker=True)


def patch_sections(out: IO[bytes]) -> Iterator[bytes]:
    """Split a patch stream into one section per file (each from its `diff --git ` line; the
    first may be a preamble), holding no more than one file's patch (plus a read buffer)."""
    return _split(out, b'\ndiff --git ', drop_marker=False)


def _split(out: IO[bytes], mark: bytes, *, drop_marker: bool) -> Iterator[bytes]:
    """The pieces of a stream between occurrences of `mark` (a section mark keeps its text
    after the leading newline, which ends the piece before), empty ones left out."""
    keep = len(mark) - 1
    cut = len(mark) if drop_marker else 1
    parts: list[bytes] = []
    # read1: what the pipe holds now (up to READ_SIZE), so this parses while git writes on;
    # read() would wait for a full READ_SIZE and leave git blocked on a full pipe meanwhile
    read = getattr(out, 'read1', out.read)
    while chunk := read(READ_SIZE):
        if parts:  # a marker may straddle two reads
            last = parts[-1]
            chunk, parts[-1] = last[-keep:] + chunk, last[:-keep]
        pos = 0
        while (i := chunk.find(mark, pos)) >= 0:
            parts.append(chunk[pos : i + (0 if drop_marker else 1)])
            if any(parts):
                yield _taken(parts)
            parts.clear()
            pos = i + cut
        parts.append(chunk[pos:])
    if any(parts):
        yield _taken(parts)


def _taken(parts: list[bytes]) -> bytes:
    """The parts joined and the list emptied (so no frame keeps the pieces alive)."""
    joined = b''.join(parts)
    parts.clear()
    return joined


def record_ends(record: bytes) -> tuple[int, int, int, int]:
    """Where the sha, author, date and message of a commit record end (their NULs)."""
    sha = record.index(b'\0')
    author = record.index(b'\0', sha + 1)
    date = record.index(b'\0', author + 1)
    return sha, author, date, record.index(b'\0', date + 1)


def record_fields(record: bytes) -> tuple[str, str, str, str, int]:
    """(sha, author, date, message, where the patch starts) of one commit record: the
    patch is left in the record, not copied out."""
    sha, author, date, message = record_ends(record)
    start = message + 1
    while record[start : start + 1] == b'\n':
        start += 1
    return (
        decode(record[:sha]),
        decode_lossy(record[sha + 1 : author]),
        decode(record[author + 1 : date]),
        decode_lossy(record[date + 1 : message]),
        start,
    )


def blob_ids(specs: Sequence[str]) -> dict[str, str | None]:
    """The blob each `<rev>:<path>` names (None when missing or not a blob), in one
    `git cat-file --batch-check`: no contents read."""
    usable = [s for s in specs if '\n' not in s]
    result: dict[str, str | None] = dict.fromkeys(specs)
    if not usable:
        return result
    query = ''.join(f'{s}\n' for s in usable).encode('utf-8', 'surrogateescape')
    lines = decode(run(['cat-file', '--batch-check'], stdin=query).stdout).splitlines()
    for spec, line in zip(usable, lines, strict=False):
        fields = line.split()  # `<oid> <type> <size>`, or `<spec> missing` (a spec may hold spaces)
        if len(fields) == 3 and fields[1] == 'blob' and fields[2].isdigit():
            result[spec] = fields[0]
    return result


def cat_files(specs: Sequence[str]) -> dict[str, bytes | None]:
    """Contents of `<rev>:<path>` objects in one `git cat-file --batch`; None when missing.
    Specs holding a newline cannot go through --batch and are reported missing."""
    usable = [s for s in specs if '\n' not in s]
    result: dict[str, bytes | None] = dict.fromkeys(specs)
    if not usable:
        return result
    proc = run(['cat-file', '--batch'], stdin=''.join(f'{s}\n' for s in usable).encode('utf-8', 'surrogateescape'))
    data, pos = proc.stdout, 0
    for spec in usable:
        end = data.index(b'\n', pos)
        line = data[pos:end]
        pos = end + 1
        header = line.split()
        if line.endswith((b' missing', b' ambiguous')) or len(header) != 3 or not header[2].isdigit():
            continue
        size = int(header[2])
        if header[1] == b'blob':
            result[spec] = data[pos : pos + size]
        pos += size + 1
    return result


# ---- hooks, own secrets and CI (guard install, guard.own_secrets, guard ci) ----


def tracked(names: list[str], cwd: Path) -> set[str]:
    """Which of `names` (relative to `cwd`) are tracked; empty outside a repository."""
    proc = run(['--literal-pathspecs', 'ls-files', '-z', '--cached', '--', *names], cwd=cwd, check=False)
    return set(split_nul(proc.stdout)) if proc.returncode == 0 else set()


def hooks_dir(cwd: Path | None = None) -> Path:
    """Where git looks for hooks (core.hooksPath honoured), absolute."""
    proc = run(['rev-parse', '--git-path', 'hooks'], cwd=cwd, check=False)
    if proc.returncode != 0:
        raise GitError(f'not a git repository ({said(proc.stderr)}): run this inside one')
    path = Path(decode(proc.stdout).strip())
    return path if path.is_absolute() else (Path(cwd or Path.cwd()) / path).resolve()


def config_get(key: str, cwd: Path | None = None, *, local: bool = False) -> str | None:
    """A config value as git resolves it, or only this repository's own (`local`)."""
    proc = run(['config', *(['--local'] if local else []), '--get', key], cwd=cwd, check=False)
    return decode(proc.stdout).strip() if proc.returncode == 0 else None


def config_set_local(key: str, value: str | None, cwd: Path | None = None) -> None:
    """Set (or, with None, unset) a value in this repository's own config."""
    if value is not None:
        run(['config', '--local', key, value], cwd=cwd)
        return
    proc = run(['config', '--local', '--unset', key], cwd=cwd, check=False)
    if proc.returncode not in (0, 5):  # 5: it was not set
        raise GitError(f'git config --unset {key} failed: {said(proc.stderr)}')


def fetch(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """`git fetch` (only CI calls this, to deepen a shallow checkout); never raises."""
    return run(['fetch', '--no-tags', '--quiet', *args], cwd=cwd, check=False)


def merge_base(a: str, b: str) -> str | None:
    proc = run(['merge-base', a, b], check=False)
    return decode(proc.stdout).strip() or None if proc.returncode == 0 else None


def toplevel(directory: Path | str) -> Path | None:
    """The work-tree top holding `directory`, or None outside a work tree (or without git)."""
    try:
        proc = run(['-C', os.fspath(directory), 'rev-parse', '--show-toplevel'], check=False)
    except UnsafeRepositoryError:
        raise
    except GitError:
        return None
    if proc.returncode != 0:
        return None
    return Path(decode(proc.stdout).rstrip('\n'))


class IgnoreMatch(NamedTuple):
    """The exclude pattern that decides a path, as `git check-ignore -v` reports it (a NamedTuple:
    the pre-commit hook imports this module, and a frozen dataclass costs ~0.5 ms to define)."""

    source: str  # '.gitignore', 'backend/.gitignore', '.git/info/exclude', a global file
    line: int
    pattern: str  # as written, with its leading '!' for a negation

    @property
    def ignored(self) -> bool:
        return not self.pattern.startswith('!')


def check_ignore(top: Path, paths: list[str]) -> dict[str, IgnoreMatch | None]:
    """For each path (relative to the work-tree top `top`), the pattern deciding it, or None.

    `--no-index` so tracked files are judged too; `-v -n` reports negations and unmatched
    paths, since with `-v` the exit code alone cannot tell a negation from an ignore.
    """
    if not paths:
        return {}
    data = b''.join(p.encode('utf-8', 'surrogateescape') + b'\0' for p in paths)
    proc = run(
        ['-C', os.fspath(top), 'check-ignore', '--no-index', '-v', '-n', '-z', '--stdin'], stdin=data, check=False
    )
    if proc.returncode not in (0, 1):
        raise GitError(f'git check-ignore failed in {top}: {said(proc.stderr)}')
    fields = [decode(f) for f in proc.stdout.split(b'\0')]
    result: dict[str, IgnoreMatch | None] = {}
    for i in range(0, len(fields) - 3, 4):
        source, line, pattern, path = fields[i : i + 4]
        result[path] = IgnoreMatch(source, int(line), pattern) if source else None
    return result


def tracked_files(top: Path) -> list[str]:
    """Every path in the index, relative to `top`."""
    proc = run(['-C', os.fspath(top), 'ls-files', '-z', '--cached', '--deduplicate'])
    return split_nul(proc.stdout)


# ---- which commits a remote lacks (new branches, force-pushes: guard.sources.commits) ----


def current_branch() -> str | None:
    """The branch HEAD is on (short name), None when detached or outside a repository."""
    proc = run(['symbolic-ref', '-q', '--short', 'HEAD'], check=False)
    return decode(proc.stdout).strip() or None if proc.returncode == 0 else None


def remote_branches(remote: str) -> dict[str, str]:
    """Branch name → commit of each remote-tracking branch of `remote` (its HEAD alias left out)."""
    prefix = f'refs/remotes/{remote}/'
    proc = run(['for-each-ref', '--format=%(refname)%00%(objectname)%00%(symref)', prefix], check=False)
    branches: dict[str, str] = {}
    for line in decode(proc.stdout).splitlines():
        name, sha, symref = [*line.split('\0'), '', ''][:3]
        if not symref and name.startswith(prefix):
            branches[name[len(prefix) :]] = sha
    return branches


def remote_default_branch(remote: str) -> str | None:
    """The branch `refs/remotes/<remote>/HEAD` names (set by `git clone`), if any."""
    proc = run(['symbolic-ref', '-q', f'refs/remotes/{remote}/HEAD'], check=False)
    ref = decode(proc.stdout).strip()
    prefix = f'refs/remotes/{remote}/'
    return ref[len(prefix) :] if proc.returncode == 0 and ref.startswith(prefix) else None


def is_ancestor(ancestor: str, descendant: str) -> bool:
    """Whether `descendant` holds `ancestor` (equal counts)."""
    return run(['merge-base', '--is-ancestor', ancestor, descendant], check=False).returncode == 0


def path_changes(paths: Sequence[str], until: str = 'HEAD') -> list[tuple[str, str, str, frozenset[str]]]:
    """(sha, author, ISO date, which of `paths` it changes) of each commit of `until` changing any of
    `paths`, in one `git log` (scan-history: which commit removed a secret). Paths go on stdin."""
    if not paths:
        return []
    query = f'{until}\n--\n' + ''.join(f':(literal){p}\n' for p in paths)
    proc = run(
        [
            '-c',
            'core.quotePath=false',
            'log',
            '--format=%x01%H%x00%an <%ae>%x00%aI',
            '--name-only',
            '--no-renames',
            '--no-show-signature',
            '--stdin',
        ],
        stdin=query.encode('utf-8', 'surrogateescape'),
        check=False,
    )
    if proc.returncode != 0:
        return []
    wanted = set(paths)
    out = []
    for record in decode(proc.stdout).split('\x01')[1:]:
        header, _, names = record.partition('\n')
        fields = header.split('\0')
        if len(fields) == 3:
            out.append((fields[0], fields[1], fields[2], frozenset(n for n in names.splitlines() if n in wanted)))
    return out


def ignored_files(top: Path) -> list[str]:
    """Untracked files git ignores, relative to `top`; an ignored directory is listed once as
    `dir/` (`--directory`), so node_modules costs one entry, not a walk of its files."""
    proc = run(['-C', os.fspath(top), 'ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'])
    return split_nul(proc.stdout)


def grep_files(top: Path, needles: Sequence[str]) -> set[str] | None:
    """Work-tree files (tracked and untracked, not ignored; text only) holding any of the fixed
    strings, relative to `top`: git searches in C, so a check reads only the files that can
    matter. None when git cannot answer (the caller then reads every file)."""
    args = ['-C', os.fspath(top), 'grep', '-z', '-l', '-I', '-F', '--untracked', '--no-color']
    for needle in needles:
        args += ['-e', needle]
    try:
        proc = run(args, check=False)
    except GitError:
        return None
    if proc.returncode not in (0, 1):
        return None
    return set(split_nul(proc.stdout))


# ---- `guard audit`: repositories it clones and fetches itself ----------------------------------


def clone_mirror(url: str, dest: Path) -> None:
    """A mirror clone (every ref, no work tree) of `url` at `dest`; GitError with git's reason."""
    proc = run(['clone', '--mirror', '--quiet', '--', url, os.fspath(dest)], check=False)
    if proc.returncode != 0:
        raise GitError(f'cannot clone {clip(url)}: {_first_line(proc.stderr)}')


def fetch_mirror(dest: Path) -> None:
    """Bring a mirror clone up to date (refs removed upstream are pruned)."""
    proc = run(['fetch', '--prune', '--quiet', 'origin'], cwd=dest, check=False)
    if proc.returncode != 0:
        raise GitError(f'cannot fetch into {dest}: {_first_line(proc.stderr)}')


def is_repository(directory: Path) -> bool:
    """Whether `directory` is the top of a work tree or a bare repository."""
    proc = run(['rev-parse', '--git-dir'], cwd=directory, check=False)
    return proc.returncode == 0


def _first_line(stderr: bytes) -> str:
    lines = [line for line in decode(stderr).splitlines() if line.strip()]
    return clip(lines[-1].removeprefix('fatal: ').strip()) if lines else 'git failed'


def said(stderr: bytes) -> str:
    """What git wrote to stderr, for one line of an error message: it may echo a range, a
    path or a file's content, so it is cut short."""
    return clip(decode(stderr).strip())
