"""`--format html`: one self-contained page for people who read an audit in a browser or
forward it as a file. Inline CSS and SVG, a little inline script the page does not need,
and a Content-Security-Policy that lets it load nothing from anywhere.

Sections, in reading order: what to rotate first, a timeline, env files ever committed,
every finding (allowed ones collapsed, with their reason), and the receipt. Like every
reporter it sees previews only, never a secret; every string from the repository (paths,
authors, messages) is escaped.
"""

from __future__ import annotations

import base64
import hashlib
import shlex
import time
from collections.abc import Iterable, Sequence
from html import escape
from typing import IO, TYPE_CHECKING
from urllib.parse import urlsplit

from guard import __version__
from guard.models import Commit, Report, Severity, name_text
from guard.report import html_assets, timeline
from guard.report.htmlview import (
    MESSAGE_PATH,
    Entry,
    Exposure,
    Page,
    RepoFacts,
    build_page,
    entries_from_findings,
    entries_from_groups,
    rewrite,
    rotation,
    rotation_order,
    secrets_in,
)

if TYPE_CHECKING:
    from guard.audit.engine import OrgAudit
    from guard.detectors.rules import Rule
    from guard.history.audit import Group

SHOWN_REFS = 30  # the receipt lists this many refs by name, then counts the rest


def write_html(report: Report, out: IO[str]) -> None:
    """`guard scan --format html`: the findings of files or of a commit range."""
    entries = entries_from_findings((*report.findings, *report.suppressed))
    out.write(name_text(render(build_page(report, entries, rule_table()))))


def write_audit_html(
    report: Report, groups: Sequence[Group], facts: RepoFacts, out: IO[str], extra_rules: Iterable[Rule] = ()
) -> None:
    """`guard scan-history --format html`: the audit's groups (reported and allowed)."""
    entries = entries_from_groups(groups, report, facts.exposure)
    out.write(name_text(render(build_page(report, entries, rule_table(extra_rules), facts))))


def write_org_html(audit: OrgAudit, out: IO[str]) -> None:
    """`guard audit --format html`: every repository's groups on one page, one rotate-first
    list for the organisation, each entry naming its repository."""
    entries = [
        entry._replace(repository=result.name)
        for result in audit.results
        for entry in entries_from_groups(
            result.groups, result.report, result.facts.exposure if result.facts is not None else {}
        )
    ]
    report = Report(
        findings=tuple(f for r in audit.results for f in r.report.findings),
        receipt=audit.receipt,
        suppressed=tuple(f for r in audit.results for f in r.report.suppressed),
    )
    title = f'{len(audit.results)} repositories' if len(audit.results) != 1 else audit.results[0].name
    out.write(name_text(render(build_page(report, entries, rule_table(), title=title))))


def rule_table(extra: Iterable[Rule] = ()) -> dict[str, Rule]:
    from guard.detectors.rules import builtin_rules

    return {r.id: r for r in (*builtin_rules(), *extra)}


# ---- pieces ---------------------------------------------------------------------------------


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _sev(severity: Severity) -> str:
    return f'<span class="sev sev-{severity}">{severity}</span>'


def _where(exposure: Exposure) -> str:
    return f'<span class="where x{int(exposure)}">{_e(exposure.label)}</span>'


def _commit(commit: Commit | None, *, author: bool = True) -> str:
    if commit is None or not commit.sha:
        return '<span class="no">–</span>'
    parts = [f'<span class="mono">{_e(commit.sha[:12])}</span>']
    if commit.date:
        parts.append(_e(commit.date[:10]))
    text = ' · '.join(parts)
    if author and commit.author:
        text += f'<br><span class="small">{_e(commit.author)}</span>'
    return text


def _path(entry: Entry, path: str) -> str:
    line = entry.finding.line if path == entry.finding.path and entry.finding.line else None
    shown = 'commit message' if path == MESSAGE_PATH else path
    return f'<code>{_e(shown)}{f":{line}" if line else ""}</code>'


