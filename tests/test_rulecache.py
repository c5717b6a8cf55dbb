"""The built-in rules cache: same rules as parsing, never trusted when stale or broken."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from guard import rulecache
from guard.detectors.rules import Rule, parse_builtin_rules


class CountingParse:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> tuple[Rule, ...]:
        self.calls += 1
        return parse_builtin_rules()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv('GUARD_CACHE_DIR', str(tmp_path / 'cache'))
    return tmp_path / 'cache' / rulecache.cache_name()


def test_second_load_comes_from_the_cache_and_equals_parsing(cache: Path) -> None:
    parse = CountingParse()
    first = rulecache.cached(Rule, parse)
    assert cache.is_file() and parse.calls == 1
    second = rulecache.cached(Rule, parse)
    assert parse.calls == 1
    assert second == first == parse_builtin_rules()
    assert {type(r.severity) for r in second} == {type(first[0].severity)}


@pytest.mark.parametrize('content', ['not json', '{"key": 1}', '[]', ''])
def test_broken_cache_falls_back_to_parsing_and_is_rewritten(cache: Path, content: str) -> None:
    cache.parent.mkdir(parents=True)
    cache.write_text(content)
    parse = CountingParse()
    assert rulecache.cached(Rule, parse) == parse_builtin_rules()
    assert parse.calls == 1
    assert json.loads(cache.read_text())['key'] == rulecache.source_key()


def test_stale_key_is_ignored(cache: Path) -> None:
    parse = CountingParse()
    rulecache.cached(Rule, parse)
    data = json.loads(cache.read_text())
    data['key'] = 'from another version of the rules'
    data['rules'] = data['rules'][:1]
    cache.write_text(json.dumps(data))
    assert len(rulecache.cached(Rule, parse)) == len(parse_builtin_rules())
    assert parse.calls == 2


def test_cache_of_other_rule_fields_is_ignored(cache: Path) -> None:
    """Same sources, other Rule fields (the key does not name them: decode checks them)."""
    parse = CountingParse()
    rulecache.cached(Rule, parse)
    data = json.loads(cache.read_text())
    data['fields'][0] = 'renamed'
    cache.write_text(json.dumps(data))
    assert rulecache.cached(Rule, parse) == parse_builtin_rules()
    assert parse.calls == 2


def test_empty_setting_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('GUARD_CACHE_DIR', '')
    monkeypatch.chdir(tmp_path)
    parse = CountingParse()
    rulecache.cached(Rule, parse)
    rulecache.cached(Rule, parse)
    assert parse.calls == 2


def test_unwritable_cache_dir_still_gives_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / 'file'
    blocker.write_text('a file where the cache directory would be')
    monkeypatch.setenv('GUARD_CACHE_DIR', str(blocker / 'cache'))
    assert rulecache.cached(Rule, CountingParse()) == parse_builtin_rules()


def test_key_follows_every_rule_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tmp_path / 'rules'
    rules.mkdir()
    for source in sorted(rulecache.RULES_DIR.glob('*.yaml'))[:3]:
        (rules / source.name).write_bytes(source.read_bytes())
    monkeypatch.setattr(rulecache, 'RULES_DIR', rules)
    key = rulecache.source_key()
    assert rulecache.source_key() == key
    first = sorted(rules.iterdir())[0]
    stat = first.stat()
    os.utime(first, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # rewritten, same size
    touched = rulecache.source_key()
    assert touched != key
    (rules / 'zz-new.yaml').write_text('rules: []\n')
    added = rulecache.source_key()
    assert added not in (key, touched)
    (rules / 'notes.txt').write_text('not a rule file\n')
    assert rulecache.source_key() == added


def test_rows_round_trip_every_field_type(cache: Path) -> None:
    rules = parse_builtin_rules()
    data = json.loads(json.dumps(rulecache.encode(Rule, rules)))
    assert rulecache.decode(Rule, data) == rules
    assert data['kinds'][data['fields'].index('keywords')] == 'frozenset'
    data['fields'] = data['fields'][::-1]
    with pytest.raises(ValueError):
        rulecache.decode(Rule, data)


def test_each_installation_has_its_own_file_and_old_ones_are_pruned(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.parent.mkdir(parents=True)
    old = cache.parent / 'builtin-rules-0badf00d.json'
    recent = cache.parent / 'builtin-rules-0ddba11s.json'
    left = cache.parent / 'builtin-rules-0badf00d.json.4242.tmp'  # a killed run's temporary file
    for path in (old, recent, left):
        path.write_text('{}')
    stale = old.stat().st_mtime - (rulecache.PRUNE_DAYS + 1) * 86400
    for path in (old, left):
        os.utime(path, (stale, stale))
    rulecache.cached(Rule, CountingParse())
    assert cache.is_file() and recent.is_file() and not old.exists() and not left.exists()
    here = rulecache.cache_name()
    monkeypatch.setattr(rulecache, 'PACKAGE', Path('/elsewhere/site-packages/guard'))
    assert rulecache.cache_name() != here
