"""guard/rules/builtin.json is what the YAML rules make now, and reads back as parsed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guard import rulefile
from guard.detectors.rules import Rule, RuleDetector, builtin_rules, builtin_windows, parse_builtin_rules
from guard.detectors.windows import window_width


def test_the_generated_file_is_current() -> None:
    # Fails after an edit of guard/rules/*.yaml (or of the parser) until the file is regenerated.
    assert rulefile.PATH.read_text(encoding='utf-8') == rulefile.generate(), 'run: python -m guard.rulefile'


def test_it_reads_back_as_the_yaml_parses() -> None:
    rules, windows = rulefile.load(Rule)
    assert rules == parse_builtin_rules() == builtin_rules()
    assert windows == builtin_windows() == {r.id: window_width(r.pattern, r.keywords) for r in rules}
    assert any(width is not None for width in windows.values()) and None in windows.values()


def test_rule_detectors_take_their_width_from_it() -> None:
    from guard.detectors import build_detectors

    widths = builtin_windows()
    detectors = [d for d in build_detectors() if isinstance(d, RuleDetector)]
    assert len(detectors) == len(widths)
    assert all(d.__dict__['_window'] == widths[d.id] for d in detectors)  # filled in, not parsed again


def test_a_file_for_other_fields_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads(rulefile.PATH.read_text(encoding='utf-8'))
    data['fields'] = data['fields'][:-1]
    stale = tmp_path / 'builtin.json'
    stale.write_text(json.dumps(data), encoding='utf-8')
    monkeypatch.setattr(rulefile, 'PATH', stale)
    with pytest.raises(ValueError, match=r'python -m guard\.rulefile'):
        rulefile.load(Rule)


def test_render_is_one_rule_per_line() -> None:
    text = rulefile.PATH.read_text(encoding='utf-8')
    assert text.count('\n') == len(builtin_rules()) + 2