def _paths(entry: Entry, limit: int = 3) -> str:
    shown = [_path(entry, p) for p in entry.paths[:limit]]
    more = len(entry.paths) - limit
    repository = f'<strong class="repo">{_e(entry.repository)}</strong>: ' if entry.repository else ''
    return repository + ', '.join(shown) + (f' <span class="small">and {more} more</span>' if more > 0 else '')


def _preview(entry: Entry) -> str:
    return f'<code>{_e(entry.finding.preview)}</code>' if entry.finding.preview else '<span class="no">–</span>'


def _link(url: str) -> str:
    host = urlsplit(url).hostname or url
    return f'<a class="ext" href="{_e(url)}" rel="noreferrer noopener">{_e(host)}</a>'


def _plural(n: int, word: str) -> str:
    return f'{n:,} {word}{"" if n == 1 else "s"}'


# ---- sections -------------------------------------------------------------------------------


def _header(page: Page) -> str:
    r = page.report.receipt
    facts = page.facts
    at_head = sum(1 for e in page.entries if e.at_head and not e.is_env_file)
    scope = _plural(r.commits, 'commit') if r.commits else _plural(r.files, 'file')
    if facts is not None:
        scope += f' on {_plural(len(facts.refs), "ref")}'
    title = f'Secrets audit: {page.title}' if page.title else 'Secrets report'
    generated = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())
    tiles = [
        ('urgent' if page.rotate_first else '', len(page.rotate_first), 'to rotate first'),
        ('', at_head, 'still at HEAD' if facts is not None else 'in the files scanned'),
        ('', len(page.entries), 'findings'),
        ('', len(page.env_files), 'env files committed'),
        ('', len(page.allowed), 'allowed or baselined'),
    ]
    items = ''.join(
        f'<li class="{cls}"><span class="n">{n:,}</span>{_e(label)}</li>'
        for cls, n, label in tiles
        if cls or n or label
    )
    return (
        '<header class="top">'
        f'<div class="kicker">guard {_e(page.mode)}</div>'
        f'<h1>{_e(title)}</h1>'
        f'<p class="sub">{_e(scope)} scanned in {r.seconds:.1f} s · generated {_e(generated)} '
        f'by guard {_e(__version__)}'
        ' · previews only: no secret is in this file</p>'
        f'<ul class="tiles">{items}</ul>'
        '<nav class="toc" aria-label="Sections"><ol>'
        '<li><a href="#rotate">1. Rotate first</a></li><li><a href="#timeline">2. Timeline</a></li>'
        '<li><a href="#env">3. Env files</a></li><li><a href="#findings">4. Every finding</a></li>'
        '<li><a href="#receipt">5. Receipt</a></li></ol></nav>'
        '</header>'
    )


def _card(entry: Entry, page: Page) -> str:
    finding = entry.finding
    turn = rotation(finding, page.rules)
    history = rewrite(entry, page.mode)
    named = not turn.provider or finding.message.lower().startswith(turn.provider.lower())
    heading = finding.message if named else f'{turn.provider}: {finding.message}'
    first = entry.first
    since = 'not committed'
    if first is not None:
        since = f'since <strong>{_e(first.date[:10])}</strong> (<span class="mono">{_e(first.sha[:12])}</span>'
        since += f', {_e(first.author)})' if first.author else ')'
    if entry.last is not None and first is not None and entry.last.sha != first.sha:
        since += f', last added {_e(entry.last.date[:10])}'
    commits = _plural(entry.occurrences, 'commit') if first is not None else ''
    rotate = f'<strong>Rotate:</strong> {_e(turn.remediation)}' + (f' {_link(turn.url)}' if turn.url else '')
    if history.required:
        verdict = f'<span class="must">rewrite required</span>: {_e(history.why)}'
    else:
        verdict = f'<span class="fine">no rewrite needed</span>: {_e(history.why)}'
    command = f' <code>{_e(history.command)}</code>' if history.command else ''
    return (
        f'<li class="sev-{finding.severity}" data-rule="{_e(finding.rule_id)}">'
        f'<div class="card-head">{_sev(finding.severity)}{_where(entry.exposure)}'
        f'<h3>{_e(heading)}</h3>{_preview(entry)}<span class="rule mono">{_e(finding.rule_id)}</span></div>'
        f'<p class="meta">{_paths(entry)} · {since}{" · " + commits if commits else ""}</p>'
        f'<p class="todo">{rotate}<br><strong>History:</strong> {verdict}{command}</p>'
        '</li>'
    )


