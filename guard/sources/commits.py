"""Commits: which a range or a push means, and their messages and added lines, read from
one `git log -p` stream a record at a time (the history audit reads its commits here too).

The records are NamedTuples, not frozen dataclasses: each frozen dataclass costs ~0.5 ms to
define at import (its methods are generated and compiled), a NamedTuple a fifth of that.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import NamedTuple

from guard import git
from guard.brief import brief, clip
from guard.errors import GitError, InputError, UsageError
from guard.models import Commit, Fragment
from guard.sources import Tally, Wanted
from guard.sources.diff import FileChange, drop_binary_hunks, file_changes, parse_patch

MESSAGE_PATH = '<commit-message>'
# what scan-history reports for an env file ever committed (guard.history groups the events)
ENV_RULE = 'env-file-in-history'
ENV_MESSAGE = 'env file committed to git history'
_TEMPLATE_SUFFIXES = frozenset({'example', 'sample', 'template', 'dist', 'tmpl', 'tpl'})


# ---- commits --------------------------------------------------------------------------------


class EnvEvent(NamedTuple):
    """An env file touched by a commit: 'A' added, 'M' modified, 'D' removed."""

    path: str
    kind: str
    commit: Commit


class CommitRead(NamedTuple):
    """One commit as read: its message and added lines (none when `wanted` said no to its
    bytes), the env files it touched, and what it held."""

    sha: str
    commit: Commit
    fragments: tuple[Fragment, ...]  # the message's (if wanted), then the patch's
    env_events: tuple[EnvEvent, ...]
    bytes: int
    files: int
    binary: int


def is_env_file(path: str) -> bool:
    """`.env`, `.env.production`, `prod.env`…, but not templates such as `.env.example`."""
    name = path.rsplit('/', 1)[-1]
    if name == '.env' or (name.endswith('.env') and len(name) > 4 and not name.startswith('.')):
        return True
    if not name.startswith('.env.'):
        return False
    return not (_TEMPLATE_SUFFIXES & set(name.lower().split('.')[2:]))


def env_events(changes: Iterable[FileChange], commit: Commit) -> Iterator[EnvEvent]:
    for change in changes:
        if change.old_path != change.path and not change.added and is_env_file(change.old_path):
            yield EnvEvent(change.old_path, 'D', commit)  # renamed away
        if is_env_file(change.path):
            kind = 'D' if change.deleted else 'A' if change.added or change.old_path != change.path else 'M'
            yield EnvEvent(change.path, kind, commit)


def read_record(record: bytes, wanted: Wanted) -> CommitRead:
    """One commit of a log stream. Its message and patch are decoded only when `wanted` says
    yes to their bytes; env files are tracked always."""
    # Most commits hold no keyword at all: for them one look at the raw bytes decides, and
    # nothing but the sha is decoded (the per-commit cost is most of the Python work). The
    # patch stays in the record, never copied out: a huge commit costs its size once here.
    sha_end, _author_end, date_end, message_end = git.record_ends(record)
    files = record.count(b'diff --git ', message_end)
    # a NUL in a patch (git prints it --text) is binary, or UTF-16/32 text whose words the
    # byte-level look cannot see: only the parser's decoding tells which
    wide = record.find(b'\0', message_end + 1) >= 0
    anywhere = wanted(record)
    if not (anywhere or wide or record.find(b'.env', message_end) >= 0):
        sha = record[:sha_end].decode('ascii')
        return CommitRead(sha, Commit(sha), (), (), len(record), files, 0)
    sha, author_text, date_text, message_text, start = git.record_fields(record)
    commit = Commit(sha, author_text, date_text)
    fragments: list[Fragment] = []
    in_message = anywhere and wanted(record[date_end + 1 : message_end])
    if in_message:
        fragments.append(Fragment(MESSAGE_PATH, message_text.rstrip('\n'), 1, commit))
    # the patch's own look is needed only when the message could explain the record's yes
    in_patch = wide or (anywhere and (not in_message or wanted(record[start:])))
    changes: Iterable[FileChange] = ()
    binary = 0
    if in_patch:
        patch = parse_patch(drop_binary_hunks(record[start:]), commit) if wide else parse_patch(record, commit, start)
        fragments += patch.fragments
        changes = patch.files
        binary = patch.binary
    elif record.find(b'.env', start) >= 0:
        changes = file_changes(git.decode(record[start:]))
    return CommitRead(sha, commit, tuple(fragments), tuple(env_events(changes, commit)), len(record), files, binary)


def read_commits(commits: Sequence[str], wanted: Wanted) -> Iterator[CommitRead]:
    """Each commit's message and added lines, streamed from one `git log -p`."""
    if not commits:
        return
    with git.log_stream(commits) as out:
        for record in git.commit_records(out):
            read = read_record(record, wanted)
            del record  # a huge commit is not held while its fragments are scanned
            yield read


