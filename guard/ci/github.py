"""GitHub Actions: which commits an event brings, and making sure they are here. The
action's `run:` step is just `guard ci`; the job summary and step outputs are written by
guard/report/actions.py.

Planning is pure (event name + payload → Plan); `resolve` looks at the repository
(and deepens a shallow checkout only when commits are missing).
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from guard import git
from guard.errors import GitError, InputError, UsageError
from guard.sources.commits import Selection, new_commits

REMOTE = 'origin'
PR_EVENTS = frozenset({'pull_request', 'pull_request_target'})
MODES = ('auto', 'pr', 'push', 'full')
FETCH_DEPTH_HINT = 'set `fetch-depth: 0` on actions/checkout'


@dataclasses.dataclass(frozen=True, slots=True)
class Plan:
    kind: str  # 'range' | 'history' | 'new-branch' | 'commits' (new-branch resolved) | 'nothing'
    note: str
    base: str = ''
    head: str = ''
    forced: bool = False
    branch: str = ''  # new-branch: the pushed branch name
    default_branch: str = ''
    selection: Selection | None = None  # 'commits': what the remote lacks (sources.commits.new_commits)

    @property
    def spec(self) -> str:
        if self.kind == 'commits' and self.selection is not None:
            bases = self.selection.bases
            return f'{bases[0]}..{self.head}' if len(bases) == 1 else ' '.join([self.head, *(f'^{b}' for b in bases)])
        return f'{self.base}..{self.head}' if self.kind == 'range' else self.kind


def load_event(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding='utf-8'))
    except (OSError, json.JSONDecodeError) as e:
        raise InputError(f'GITHUB_EVENT_PATH {path}: cannot read the event payload: {e}') from None
    if not isinstance(data, dict):
        raise InputError(f'GITHUB_EVENT_PATH {path}: the event payload is not a JSON object')
    return data


def plan(event: str, payload: Mapping[str, Any], mode: str = 'auto') -> Plan:
    """What to scan for this event: a PR's commits, a push's commits, or the full history."""
    if mode not in MODES:
        raise UsageError(f'mode {mode!r}: use one of {", ".join(MODES)}')
    if mode == 'auto' and event == 'merge_group':
        return _merge_group(payload)
    if mode == 'full' or (mode == 'auto' and event not in PR_EVENTS and event != 'push'):
        return Plan('history', f'{event or "manual run"}: full history')
    if mode == 'pr' or (mode == 'auto' and event in PR_EVENTS):
        return _pull_request(payload)
    return _push(payload)


def _pull_request(payload: Mapping[str, Any]) -> Plan:
    pr = payload.get('pull_request')
    base, head = _sha(pr, 'base'), _sha(pr, 'head')
    if not (isinstance(pr, Mapping) and base and head):
        raise UsageError('mode pr needs a pull_request event payload with base.sha and head.sha')
    return Plan(
        'range', f'pull request #{pr.get("number", "?")}: commits {base[:12]}..{head[:12]}', base=base, head=head
    )


def _merge_group(payload: Mapping[str, Any]) -> Plan:
    group = payload.get('merge_group')
    base = group.get('base_sha') if isinstance(group, Mapping) else None
    head = group.get('head_sha') if isinstance(group, Mapping) else None
    if not (isinstance(base, str) and isinstance(head, str) and base and head):
        raise UsageError('a merge_group event payload needs merge_group.base_sha and head_sha')
    return Plan('range', f'merge queue: commits {base[:12]}..{head[:12]}', base=base, head=head)


def _push(payload: Mapping[str, Any]) -> Plan:
    after = payload.get('after')
    if not isinstance(after, str) or not after:
        raise UsageError('mode push needs a push event payload with "after"')
    if payload.get('deleted') or after in git.ZERO_OIDS:
        return Plan('nothing', f'{payload.get("ref", "a ref")} was deleted: nothing to scan')
    before = payload.get('before')
    branch = str(payload.get('ref', '')).removeprefix('refs/heads/')
    repository = payload.get('repository')
    default = str(repository.get('default_branch', '')) if isinstance(repository, Mapping) else ''
    if not isinstance(before, str) or before in git.ZERO_OIDS or not before:
        return Plan(
            'new-branch',
            f'new branch {branch}: its commits not on {default or "the default branch"}',
            head=after,
            branch=branch,
            default_branch=default,
        )
    forced = bool(payload.get('forced'))
    return Plan(
        'range',
        f'push{" (forced)" if forced else ""}: commits {before[:12]}..{after[:12]}',
        base=before,
        head=after,
        forced=forced,
        branch=branch,
        default_branch=default,
    )


def _sha(pr: Any, side: str) -> str:
    part = pr.get(side) if isinstance(pr, Mapping) else None
    sha = part.get('sha') if isinstance(part, Mapping) else None
    return sha if isinstance(sha, str) else ''


# ---- making sure the commits are here ------------------------------------------------------


def resolve(p: Plan) -> Plan:
    """The plan in terms of commits this checkout has, deepening a shallow clone if needed."""
    if p.kind == 'history':
        _need_full_history()
        return p
    if p.kind == 'new-branch':
        return _new_branch(p)
    if p.kind != 'range':
        return p
    _need(p.head, p)
    if not git.has_commit(p.base) or (git.is_shallow() and git.merge_base(p.base, p.head) is None):
        _fetch_missing(p)
    if not git.has_commit(p.base):
        if p.forced:  # the old tip was rewritten away: scan what the branch has beyond the default
            return _new_branch(
                dataclasses.replace(
                    p, kind='new-branch', note=f'force-push: {p.base[:12]} is gone; commits not on the default branch'
                )
            )
        raise GitError(f'base {p.base[:12]} is not in this checkout and could not be fetched: {FETCH_DEPTH_HINT}')
    return p


def _new_branch(p: Plan) -> Plan:
    """The commits the remote lacks (as `guard scan --range 0000…..HEAD` selects them), once the
    default branch and the whole history are here; the default branch itself: its full history."""
    _need(p.head, p)
    default = f'{REMOTE}/{p.default_branch}' if p.default_branch else ''
    if default and p.branch != p.default_branch:
        if git.rev_parse(default) is None:
            git.fetch([REMOTE, f'+refs/heads/{p.default_branch}:refs/remotes/{default}'])
        if git.rev_parse(default) is not None:
            _need_full_history()
            selection = new_commits(p.branch or p.head, p.head, p.note, default_branch=p.default_branch)
            return dataclasses.replace(p, kind='commits', note=selection.notes[0], selection=selection)
    _need_full_history()
    return Plan('history', f'{p.note}: full history of {p.branch or p.head[:12]}', head=p.head, branch=p.branch)


def _need(sha: str, p: Plan) -> None:
    if not git.has_commit(sha):
        git.fetch([REMOTE, sha])
    if not git.has_commit(sha):
        raise GitError(
            f"commit {sha[:12]} ({p.note}) is not in this checkout: check out the event's commit and {FETCH_DEPTH_HINT}"
        )


def _fetch_missing(p: Plan) -> None:
    """Only when something is missing: fetch the base, then deepen until the range connects."""
    if not git.has_commit(p.base):
        git.fetch([REMOTE, p.base])
    if git.is_shallow() and git.merge_base(p.base, p.head) is None:
        git.fetch(['--unshallow', REMOTE])


def _need_full_history() -> None:
    if git.is_shallow():
        git.fetch(['--unshallow', REMOTE])
        if git.is_shallow():
            raise GitError(f'a full-history scan needs the whole history: {FETCH_DEPTH_HINT}')


def environment() -> tuple[str, dict[str, Any]]:
    return os.environ.get('GITHUB_EVENT_NAME', ''), load_event(os.environ.get('GITHUB_EVENT_PATH'))