def _rotate_first(page: Page) -> str:
    head = (
        '<section id="rotate"><h2>1. Rotate first</h2>'
        '<p class="lead">Secrets of high or critical severity (and medium ones still in the current files), '
        'most exposed first: still at HEAD, then on the default branch, then on other branches and tags, '
        'then only in history; then by severity, then oldest first. Rotate before rewriting history: '
        'a rewrite does not reach clones, forks or caches that already hold the value. After a rewrite, '
        'force-push every branch and tag, and have everyone re-clone. '
        '<code>replacements.txt</code> holds one line per old value, <code>literal:OLD==&gt;REMOVED</code>; '
        'guard never writes it.</p>'
    )
    if not page.rotate_first:
        return head + '<p class="empty">Nothing to rotate: no high or critical secret was found.</p></section>'
    tiers: dict[Exposure, list[Entry]] = {}
    for entry in page.rotate_first:
        tiers.setdefault(entry.exposure, []).append(entry)
    parts = [head]
    for tier, entries in tiers.items():
        cards = ''.join(_card(e, page) for e in entries)
        parts.append(f'<h3 class="tier">{_e(tier.label.capitalize())} ({len(entries):,})</h3>')
        parts.append(f'<ol class="rotate">{cards}</ol>')
    parts.append('</section>')
    return ''.join(parts)


def _timeline(page: Page) -> str:
    # the most exposed first when there are more than the chart can show
    entries = sorted(page.entries, key=rotation_order)
    times = page.facts.commit_times if page.facts is not None else ()
    chart = timeline.svg(entries[: timeline.MAX_ROWS], times, hidden=max(0, len(entries) - timeline.MAX_ROWS))
    head = '<section id="timeline"><h2>2. Timeline</h2>'
    if not chart:
        return head + '<p class="empty">No commits to draw: the findings come from files, not history.</p></section>'
    legend = (
        '<p class="legend">Each bar runs from the commit that first added a secret to the last that added it; '
        'a dashed line carries on while it is still at HEAD. Colour is severity: '
        '<span class="sev sev-critical">critical</span> <span class="sev sev-high">high</span> '
        '<span class="sev sev-medium">medium</span> <span class="sev sev-low">low</span>. '
        'Under it: the commits of each month.</p>'
    )
    return f'{head}{legend}{chart}</section>'


def _events(entry: Entry) -> str:
    names = {'A': 'added', 'M': 'changed', 'D': 'removed'}
    items = [
        f'<span class="nowrap">{names.get(kind, kind)} {_commit(commit, author=False)}</span>'
        for kind, commit in entry.events
    ]
    if len(items) > 8:
        items = [*items[:4], f'… {len(items) - 7} more …', *items[-3:]]
    return '<br>'.join(items)