class CommitSource:
    """The commits `select()` chooses (a range, a push, what a new branch brings), resolved
    when read: messages and added lines, oldest commit first."""

    counts_unreadable = False

    def __init__(self, select: Callable[[], Selection], mode: str) -> None:
        self.select = select
        self.mode = mode
        self.tally = Tally()

    def fragments(self, wanted: Wanted) -> Iterator[Fragment]:
        selection = self.select()
        tally = self.tally
        tally.commits = len(selection.commits)
        tally.lead += selection.notes
        if not selection.commits:
            tally.lead.append('empty range: no commits to scan')
        for read in read_commits(selection.commits, wanted):
            tally.files += read.files
            tally.bytes += read.bytes
            if read.binary:
                tally.skip('binary skipped', count=read.binary)
            yield from read.fragments

    def parts(self, jobs: int) -> Sequence[CommitSource]:
        return ()

    def empty(self) -> str:
        return '' if self.tally.commits else 'no commits to scan'


# ---- which commits history means ------------------------------------------------------------


def rev_list_args(branches: Sequence[str], since: str | None) -> list[str]:
    """rev-list arguments for every ref (or the named branches), after `since` (a rev or a date)."""
    args = list(branches) if branches else ['--all']
    if since:
        since_sha = git.rev_parse(since)
        args += [f'^{since_sha}'] if since_sha else [f'--since={since}']
    return args


class Listing(NamedTuple):
    """The commits a history audit covers: `git rev-list --date-order <args>`, started when
    the listing was made and read when `commits()` is called (scan-history starts it before
    it imports the scanner)."""

    args: tuple[str, ...]  # the refs and the `since` bound, without --date-order
    commits: Callable[[], list[str]]  # newest first: children before parents


def history_listing(branches: Sequence[str] = (), since: str | None = None) -> Listing:
    args = tuple(rev_list_args(branches, since))
    return Listing(args, git.rev_list_later(['--date-order', *args]))


# ---- which commits a range means ------------------------------------------------------------


class Selection(NamedTuple):
    commits: tuple[str, ...]  # oldest first
    notes: tuple[str, ...] = ()
    bases: tuple[str, ...] = ()  # the commits it was taken against, when it is "what the remote lacks"


_FULL_OID = re.compile(r'[0-9a-f]{40}|[0-9a-f]{64}')


def range_commits(spec: str, *, default_branch: str = '') -> Selection:
    """The commits of `A..B` (or `A...B`), handling a zero or missing base as CI sees them."""
    match = re.fullmatch(r'(.*?)(\.\.\.?)(.*)', spec)
    if match is None:
        raise UsageError(f'--range {brief(spec)}: expected BASE..HEAD, e.g. origin/main..HEAD')
    # A...B means "since the merge base" in CI (git diff); for commits that is A..B too, while
    # rev-list's own A...B (symmetric difference) would add the base branch's new commits.
    base, head = match.group(1) or 'HEAD', match.group(3) or 'HEAD'
    return commits_between(base, head, default_branch=default_branch)


