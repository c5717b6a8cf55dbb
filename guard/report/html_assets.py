"""The HTML report's style sheet and script, inlined in every report (it opens offline and
is forwarded as one file). The page reads completely without the script: it only adds
the filters and opens collapsed sections for printing."""

from __future__ import annotations

CSS = """
:root {
  --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa; --paper: #fff;
  --critical: #a40e26; --high: #bc4c00; --medium: #9a6700; --low: #0550ae; --info: #57606a;
  --ok: #1a7f37; --accent: #0969da;
}
* { box-sizing: border-box; }
html {
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink);
  background: var(--paper);
}
body { margin: 0; }
main { max-width: 1120px; margin: 0 auto; padding: 28px 32px 64px; }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 40px 0 4px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1.05rem; margin: 0; }
p.lead, p.sub { color: var(--muted); margin: 4px 0 14px; }
code, .mono {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.86em;
}
code {
  background: var(--soft);
  border: 1px solid var(--line);
  border-radius: 4px;
  padding: 0 4px;
  overflow-wrap: anywhere;
}
a { color: var(--accent); }
header.top { border-bottom: 1px solid var(--line); padding-bottom: 16px; }
.kicker {
  text-transform: uppercase;
  letter-spacing: .08em;
  font-size: .75rem;
  color: var(--muted);
  font-weight: 600;
}
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0 4px; padding: 0; list-style: none; }
.tiles li { flex: 1 1 150px; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.tiles .n { display: block; font-size: 1.9rem; font-weight: 700; line-height: 1.1; }
.tiles .urgent { border-color: var(--critical); background: #fff5f5; }
.tiles .urgent .n { color: var(--critical); }
nav.toc ol {
  display: flex;
  flex-wrap: wrap;
  gap: 4px 20px;
  padding: 0;
  margin: 12px 0 0;
  list-style: none;
  font-size: .92rem;
}
.sev {
  display: inline-block;
  min-width: 5.2em;
  text-align: center;
  border-radius: 4px;
  padding: 0 6px;
  font-size: .78rem;
  font-weight: 700;
  text-transform: uppercase;
  letter-spacing: .03em;
  color: #fff;
}
.sev-critical .sev, .sev.sev-critical { background: var(--critical); }
.sev-high .sev, .sev.sev-high { background: var(--high); }
.sev-medium .sev, .sev.sev-medium { background: var(--medium); }
.sev-low .sev, .sev.sev-low { background: var(--low); }
.sev-info .sev, .sev.sev-info { background: var(--info); }
.where {
  display: inline-block;
  border: 1px solid currentColor;
  border-radius: 999px;
  padding: 0 8px;
  font-size: .78rem;
  font-weight: 600;
}
.where.x0, .where.x1 { color: var(--critical); }
.where.x2, .where.x3 { color: var(--high); }
.where.x4, .where.x5 { color: var(--muted); }
#rotate { counter-reset: card; }
h3.tier { font-size: .95rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
h3.tier { margin: 18px 0 8px; }
ol.rotate { list-style: none; padding: 0; margin: 0; }
ol.rotate > li {
  counter-increment: card;
  border: 1px solid var(--line);
  border-left: 6px solid var(--info);
  border-radius: 6px;
  padding: 8px 14px;
  margin: 0 0 8px;
  break-inside: avoid;
}
ol.rotate > li.sev-critical { border-left-color: var(--critical); }
ol.rotate > li.sev-high { border-left-color: var(--high); }
ol.rotate > li.sev-medium { border-left-color: var(--medium); }
.card-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; }
.card-head::before { content: counter(card) "."; font-weight: 700; color: var(--muted); min-width: 1.6em; }
.card-head .rule { color: var(--muted); font-size: .8rem; margin-left: auto; }
ol.rotate p { margin: 4px 0 0; font-size: .9rem; }
ol.rotate p.meta { color: var(--muted); }
ol.rotate p.meta strong { color: var(--ink); }
ol.rotate p.todo { background: var(--soft); border-radius: 4px; padding: 4px 10px; }
.must { color: var(--critical); font-weight: 700; }
.fine { color: var(--ok); font-weight: 700; }
.empty { border: 1px dashed var(--line); border-radius: 6px; padding: 12px 16px; color: var(--muted); }
div.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; position: sticky; top: 0; }
tr { break-inside: avoid; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.nowrap, .nowrap { white-space: nowrap; }
td.rule { min-width: 14em; }
td.paths, td.path { min-width: 12em; }
td.cmd { min-width: 15em; font-size: .8rem; }
.small { font-size: .8rem; color: var(--muted); }
.yes { color: var(--critical); font-weight: 600; }
.no { color: var(--muted); }
svg.timeline { display: block; margin: 8px 0; font-family: inherit; }
svg.timeline .tick, svg.timeline .label, svg.timeline .note { font-size: 11px; fill: var(--muted); }
svg.timeline .label { fill: var(--ink); }
svg.timeline .grid { stroke: #eaeef2; }
svg.timeline .axis { stroke: var(--line); }
svg.timeline .bar { fill: var(--info); }
svg.timeline .still { stroke: var(--info); stroke-width: 2; stroke-dasharray: 4 3; }
svg.timeline .sev-critical .bar { fill: var(--critical); }
svg.timeline .sev-critical .still { stroke: var(--critical); }
svg.timeline .sev-high .bar { fill: var(--high); }
svg.timeline .sev-high .still { stroke: var(--high); }
svg.timeline .sev-medium .bar { fill: var(--medium); }
svg.timeline .sev-medium .still { stroke: var(--medium); }
svg.timeline .sev-low .bar { fill: var(--low); }
svg.timeline .sev-low .still { stroke: var(--low); }
svg.timeline .month { fill: #8c959f; }
.legend { font-size: .82rem; color: var(--muted); }
.legend span { margin-right: 14px; }
form.filters {
  display: flex;
  flex-wrap: wrap;
  gap: 8px 16px;
  align-items: center;
  background: var(--soft);
  border: 1px solid var(--line);
  border-radius: 6px;
  padding: 8px 12px;
  margin: 8px 0 10px;
  font-size: .9rem;
}
form.filters input[type=search] {
  flex: 1 1 220px;
  padding: 4px 8px;
  border: 1px solid var(--line);
  border-radius: 4px;
  font: inherit;
}
form.filters select { font: inherit; padding: 2px 4px; }
details.allowed { margin-top: 18px; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
details.allowed summary { cursor: pointer; font-weight: 600; }
dl.receipt { display: grid; grid-template-columns: 11em 1fr; gap: 4px 16px; font-size: .92rem; }
dl.receipt dt { color: var(--muted); }
dl.receipt dd { margin: 0; }
footer { margin-top: 40px; color: var(--muted); font-size: .8rem; }
@media (max-width: 760px) {
  main { padding: 16px; }
  dl.receipt { grid-template-columns: 1fr; }
}
@media print {
  html { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  form.filters, nav.toc { display: none !important; }
  tr.hidden { display: table-row !important; }
  a { color: inherit; text-decoration: none; }
  a.ext::after { content: " (" attr(href) ")"; font-size: .8em; color: var(--muted); overflow-wrap: anywhere; }
  th { position: static; }
  h2 { break-after: avoid; }
  section { break-before: auto; }
  .sev, .tiles .urgent, .todo, ol.rotate > li { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
.hidden { display: none; }
"""