def _env_files(page: Page) -> str:
    head = (
        '<section id="env"><h2>3. Env files ever committed</h2>'
        '<p class="lead">Each file, the commits that added and removed it, and the secrets guard found in it. '
        'Every value such a file ever held is exposed, found or not: rotate them all, then remove the file '
        'from history and add it to <code>.gitignore</code>.</p>'
    )
    if not page.env_files:
        return head + '<p class="empty">No env file was ever committed.</p></section>'
    rows = []
    everything = (*page.entries, *page.allowed)
    for entry in page.env_files:
        path = entry.paths[0]
        held = [e for e in secrets_in(path, everything) if not e.is_env_file]
        secrets = (
            '<span class="yes">'
            + _plural(len(held), 'secret')
            + '</span>: '
            + ', '.join(f'<span class="mono">{_e(e.finding.rule_id)}</span> {_preview(e)}' for e in held[:6])
            + (f' and {len(held) - 6} more' if len(held) > 6 else '')
            if held
            else '<span class="no">none found</span>'
        )
        state = (
            '<span class="yes">still at HEAD</span>'
            if entry.at_head
            else f'removed {_commit(entry.removed, author=False)}'
            if entry.removed
            else _e(entry.exposure.label)
        )
        todo = [f'git rm --cached {shlex.quote(path)}'] if entry.at_head else []
        todo.append(rewrite(entry, page.mode).command)
        commands = '<br>'.join(f'<code>{_e(c)}</code>' for c in todo if c)
        rows.append(
            f'<tr><td class="path"><code>{_e(path)}</code></td><td>{_commit(entry.first)}</td><td>{state}</td>'
            f'<td>{secrets}</td><td class="small">{_events(entry)}</td><td class="cmd">{commands}</td></tr>'
        )
    return (
        f'{head}<table><thead><tr><th>File</th><th>First added</th><th>Now</th><th>Held secrets</th>'
        f'<th>Every change</th><th>Remove it</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>'
    )


def _finding_row(entry: Entry, page: Page, *, reason: bool = False) -> str:
    finding = entry.finding
    head = 'yes' if entry.at_head else 'no'
    last = _commit(entry.last) if entry.last != entry.first else '<span class="no">same commit</span>'
    cells = [
        f'{_sev(finding.severity)}<br><span class="small">{_e(finding.confidence)} confidence</span>',
        f'<span class="mono">{_e(finding.rule_id)}</span><br><span class="small">{_e(finding.message)}</span>',
        _preview(entry),
        _paths(entry, limit=6),
        _commit(entry.first),
        last,
        f'{entry.occurrences:,}',
        f'<span class="{head}">{head}</span>' if page.facts is not None else _e(entry.exposure.label),
    ]
    if reason:
        cells.append(_e(entry.allowed) if entry.allowed else '<span class="no">no reason given</span>')
    classes = ['nowrap', 'rule', 'nowrap', 'paths', '', '', 'num', '', '']
    tds = ''.join(
        f'<td class="{c}">{cell}</td>' if c else f'<td>{cell}</td>' for c, cell in zip(classes, cells, strict=False)
    )
    return (
        f'<tr class="sev-{finding.severity}" data-severity="{finding.severity}" data-rule="{_e(finding.rule_id)}" '
        f'data-head="{head}">{tds}</tr>'
    )


def _table(rows: Sequence[str], page: Page, *, reason: bool = False, table_id: str = '') -> str:
    head_label = 'At HEAD' if page.facts is not None else 'Where'
    headers = ['Severity', 'Rule', 'Preview', 'Paths', 'First commit', 'Last commit', 'Commits', head_label]
    if reason:
        headers.append('Reason')
    ths = ''.join(f'<th scope="col">{h}</th>' for h in headers)
    opening = f'<table id="{table_id}">' if table_id else '<table>'
    return f'<div class="scroll">{opening}<thead><tr>{ths}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def _filters(page: Page) -> str:
    rules = sorted({e.finding.rule_id for e in page.entries})
    options = ''.join(f'<option value="{_e(r)}">{_e(r)}</option>' for r in rules)
    severities = ''.join(f'<option value="{s}">{s} and above</option>' for s in reversed(Severity) if s)
    return (
        '<form id="filters" class="filters" hidden role="search" aria-label="Filter findings">'
        '<label>Severity <select name="severity"><option value="info">all</option>'
        f'{severities}</select></label>'
        f'<label>Rule <select name="rule"><option value="">every rule</option>{options}</select></label>'
        '<label><input type="checkbox" name="head"> still at HEAD</label>'
        '<input type="search" name="q" placeholder="Search paths, rules, authors, commits" aria-label="Search">'
        '<span id="shown" class="small"></span></form>'
    )


