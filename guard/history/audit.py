"""`guard scan-history`: every commit of every ref, split among worker processes,
findings grouped by fingerprint.

Merge commits: like `git log -p`, their diffs are not scanned (their messages are).
Every line a merge brings in was added by a non-merge commit of one of its sides,
which is scanned on its own, so nothing is reported twice; the one blind spot is
text that exists only in a conflict resolution (an "evil merge").
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from guard import git
from guard.history.scan import ChunkScan, Progress, default_jobs, scan_parallel
from guard.models import Commit, Finding, Fragment, Severity
from guard.scanner import Scanner
from guard.sources import decode_text
from guard.sources.commits import ENV_MESSAGE, ENV_RULE, MESSAGE_PATH, EnvEvent, Listing

if TYPE_CHECKING:  # sqlite3 is imported when an audit opens its store
    from guard.history.store import Store


@dataclasses.dataclass(frozen=True, slots=True)
class Group:
    """All occurrences of one fingerprint across history."""

    finding: Finding  # the first occurrence
    first: Commit
    last: Commit
    occurrences: int
    at_head: bool | None  # None: not a file (commit messages)
    removed: Commit | None = None  # env files: the commit that last removed it
    events: tuple[EnvEvent, ...] = ()  # env files: every add, change and removal, oldest first

    def describe(self) -> str:
        span = f'first {_short(self.first)}'
        if self.last.sha != self.first.sha:
            span += f', last {_short(self.last)}'
        if self.removed is not None:
            span += f', removed in {_short(self.removed)}'
        head = {True: 'still at HEAD', False: 'not at HEAD', None: 'in a commit message'}[self.at_head]
        return f'{span}; {self.occurrences} occurrence{"s" if self.occurrences != 1 else ""}; {head}'


def _short(commit: Commit) -> str:
    return f'{commit.sha[:12]} ({commit.author}, {commit.date[:10]})'


# ---- grouping --------------------------------------------------------------------------------


def group_findings(
    findings: Iterable[Finding], at_head: dict[str, frozenset[str] | None], age: Callable[[Commit], int]
) -> list[Group]:
    """One group per fingerprint, with first/last commit and whether HEAD still holds it
    (`at_head`: the fingerprints found in each path at HEAD, None when it is gone)."""
    by_print: dict[str, list[Finding]] = {}
    for finding in findings:
        by_print.setdefault(finding.fingerprint, []).append(finding)
    groups = []
    for fingerprint, found in by_print.items():
        ordered = sorted(found, key=lambda f: age(f.commit or Commit('')))
        first, last = ordered[0], ordered[-1]
        # allowed only when every occurrence is: one inline allow must not hide the others
        shown = next((f for f in ordered if f.allowed is None), first)
        path = first.path
        still = None if path == MESSAGE_PATH else fingerprint in (at_head.get(path) or ())
        groups.append(
            Group(
                finding=shown,
                first=first.commit or Commit(''),
                last=last.commit or Commit(''),
                occurrences=len(found),
                at_head=still,
            )
        )
    return groups


REMOVAL_SEARCH = 30  # commits after the last occurrence searched for the one that removed it


def removed_in(
    groups: Iterable[Group], scanner: Scanner, age: Callable[[Commit], int], store: Store, warn: list[str]
) -> list[Group]:
    """Each group gone from HEAD with the commit that removed it: the first commit of HEAD after
    its last occurrence whose version of the file no longer holds it (None when that is not within
    REMOVAL_SEARCH commits of the file, or the secret left on another branch). Two git calls for
    the groups the store has no answer for: one log of the files' changes, one batch of their
    contents. A removal found stays the answer while the last occurrence is the same; "none
    found" holds only for the HEAD it was looked for at."""
    groups = list(groups)
    head = git.rev_parse('HEAD') or ''
    known = store.removals(head)
    removed: dict[str, Commit | None] = {}
    gone = []
    for g in groups:
        if g.at_head is False and g.last.sha:
            if (g.finding.fingerprint, g.last.sha) in known:
                removed[g.finding.fingerprint] = known[g.finding.fingerprint, g.last.sha]
            else:
                gone.append(g)
    if gone:
        found = _removals(gone, scanner, age)
        rows = [(g.finding.fingerprint, g.last.sha, found[g.finding.fingerprint]) for g in gone]
        store.save_removals(rows, head, warn)
        removed |= found
    return [
        dataclasses.replace(g, removed=removed[g.finding.fingerprint]) if g.finding.fingerprint in removed else g
        for g in groups
    ]


