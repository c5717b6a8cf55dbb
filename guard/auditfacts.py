"""What an audit report says about the repository beyond its findings: where each secret
can still be seen (HEAD, the default branch's tip, another ref's tip, or only in history),
when the commits were made, and which repository this is.

A secret at the tip of any ref is in every fresh clone's files, not only in its history,
so the report ranks it above one that only old commits hold. Each ref's version of each
path that ever held a finding is looked up in one `git cat-file --batch-check`, and each
distinct blob is scanned once, however many refs share it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from guard import git
from guard.models import Fragment
from guard.report.htmlview import ENV_RULE, MESSAGE_PATH, Exposure, RepoFacts
from guard.sources import decode_text

if TYPE_CHECKING:
    from guard.history.audit import Group
    from guard.scanner import Scanner

_USERINFO = re.compile(r'(?<=://)[^/@\s]*@')


def default_branch(refs: Sequence[str]) -> str | None:
    """origin's HEAD when the clone knows it, else the branch HEAD is on, else main or master."""
    origin = git.symbolic_ref('refs/remotes/origin/HEAD')
    if origin is not None:
        return origin
    head = git.symbolic_ref('HEAD')
    if head is not None:
        return head
    return next((r for r in ('refs/heads/main', 'refs/heads/master') if r in refs), None)


def short_ref(ref: str) -> str:
    for prefix in ('refs/heads/', 'refs/tags/', 'refs/remotes/', 'refs/'):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def safe_remote(url: str | None) -> str:
    """A remote URL without its userinfo: `https://user:token@host/…` holds a secret."""
    return _USERINFO.sub('', url or '')


def _prints_at(tips: Iterable[str], groups: Sequence[Group], scanner: Scanner) -> dict[str, set[str]]:
    """For each tip commit, the fingerprints (and env-file paths) its files hold. A file
    that is the same blob as at HEAD holds none of these groups (none is at HEAD), so only
    the versions that differ from HEAD's are read and scanned."""
    paths = sorted({g.finding.path for g in groups if g.finding.path != MESSAGE_PATH})
    wanted = [*tips]
    blobs = git.blob_ids([f'{tip}:{path}' for tip in [*wanted, 'HEAD'] for path in paths])
    scan_paths = {g.finding.path for g in groups if g.finding.rule_id != ENV_RULE}
    todo = {
        (tip, path): blob
        for tip in wanted
        for path in paths
        if (blob := blobs[f'{tip}:{path}']) is not None and blob != blobs[f'HEAD:{path}'] and path in scan_paths
    }
    contents = git.cat_files(sorted(set(todo.values())))
    by_blob: dict[tuple[str, str], frozenset[str]] = {}
    found: dict[str, set[str]] = {tip: set() for tip in wanted}
    for tip in wanted:
        for path in paths:
            if blobs[f'{tip}:{path}'] is not None:
                found[tip].add(f'{ENV_RULE}\0{path}')  # the file itself is there
    for (tip, path), blob in todo.items():
        if (path, blob) not in by_blob:
            text = decode_text(contents.get(blob) or b'') or ''
            by_blob[path, blob] = frozenset(f.fingerprint for f in scanner.scan(Fragment(path, text)))
        found[tip].update(by_blob[path, blob])
    return found


def narrowed(scanner: Scanner, rule_ids: set[str]) -> Scanner:
    """The scanner with only the rules these groups came from (and every parser, which may
    report under several ids): finding them is all the tips are scanned for, and each rule
    left out is a pattern not compiled."""
    from guard.detectors.rules import RuleDetector
    from guard.scanner import Scanner

    kept = [d for d in scanner.detectors if not isinstance(d, RuleDetector) or d.id in rule_ids]
    return Scanner(kept, scanner.allowlist)


def exposure(
    groups: Sequence[Group], scanner: Scanner, tips: Sequence[tuple[str, str]], default: str | None
) -> dict[str, Exposure]:
    """Fingerprint -> where it can be seen, for the groups not at HEAD (those are HEAD)."""
    wanted = [g for g in groups if not g.at_head and g.finding.path != MESSAGE_PATH]
    if not wanted:
        return {}
    scanner = narrowed(scanner, {g.finding.rule_id for g in wanted})
    head = git.rev_parse('HEAD')
    default_tip = next((sha for name, sha in tips if name == default), None)
    if default_tip == head:
        default_tip = None  # what HEAD holds is HEAD's tier already
    others = {sha for _, sha in tips} - {head, default_tip}
    seen = _prints_at(sorted(others | ({default_tip} if default_tip else set())), wanted, scanner)
    out: dict[str, Exposure] = {}
    for group in wanted:
        finding = group.finding
        key = f'{ENV_RULE}\0{finding.path}' if finding.rule_id == ENV_RULE else finding.fingerprint
        if default_tip is not None and key in seen.get(default_tip, ()):
            out[finding.fingerprint] = Exposure.DEFAULT
        elif any(key in seen.get(sha, ()) for sha in others):
            out[finding.fingerprint] = Exposure.REFS
        else:
            out[finding.fingerprint] = Exposure.HISTORY
    return out


def gather(groups: Sequence[Group], scanner: Scanner, rules_version: str, rev_args: Sequence[str]) -> RepoFacts:
    """The facts an audit report shows; `rev_args` select the audit's commits (as
    guard.sources.commits.rev_list_args gives them)."""
    times = git.author_times(rev_args)  # runs while the ref tips are scanned
    top = git.toplevel(Path.cwd())
    head_ref = git.symbolic_ref('HEAD')
    head = short_ref(head_ref) if head_ref else (git.rev_parse('HEAD') or '')[:12]
    tips = git.ref_tips()
    refs = tuple(name for name, _ in tips)
    default = default_branch(refs)
    return RepoFacts(
        repository=top.name if top is not None else Path.cwd().name,
        remote=safe_remote(git.config_get('remote.origin.url')),
        head=head,
        default_branch=short_ref(default) if default else '',
        refs=tuple(short_ref(r) for r in refs),
        exposure=exposure(groups, scanner, tips, default),
        commit_times=tuple(times()),
        rules_version=rules_version,
    )
