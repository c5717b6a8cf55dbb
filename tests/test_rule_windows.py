"""Keyword windows find exactly the matches a whole-text scan finds, for every built-in rule."""

from __future__ import annotations

import random
import re
import string

import pytest

from guard.detectors import windows
from guard.detectors.rules import Rule, RuleDetector, builtin_rules

QUALIFYING = [r for r in builtin_rules() if RuleDetector(r)._window is not None]
JUNK = string.ascii_letters + string.digits + '+/=_-.:"\' \n'


def haystack(rule: Rule, seed: int) -> str:
    """> MIN_TEXT of junk with the rule's samples, bare keywords, upper-cased copies and
    samples glued to their neighbours at random places, including the very ends."""
    rng = random.Random(seed)
    pieces = [''.join(rng.choices(JUNK, k=rng.randint(1, 400))) for _ in range(400)]
    plants = [*rule.positive, *rule.negative, *rule.keywords, *(k.upper() for k in rule.keywords)]
    plants += [p.upper() for p in rule.positive] + [p[: len(p) // 2] for p in rule.positive]
    for plant in plants * 3:
        pieces.insert(rng.randrange(len(pieces) + 1), plant)
    text = ''.join(pieces)
    width = RuleDetector(rule)._window or 0
    while len(text) < max(windows.MIN_TEXT, 4 * width):  # else finditer would not use windows
        text += ''.join(rng.choices(JUNK, k=4096))
    return rule.positive[0] + text + rule.positive[-1]


def test_most_rules_qualify() -> None:
    # Not a guarantee, a tripwire: if the analysis stops recognising literals, scans get slow quietly.
    assert len(QUALIFYING) >= len(builtin_rules()) // 2


@pytest.mark.parametrize('rule', QUALIFYING, ids=lambda r: r.id)
def test_windows_equal_whole_text_scan(rule: Rule) -> None:
    width = RuleDetector(rule)._window
    regex = re.compile(rule.pattern)
    found = 0
    for seed in range(2):
        text = haystack(rule, seed)
        whole = [(m.span(), m.groups()) for m in regex.finditer(text)]
        windowed = [(m.span(), m.groups()) for m in windows.finditer(regex, text, rule.keywords, width)]
        assert windowed == whole
        found += len(whole)
    assert found, 'the planted samples must match somewhere, or this test proves nothing'


@pytest.mark.parametrize(
    ('pattern', 'keywords', 'qualifies'),
    [
        (r'(?<![A-Za-z0-9])(oy2[a-z0-9]{43})(?![A-Za-z0-9])', {'oy2'}, True),
        (r'\b((?:AKIA|ABIA|ACCA)[A-Z2-7]{16})\b', {'akia', 'abia', 'acca'}, True),
        (r'(?i)(?:secret|token)[ =:]{1,3}([a-z0-9]{32})', {'secret', 'token'}, True),
        (r'(?i)(?:secret|passwd)[ =:]{1,3}([a-z0-9]{32})', {'secret'}, False),  # passwd matches carry no keyword
        (r'[a-f0-9]{40}', {'sha'}, False),  # keyword is context, not content
        (r'oy2[a-z0-9]+', {'oy2'}, False),  # unbounded
        (r'oy2[a-z0-9]{4}(?=.{0,200}end)', {'oy2'}, False),  # lookahead past the margin
        (
            r'(?i:azure[_-]?devops|azdo)[ =]{1,3}([a-z0-9]{52})',
            {'azure_devops', 'azure-devops', 'azuredevops', 'azdo'},
            True,
        ),
        (r'(?i:azure[_-]?devops|azdo)[ =]{1,3}([a-z0-9]{52})', {'azure_devops', 'azdo'}, False),
    ],
)
def test_qualification(pattern: str, keywords: set[str], qualifies: bool) -> None:
    assert (windows.window_width(pattern, frozenset(keywords)) is not None) is qualifies


def test_text_whose_lowercase_changes_length_falls_back() -> None:
    regex = re.compile(r'(?<![a-z0-9])(oy2[a-z0-9]{43})')
    token = 'oy2' + 'a1' * 21 + 'b'
    text = '\u0130' * 10 + 'x' * windows.MIN_TEXT + ' ' + token  # U+0130 lowers to two characters
    width = windows.window_width(regex.pattern, frozenset({'oy2'}))
    assert (
        [m.span() for m in windows.finditer(regex, text, frozenset({'oy2'}), width)]
        == [m.span() for m in regex.finditer(text)]
        != []
    )


def test_truncated_lookahead_does_not_invent_a_match() -> None:
    # The window ends right after a 46-character run; the run continues past it in the real text.
    regex = re.compile(r'(?<![a-z0-9])(oy2[a-z0-9]{43})(?![a-z0-9])')
    keywords = frozenset({'oy2'})
    width = windows.window_width(regex.pattern, keywords)
    assert width is not None
    text = 'x ' * windows.MIN_TEXT + 'oy2' + 'a' * 43 + 'b' * (width + windows.MARGIN) + ' end'
    assert list(windows.finditer(regex, text, keywords, width)) == list(regex.finditer(text)) == []