def _removals(gone: Sequence[Group], scanner: Scanner, age: Callable[[Commit], int]) -> dict[str, Commit | None]:
    by_path: dict[str, list[tuple[int, Commit]]] = {}  # each file's changes, oldest first
    for sha, author, date, paths in git.path_changes(sorted({g.finding.path for g in gone})):
        commit = Commit(sha, author, date)
        for path in paths:
            by_path.setdefault(path, []).append((age(commit), commit))
    for changes in by_path.values():
        changes.sort(key=lambda change: change[0])
    candidates: dict[str, list[Commit]] = {}
    for group in gone:
        changes = by_path.get(group.finding.path, [])
        start = bisect.bisect_right(changes, age(group.last), key=lambda change: change[0])
        candidates[group.finding.fingerprint] = [c for _age, c in changes[start : start + REMOVAL_SEARCH]]
    specs = sorted({f'{c.sha}:{g.finding.path}' for g in gone for c in candidates[g.finding.fingerprint]})
    blobs = git.cat_files(specs)
    return {g.finding.fingerprint: _removal(g, candidates[g.finding.fingerprint], blobs, scanner) for g in gone}


def _removal(group: Group, later: Sequence[Commit], blobs: dict[str, bytes | None], scanner: Scanner) -> Commit | None:
    path = group.finding.path
    for commit in later:
        data = blobs.get(f'{commit.sha}:{path}')
        text = decode_text(data) if data is not None else None
        if text is None or group.finding.fingerprint not in {f.fingerprint for f in scanner.scan(Fragment(path, text))}:
            return commit
    return None


def env_groups(
    events: Iterable[EnvEvent],
    at_head: dict[str, frozenset[str] | None],
    age: Callable[[Commit], int],
    findings: Iterable[Finding] = (),
) -> list[Group]:
    """A group per env file ever committed: the commit that first added it and the last
    that removed it (if it is gone at HEAD), graded by what it held (`findings`: every
    finding of the audit): the severity of its secrets, or low when it never held one."""
    by_path: dict[str, list[EnvEvent]] = {}
    for event in events:
        by_path.setdefault(event.path, []).append(event)
    held: dict[str, list[Finding]] = {}
    for secret in findings:
        if secret.path in by_path:
            held.setdefault(secret.path, []).append(secret)
    groups = []
    for path, found in sorted(by_path.items()):
        ordered = sorted(found, key=lambda e: age(e.commit))
        adds = [e for e in ordered if e.kind != 'D'] or ordered
        removals = [e for e in ordered if e.kind == 'D']
        still = at_head.get(path) is not None
        first = adds[0].commit
        severity, message = env_grade(held.get(path, ()))
        finding = Finding(rule_id=ENV_RULE, severity=severity, message=message, path=path, line=None, commit=first)
        groups.append(
            Group(
                finding=finding,
                first=first,
                last=ordered[-1].commit,
                occurrences=len([e for e in ordered if e.kind != 'D']),
                at_head=still,
                removed=None if still or not removals else removals[-1].commit,
                events=tuple(ordered),
            )
        )
    return groups


def env_grade(secrets: Sequence[Finding]) -> tuple[Severity, str]:
    """An env file that held secrets is as bad as the worst of them; one that only ever held
    localhost values, placeholders or `{{cookiecutter…}}` templates is noise, but still worth a note."""
    if not secrets:
        return Severity.LOW, f'{ENV_MESSAGE}; it held no secret (only placeholders or local values)'
    distinct = len({f.fingerprint for f in secrets})
    return max(f.severity for f in secrets), f'{ENV_MESSAGE}, holding {distinct} secret{"s" if distinct != 1 else ""}'