def commits_between(base: str, head: str, *, default_branch: str = '') -> Selection:
    head_sha = git.rev_parse(head)
    if head_sha is None:
        if head == 'HEAD':
            raise GitError('HEAD is not a commit: this branch has no commits yet, so the range holds none')
        raise GitError(
            f'{brief(head)} is not a commit here: check the name, or fetch it (git fetch origin {clip(head, 60)})'
        )
    if base in git.ZERO_OIDS:
        return new_commits(head, head_sha, 'new branch (zero base)', default_branch=default_branch)
    base_sha = git.rev_parse(base)
    if base_sha is None:
        if git.is_shallow():
            raise GitError(shallow_fix(base))
        if not _FULL_OID.fullmatch(base.lower()):
            # only an object id names a commit that may have been rewritten away; a name that
            # resolves to nothing is a typo or an unfetched branch, never "scan the unpushed"
            raise GitError(
                f'unknown revision {brief(base)}: check the name (git branch -a lists them), '
                f'or fetch it (git fetch {_default_remote()} {clip(base, 60)})'
            )
        return new_commits(
            head, head_sha, f'base {base[:12]} is not in this repository (force-push?)', default_branch=default_branch
        )
    commits = git.rev_list(['--reverse', '--topo-order', f'{base_sha}..{head_sha}'])
    _check_shallow(commits, base)
    return Selection(tuple(commits))


def new_commits(head: str, head_sha: str, why: str, *, default_branch: str = '') -> Selection:
    """The commits of `head` the remote lacks: those on neither the remote's default branch nor
    any other of its branches but `head`'s own, which in a CI clone already holds them (a new
    branch, a force-push whose old tip is gone). `guard ci` and `--range` both select this way.
    Stops (exit 2), naming what to pass, when the clone cannot tell."""
    remote = _remote_of(head)
    if git.is_shallow():
        raise GitError(
            f'{why}: this shallow clone cannot tell which commits of {head} are new: '
            f'run `git fetch --unshallow {remote or "origin"}` (or use fetch-depth: 0 in actions/checkout), '
            'or pass the base: --range origin/main..HEAD'
        )
    pass_base = f'pass the base instead, e.g. --range {remote or "origin"}/main..{head}'
    if remote is None:
        raise GitError(f'{why}: no remote to compare {head} with: {pass_base}')
    branches = git.remote_branches(remote)
    default = default_branch or git.remote_default_branch(remote) or ''
    own = _own_branches(head, head_sha, remote, branches, default)
    against = sorted(name for name in branches if name not in own)
    if not against and not (default and default in own):
        held = f'only {", ".join(sorted(own))} of {remote} is here' if branches else f'no branch of {remote} is here'
        raise GitError(
            f'{why}: cannot tell which commits of {head} are new ({held}): '
            f'fetch the default branch (git fetch {remote} main) or {pass_base}'
        )
    bases = tuple(dict.fromkeys(branches[name] for name in against))
    commits = git.rev_list(['--reverse', '--topo-order', head_sha, '--not', *bases])
    if against:
        shown = ', '.join(f'{remote}/{name}' for name in against[:3]) + (
            f' (+{len(against) - 3} more)' if len(against) > 3 else ''
        )
        note = f'{why}: scanning commits of {head} not on {shown}'
    else:
        note = f'{why}: {remote}/{default} is {head} itself and has no other branch: scanning all of {head}'
    return Selection(tuple(commits), (note,), bases)


def _remote_of(head: str) -> str | None:
    """The remote `head` is pushed to: its branch's configured remote, else origin (or the only one)."""
    names = git.remotes()
    branch = git.current_branch() if head == 'HEAD' else head.removeprefix('refs/heads/')
    configured = git.config_get(f'branch.{branch}.remote') if branch else None
    if configured in names:
        return configured
    for name in names:  # `origin/feat` names its remote
        if head.startswith(f'{name}/') or head.startswith(f'refs/remotes/{name}/'):
            return name
    return 'origin' if 'origin' in names else names[0] if names else None


