"""scan-history's reports: findings grouped by fingerprint, each with its history."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

from guard.models import Report
from guard.report.as_json import finding_dict, report_dict
from guard.report.printable import printable
from guard.report.text import finding_line

if TYPE_CHECKING:  # guard.history is imported only when an audit runs
    from guard.history.audit import Group


def write_groups(groups: Sequence[Group], out: IO[str]) -> None:
    """`path:line: rule message (preview)` then the group's history on an indented line."""
    for group in groups:
        out.write(finding_line(group.finding) + '\n')
        out.write(f'    {printable(group.describe())}\n')  # authors come from the repository


def group_history(group: Group) -> dict[str, Any]:
    """What the text output says of a group: its commits, occurrences, HEAD and removal."""
    return {
        'first_commit': group.first._asdict(),
        'last_commit': group.last._asdict(),
        'removed_in': group.removed._asdict() if group.removed else None,
        'occurrences': group.occurrences,
        'at_head': group.at_head,
    }


def group_dict(group: Group) -> dict[str, Any]:
    return {**finding_dict(group.finding), **group_history(group)}


def history_dict(report: Report, groups: Sequence[Group]) -> dict[str, Any]:
    data = report_dict(report)
    history = {g.finding.fingerprint: group_history(g) for g in groups}
    # every finding carries its group's history, env files and secrets alike, not only `groups`
    for key in ('findings', 'suppressed'):
        data[key] = [{**item, **history.get(item['fingerprint'], {})} for item in data[key]]
    return {**data, 'groups': [group_dict(g) for g in groups]}


def write_json(report: Report, groups: Sequence[Group], out: IO[str]) -> None:
    json.dump(history_dict(report, groups), out, indent=2, ensure_ascii=False)
    out.write('\n')