def _findings(page: Page) -> str:
    head = (
        '<section id="findings"><h2>4. Every finding</h2>'
        f'<p class="lead">{_plural(len(page.entries), "finding")}, most severe first; one row per secret, '
        'with every path that held it.</p>'
    )
    body = _filters(page) + (
        _table([_finding_row(e, page) for e in page.entries], page, table_id='all-findings')
        if page.entries
        else '<p class="empty">No findings.</p>'
    )
    if page.allowed:
        body += (
            f'<details class="allowed"><summary>Allowed and baselined ({len(page.allowed):,})</summary>'
            '<p class="small">Accepted by an inline <code>guard:allow</code>, the allowlist or the baseline; '
            'not counted as findings.</p>'
            + _table([_finding_row(e, page, reason=True) for e in page.allowed], page, reason=True)
            + '</details>'
        )
    return f'{head}{body}</section>'


def _receipt(page: Page) -> str:
    r = page.report.receipt
    facts = page.facts
    rows: list[tuple[str, str]] = []
    if facts is not None:
        rows.append(('Repository', _e(facts.repository)))
        if facts.remote:
            rows.append(('Remote', f'<code>{_e(facts.remote)}</code>'))
        rows.append(('HEAD', f'<code>{_e(facts.head)}</code>'))
        if facts.default_branch:
            rows.append(('Default branch', f'<code>{_e(facts.default_branch)}</code>'))
        names = ', '.join(f'<code>{_e(n)}</code>' for n in facts.refs[:SHOWN_REFS])
        more = len(facts.refs) - SHOWN_REFS
        rows.append(('Refs', f'{len(facts.refs):,}: {names}' + (f' and {more:,} more' if more > 0 else '')))
    rows.append(('Mode', f'<code>guard {_e(r.mode)}</code>'))
    if r.commits:
        rows.append(('Commits', f'{r.commits:,}'))
    rows.append(('Files', f'{r.files:,} ({r.bytes / 1e6:,.1f} MB), {r.skipped:,} skipped'))
    for note in r.notes:
        rows.append(('Note', _e(note)))
    rows.append(('guard version', _e(__version__)))
    if facts is not None and facts.rules_version:
        rows.append(('Rules version', f'<code>{_e(facts.rules_version[:16])}</code> ({len(page.rules):,} rules)'))
    else:
        rows.append(('Rules', f'{len(page.rules):,} rules'))
    rows.append(('Duration', f'{r.seconds:.2f} s'))
    items = ''.join(f'<dt>{_e(k)}</dt><dd>{v}</dd>' for k, v in rows)
    return f'<section id="receipt"><h2>5. Receipt</h2><dl class="receipt">{items}</dl></section>'


def _digest(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def render(page: Page) -> str:
    css, js = html_assets.CSS, html_assets.JS
    # the page may load nothing: no network, no other file; only its own style and script run
    policy = (
        f"default-src 'none'; style-src 'sha256-{_digest(css)}'; script-src 'sha256-{_digest(js)}'; "
        "img-src data:; form-action 'none'; base-uri 'none'"
    )
    title = f'guard: {page.title}' if page.title else 'guard report'
    return ''.join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_e(policy)}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            f'<title>{_e(title)}</title><style>{css}</style></head>\n<body><main>',
            _header(page),
            _rotate_first(page),
            _timeline(page),
            _env_files(page),
            _findings(page),
            _receipt(page),
            '<footer>Made by guard. Previews show at most the first four characters and the length of a secret.'
            '</footer></main>',
            f'<script>{js}</script></body></html>\n',
        ]
    )