def _own_branches(head: str, head_sha: str, remote: str, branches: dict[str, str], default: str) -> set[str]:
    """The remote branches that are `head` itself: the one of its name (or its upstream) once it
    holds `head` (in CI the push being checked put it there; one that does not is the state the
    remote had, which is what to compare with), and any but the default whose tip it is."""
    name = git.current_branch() if head == 'HEAD' else head
    own: set[str] = set()
    if name:
        short = name.removeprefix('refs/heads/').removeprefix('refs/remotes/').removeprefix(f'{remote}/')
        upstream = (git.config_get(f'branch.{short}.merge') or '').removeprefix('refs/heads/')
        own |= {b for b in {short, upstream} if b in branches and git.is_ancestor(head_sha, branches[b])}
    own |= {b for b, sha in branches.items() if sha == head_sha and b != default}
    return own


def _not_on_remotes(head_sha: str, remote: str | None, note: str) -> Selection:
    flag = f'--remotes={remote}' if remote else '--remotes'
    commits = git.rev_list(['--reverse', '--topo-order', head_sha, '--not', flag])
    _check_shallow(commits, head_sha)
    return Selection(tuple(commits), (note,))


def _check_shallow(commits: Sequence[str], base: str) -> None:
    """A range through a shallow boundary would blame the whole tree on one commit."""
    boundary = git.shallow_boundary() if commits and git.is_shallow() else frozenset()
    if boundary & set(commits):
        raise GitError(shallow_fix(base))


def shallow_fix(base: str) -> str:
    remote = _default_remote()
    return (
        f'{base} is not in this shallow clone, so the range cannot be scanned: '
        f'run `git fetch --unshallow {remote}` (or use fetch-depth: 0 in actions/checkout), then retry'
    )


def _default_remote() -> str:
    names = git.remotes()
    return 'origin' if 'origin' in names or not names else names[0]


def pre_push_commits(lines: str, remote: str | None) -> Selection:
    """Commits a push sends, from git's pre-push stdin (`<lref> <loid> <rref> <roid>` lines)."""
    commits: list[str] = []
    notes: list[str] = []
    for raw in lines.splitlines():
        if not raw.strip():
            continue
        parts = raw.rsplit(maxsplit=3)
        if len(parts) != 4:
            raise InputError(
                f'pre-push input line {brief(raw)}: expected <local-ref> <local-oid> <remote-ref> <remote-oid>'
            )
        _local_ref, local_oid, remote_ref, remote_oid = parts
        if local_oid in git.ZERO_OIDS:
            notes.append(f'{remote_ref}: deletion, nothing to scan')
            continue
        if remote_oid not in git.ZERO_OIDS and git.has_commit(remote_oid):
            selection = Selection(tuple(git.rev_list(['--reverse', '--topo-order', f'{remote_oid}..{local_oid}'])))
        else:
            selection = _not_on_remotes(
                local_oid, remote, f'{remote_ref}: new or force-pushed, scanning commits not on the remote'
            )
        commits += [c for c in selection.commits if c not in commits]
    return Selection(tuple(commits), tuple(notes))


def pre_commit_selection() -> Selection | None:
    """Under pre-commit's pre-push stage git's stdin is not passed on: pre-commit exports the
    range instead, or nothing when the push starts at a root commit (then: all unpushed)."""
    if not os.environ.get('PRE_COMMIT'):
        return None
    start, end = os.environ.get('PRE_COMMIT_FROM_REF'), os.environ.get('PRE_COMMIT_TO_REF')
    if start and end:
        return commits_between(start, end)
    remote = os.environ.get('PRE_COMMIT_REMOTE_NAME')
    head = git.rev_parse('HEAD')
    if head is None:
        return Selection(())
    return _not_on_remotes(head, remote, 'pre-commit gave no range: scanning commits not on the remote')
