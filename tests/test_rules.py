"""Every built-in rule proves itself on its own samples and runs in linear time."""

from __future__ import annotations

import re
import time

import pytest

from guard.config import parse_config
from guard.detectors.rules import RuleDetector, builtin_rules, rules_from_yaml
from guard.errors import ConfigError
from guard.models import Fragment

RULES = builtin_rules()


@pytest.mark.parametrize('rule', RULES, ids=lambda r: r.id)
def test_rule_samples(rule) -> None:
    detector = RuleDetector(rule)
    for sample in rule.positive:
        assert list(detector.detect(Fragment('sample.txt', sample))), f'{rule.id} missed: {sample!r}'
    for sample in rule.negative:
        assert not list(detector.detect(Fragment('sample.txt', sample))), f'{rule.id} flagged: {sample!r}'


@pytest.mark.parametrize('rule', RULES, ids=lambda r: r.id)
def test_rule_has_specific_keywords(rule) -> None:
    assert rule.keywords, f'{rule.id} has no keywords: it would run on every fragment'
    assert all(len(k) >= 3 for k in rule.keywords), rule.keywords


@pytest.mark.parametrize('rule', RULES, ids=lambda r: r.id)
def test_positive_samples_hold_a_keyword(rule) -> None:
    # the prefilter runs a rule only on text holding one of its keywords: a sample without one proves nothing
    for sample in rule.positive:
        assert any(k in sample.lower() for k in rule.keywords), f'{rule.id}: no keyword in {sample!r}'


def _near_misses(rule) -> str:
    """1 MB of text built from the rule's own positive samples, each cut just short of
    matching, repeated: the input that makes a backtracking pattern blow up."""
    pieces = []
    for sample in rule.positive:
        pieces.append(sample[: max(1, len(sample) - 2)])
        pieces.append(re.sub(r'[\s"\']', 'a', sample)[:-1])
    unit = ' '.join(pieces)
    return (unit * (1_000_000 // max(len(unit), 1) + 1))[:1_000_000]


@pytest.mark.no_cover  # a CPU-time bound measures the code, not the coverage tracer
@pytest.mark.parametrize('rule', RULES, ids=lambda r: r.id)
def test_rule_is_linear_on_adversarial_input(rule) -> None:
    detector = RuleDetector(rule)
    for text in (_near_misses(rule), 'a' * 1_000_000, ('=' + ' ' * 50) * 20_000):
        started = time.process_time()
        list(detector.detect(Fragment('big.txt', text)))
        assert time.process_time() - started < 2.0, f'{rule.id} is slow on adversarial input'


def test_rule_ids_are_unique() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))


def test_rule_without_samples_is_rejected() -> None:
    with pytest.raises(ConfigError, match='samples'):
        rules_from_yaml('- {id: x, description: d, pattern: "abc(d)", samples: {positive: [abcd]}}', 'x.yaml')


def test_rule_with_unknown_key_is_rejected() -> None:
    with pytest.raises(ConfigError, match='unknown key'):
        rules_from_yaml('- {id: x, description: d, pattern: "a", keywords: [a], sample: {}}', 'x.yaml')


def test_extra_rules_from_config(tmp_path) -> None:
    config = parse_config(
        {
            'rules': {
                'extra': [
                    {
                        'id': 'acme-token',
                        'description': 'ACME token',
                        'keywords': ['acme_'],
                        'pattern': r'\b(acme_[a-z0-9]{20})\b',
                        'samples': {'positive': ['acme_k3j4h5g6f7d8s9a0q1w2'], 'negative': ['acme_short']},
                    }
                ]
            }
        },
        source='cfg',
        root=tmp_path,
    )
    assert [r.id for r in config.extra_rules] == ['acme-token']