def head_prints(
    paths: Sequence[str], scanner: Scanner, store: Store, warn: list[str]
) -> dict[str, frozenset[str] | None]:
    """The fingerprints each path holds at HEAD (None: no such file at HEAD). Files are
    named by blob in one `git cat-file --batch-check`; a (path, blob) the store scanned
    before under these rules is not read or scanned again, so a re-run on an unchanged
    HEAD costs no scanning however many files once held a secret."""
    if not paths:
        return {}
    ids = git.blob_ids([f'HEAD:{p}' for p in paths])
    known = store.head_prints()
    out: dict[str, frozenset[str] | None] = {}
    todo: dict[str, str] = {}
    for path in paths:
        blob = ids[f'HEAD:{path}']
        seen = known.get(path)
        if blob is None:
            out[path] = None
        elif seen is not None and seen[0] == blob:
            out[path] = seen[1]
        else:
            todo[path] = blob
    blobs = git.cat_files(sorted(set(todo.values())))
    scanned = []
    for path, blob in todo.items():
        text = decode_text(blobs.get(blob) or b'') or ''
        prints = frozenset(f.fingerprint for f in scanner.scan(Fragment(path, text))) if text else frozenset()
        out[path] = prints
        scanned.append((path, blob, prints))
    store.save_head_prints(scanned, warn)
    return out


# ---- the audit -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Audit:
    groups: tuple[Group, ...]
    commits: int  # in the picture (scanned now or earlier)
    scanned: int  # scanned by this run
    refs: int
    bytes: int
    files: int
    binary: int
    warnings: tuple[str, ...]
    notes: tuple[str, ...] = ()


def audit(
    scanner: Scanner,
    version: str,
    listing: Listing,
    *,
    jobs: int = 0,
    use_cache: bool = True,
    progress: Progress | None = None,
    warn: Callable[[str], None] | None = None,
    chunk_scan: ChunkScan | None = None,
) -> Audit:
    """Scan the commits the store does not know yet, save them as they finish, and group
    everything `listing` holds (stored and new) by fingerprint."""
    from guard.history.store import Store

    common, shallow = git.repo_state()
    commits = listing.commits()
    refs = git.ref_count(listing.args)
    wanted = set(commits)
    warnings: list[str] = []
    store = Store.open(common / 'guard' if use_cache else None, version, warnings)
    _flush(warnings, warn)
    try:
        known = store.scanned() & wanted
        todo = [c for c in commits if c not in known]
        files = binary = total_bytes = 0
        findings: list[Finding] = []
        events: list[EnvEvent] = []
        results = (
            chunk_scan(todo, scanner)
            if chunk_scan is not None
            else scan_parallel(todo, scanner, jobs or default_jobs(), progress)
        )
        for result in results:
            store.save(result.rows, result.scans, warnings)
            _flush(warnings, warn)
            binary += result.binary
            for _sha, size, changed, _binary in result.rows:
                total_bytes += size
                files += changed
            for scan in result.scans:
                findings += scan.findings
                events += scan.env_events
        # this run's results come from memory, so a store that failed mid-run loses nothing
        findings += store.findings(known)
        events += store.env_events(known)
        stored_bytes, stored_files, stored_binary = store.sizes(known)
        total_bytes += stored_bytes
        files += stored_files
        binary += stored_binary  # a run served from the store counts what the first run skipped
        paths = {e.path for e in events} | {f.path for f in findings if f.path != MESSAGE_PATH}
        at_head = head_prints(sorted(paths), scanner, store, warnings)
        # rev-list (--date-order) lists children before parents: its reverse position is the age
        position = {sha: i for i, sha in enumerate(reversed(commits))}

        def age(commit: Commit) -> int:
            return position.get(commit.sha, -1)

        secrets = removed_in(group_findings(findings, at_head, age), scanner, age, store, warnings)
        _flush(warnings, warn)
    finally:
        store.close()
    groups = [*env_groups(events, at_head, age, findings), *secrets]
    groups.sort(key=lambda g: (g.finding.path, g.finding.rule_id, age(g.first)))
    notes: tuple[str, ...] = () if commits else ('no commits: nothing to scan',)
    if commits and shallow:
        notes = (
            'shallow clone: commits at the boundary show their whole tree as added; '
            'run `git fetch --unshallow` for a true history',
        )
    return Audit(
        groups=tuple(groups),
        commits=len(wanted),
        scanned=len(todo),
        refs=refs(),
        bytes=total_bytes,
        files=files,
        binary=binary,
        warnings=tuple(warnings),
        notes=notes,
    )


def _flush(warnings: list[str], warn: Callable[[str], None] | None) -> None:
    while warnings and warn is not None:
        warn(warnings.pop(0))