# Filters work on rows' data- attributes; without the script the form stays hidden and
# every row shows. Printing opens the collapsed sections and shows every row.
JS = """
(function () {
  var form = document.getElementById('filters');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#all-findings tbody tr[data-rule]'));
  if (!form || !rows.length) { return; }
  form.hidden = false;
  var rank = {info: 0, low: 1, medium: 2, high: 3, critical: 4};
  var count = document.getElementById('shown');
  function apply() {
    var floor = rank[form.severity.value] || 0, rule = form.rule.value;
    var head = form.head.checked, words = form.q.value.toLowerCase().trim().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var ok = rank[row.dataset.severity] >= floor && (!rule || row.dataset.rule === rule) &&
        (!head || row.dataset.head === 'yes') && words.every(function (w) { return text.indexOf(w) >= 0; });
      row.classList.toggle('hidden', !ok);
      if (ok) { shown += 1; }
    });
    count.textContent = shown + ' of ' + rows.length + ' shown';
  }
  // the filters live in the address too (#severity=high&head=1), so a filtered view can be shared
  function load() {
    if (location.hash.indexOf('=') < 0) { return; }
    var params = new URLSearchParams(location.hash.slice(1));
    ['severity', 'rule', 'q'].forEach(function (name) {
      if (params.has(name)) { form[name].value = params.get(name); }
    });
    form.head.checked = params.get('head') === '1';
  }
  function save() {
    var params = new URLSearchParams();
    if (form.severity.value !== 'info') { params.set('severity', form.severity.value); }
    if (form.rule.value) { params.set('rule', form.rule.value); }
    if (form.head.checked) { params.set('head', '1'); }
    if (form.q.value) { params.set('q', form.q.value); }
    try { history.replaceState(null, '', params.toString() ? '#' + params.toString() : '#findings'); } catch (e) {}
  }
  form.addEventListener('input', function () { apply(); save(); });
  form.addEventListener('change', function () { apply(); save(); });
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  load();
  apply();
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.open = true; });
  });
})();
"""
