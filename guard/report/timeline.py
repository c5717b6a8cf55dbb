"""The HTML report's timeline as inline SVG: one bar per secret from the commit that first
added it to the last (dashed on to the end while it is still at HEAD), over the
repository's life, and the commits of each month under it. No script, no external font."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from html import escape

from guard.report.htmlview import Entry, timestamp

WIDTH = 960
LABEL = 270  # the left column: rule and path
RIGHT = 16
ROW = 18
AXIS = 26
MONTHS_HEIGHT = 64
MAX_ROWS = 40  # more would not be read as a chart; the full list is below it


def _month(stamp: float) -> tuple[int, int]:
    when = datetime.fromtimestamp(stamp, timezone.utc)
    return when.year, when.month


def _month_start(year: int, month: int) -> float:
    return datetime(year, month, 1, tzinfo=timezone.utc).timestamp()


def _next(year: int, month: int, step: int = 1) -> tuple[int, int]:
    index = year * 12 + month - 1 + step
    return index // 12, index % 12 + 1


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else '…' + text[-(width - 1) :]


class Scale:
    def __init__(self, start: float, end: float) -> None:
        self.start, self.end = start, max(end, start + 86400)
        self.width = WIDTH - LABEL - RIGHT

    def x(self, stamp: float) -> float:
        return round(LABEL + (stamp - self.start) / (self.end - self.start) * self.width, 1)


def _ticks(scale: Scale) -> list[tuple[float, str]]:
    """Month starts a few columns apart, labelled by year (and month when they are close)."""
    first = _month(scale.start)
    months = (_month(scale.end)[0] - first[0]) * 12 + _month(scale.end)[1] - first[1] + 1
    step = next((s for s in (1, 3, 6, 12, 24, 60, 120) if months / s <= 9), 240)
    year, month = first
    if step >= 12:
        year, month = year + 1, 1
    elif (month - 1) % step:
        year, month = _next(year, month, step - (month - 1) % step)
    ticks = []
    while (stamp := _month_start(year, month)) <= scale.end:
        if stamp >= scale.start:
            ticks.append((scale.x(stamp), str(year) if step >= 12 or month == 1 else f'{year}-{month:02d}'))
        year, month = _next(year, month, step)
    return ticks


def svg(entries: Sequence[Entry], commit_times: Sequence[int], end: float | None = None, hidden: int = 0) -> str:
    """The chart, or '' when there is nothing dated to draw; `hidden` entries were left out."""
    dated = [e for e in entries if timestamp(e.first) is not None]
    stamps = [float(t) for t in commit_times] + [t for e in dated for t in (timestamp(e.first), timestamp(e.last)) if t]
    if not stamps:
        return ''
    scale = Scale(min(stamps), max([*stamps, end or 0.0]))
    rows = sorted(dated, key=lambda e: timestamp(e.first) or 0.0)[:MAX_ROWS]
    chart_height = AXIS + len(rows) * ROW + 8 + (14 if len(dated) > len(rows) or hidden else 0)
    height = chart_height + (MONTHS_HEIGHT + 30 if commit_times else 0)
    out = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="timeline-title" xmlns="http://www.w3.org/2000/svg">',
        '<title id="timeline-title">First and last commit of each secret, and commits per month</title>',
    ]
    for x, label in _ticks(scale):
        out.append(f'<line class="grid" x1="{x}" y1="{AXIS - 6}" x2="{x}" y2="{height - 18}"/>')
        out.append(f'<text class="tick" x="{x}" y="{AXIS - 10}" text-anchor="middle">{escape(label)}</text>')
    for i, entry in enumerate(rows):
        out += _row(entry, AXIS + i * ROW, scale)
    if len(dated) - len(rows) + hidden > 0:
        more = len(dated) - len(rows) + hidden
        out.append(
            f'<text class="note" x="{LABEL}" y="{AXIS + len(rows) * ROW + 16}">the {len(rows)} most exposed shown; '
            f'{more} more in the list below</text>'
        )
    if commit_times:
        out += _months(commit_times, scale, chart_height + 22)
    out.append('</svg>')
    return '\n'.join(out)


def _row(entry: Entry, y: int, scale: Scale) -> list[str]:
    first = timestamp(entry.first) or scale.start
    last = timestamp(entry.removed) or timestamp(entry.last) or first
    x1, x2 = scale.x(first), max(scale.x(last), scale.x(first) + 4)
    severity = str(entry.finding.severity)
    rule = entry.finding.rule_id
    label = f'{rule}  {_clip(entry.paths[0], max(14, 44 - len(rule)))}'  # the rule whole, the path's end
    since = (entry.first.date[:10] if entry.first else '') + (
        f' → {entry.last.date[:10]}' if entry.last and entry.last != entry.first else ''
    )
    tip = f'{entry.finding.rule_id} in {entry.paths[0]}: {since}; {entry.exposure.label}'
    mid = y + ROW / 2
    parts = [
        f'<g class="row sev-{severity}"><title>{escape(tip)}</title>',
        f'<text class="label" x="{LABEL - 8}" y="{mid + 4}" text-anchor="end">{escape(label)}</text>',
    ]
    if entry.at_head:
        parts.append(f'<line class="still" x1="{x2}" y1="{mid}" x2="{scale.x(scale.end)}" y2="{mid}"/>')
    parts.append(f'<rect class="bar" x="{x1}" y="{mid - 5}" width="{round(x2 - x1, 1)}" height="10" rx="3"/>')
    parts.append('</g>')
    return parts


def _months(commit_times: Sequence[int], scale: Scale, top: int) -> list[str]:
    counts: dict[tuple[int, int], int] = {}
    for stamp in commit_times:
        key = _month(stamp)
        counts[key] = counts.get(key, 0) + 1
    most = max(counts.values())
    base = top + MONTHS_HEIGHT
    out = [
        f'<text class="label" x="{LABEL - 8}" y="{top + 12}" text-anchor="end">commits per month</text>',
        f'<text class="label" x="{LABEL - 8}" y="{top + 28}" text-anchor="end">(busiest: {most})</text>',
        f'<line class="axis" x1="{LABEL}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}"/>',
    ]
    for (year, month), count in sorted(counts.items()):
        x1 = scale.x(max(_month_start(year, month), scale.start))
        x2 = scale.x(min(_month_start(*_next(year, month)), scale.end))
        h = max(1.0, round(count / most * MONTHS_HEIGHT, 1))
        w = max(1.0, round(x2 - x1 - 1, 1))
        out.append(
            f'<rect class="month" x="{x1}" y="{round(base - h, 1)}" width="{w}" height="{h}">'
            f'<title>{year}-{month:02d}: {count} commits</title></rect>'
        )
    return out
