"""Validators as confidence: GitHub's CRC32 suffix raises confidence, it does not decide alone."""

from __future__ import annotations

import json
import random
import zlib
from pathlib import Path

import pytest

from guard.detectors.rules import RuleDetector, builtin_rules
from guard.detectors.validators import VALIDATORS, base62, plausible_base62_body
from guard.models import Confidence, Fragment
from tests.conftest import run_guard, write
from tests.secrets import ALNUM, random_body
from tests.secrets import github_token as valid_token

PREFIXES = {
    'ghp': 'github-pat',
    'gho': 'github-oauth',
    'ghu': 'github-user-to-server',
    'ghs': 'github-app-installation',
    'ghr': 'github-refresh',
}
RULES = {r.id: RuleDetector(r) for r in builtin_rules()}


def _bad_checksum(prefix: str, body_length: int = 30) -> str:
    body = random_body(body_length)
    good = base62(zlib.crc32(body.encode()), 6)
    bad = good[:-1] + ('A' if good[-1] != 'A' else 'B')
    return f'{prefix}_{body}{bad}'


def _found(prefix: str, token: str) -> list[Confidence]:
    return [f.confidence for f in RULES[PREFIXES[prefix]].detect(Fragment('x.go', f'auth("{token}")\n'))]


@pytest.mark.parametrize('prefix', PREFIXES)
def test_valid_checksum_is_high_confidence(prefix: str) -> None:
    assert _found(prefix, valid_token(prefix)) == [Confidence.HIGH]


@pytest.mark.parametrize('prefix', PREFIXES)
def test_wrong_checksum_on_a_generated_body_is_medium(prefix: str) -> None:
    assert _found(prefix, _bad_checksum(prefix)) == [Confidence.MEDIUM]


def test_refresh_tokens_come_in_76_characters_too() -> None:
    body = random_body(70)
    long_valid = f'ghr_{body}{base62(zlib.crc32(body.encode()), 6)}'
    assert _found('ghr', long_valid) == [Confidence.HIGH]
    assert _found('ghr', _bad_checksum('ghr', 70)) == [Confidence.MEDIUM]
    assert _found('ghr', long_valid[:-3]) == []  # 73: neither length
    assert _found('ghp', f'ghp_{body}{base62(zlib.crc32(body.encode()), 6)}') == []  # only ghr_ is long


@pytest.mark.parametrize(
    'body',
    [
        'x' * 36,
        'X' * 36,
        '0' * 36,
        'abcABC123' * 4,  # a pattern, not a draw
        'aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789',  # the alphabet
        '16C7e42F292c6912E7710c838347Ae178B4a',  # GitHub's documentation: hex digits only
        'ThisIsNotARealTokenItIsOnlyAnExample',
        'YourPersonalAccessTokenGoesRightHere',
        'N0tAR34lT0k3nJustF0rT3st1ngPurp0s3s1',  # words in leet
        'AbCdEfGhIjKlMnOpQrSt0000000000000000',
        'kG7pQ2vN9xL4mW8sT1yR6bH3jF5dC0zaaaaa',  # mostly random, but a run of five
    ],
)
def test_fakes_are_not_tokens(body: str) -> None:
    assert len(body) == 36
    assert _found('ghp', f'ghp_{body}') == []


def test_random_bodies_are_plausible() -> None:
    """Generated bodies with a wrong checksum are still reported (seeded, so it cannot flake)."""
    rng = random.Random(3)
    for length in (36, 76):
        draws = [''.join(rng.choice(ALNUM) for _ in range(length)) for _ in range(5000)]
        assert sum(not plausible_base62_body(d) for d in draws) <= 25, length  # at most 1 in 200


def test_yes_no_validators_gate() -> None:
    assert VALIDATORS['jwt']('a.b') is None
    assert VALIDATORS['github-crc32'](valid_token()) is Confidence.HIGH
    assert VALIDATORS['github-crc32'](_bad_checksum('ghp')) is None
    # the body check alone: a generated body passes whatever its checksum, a fake does not
    assert VALIDATORS['generated-base62-body'](_bad_checksum('ghp')) is Confidence.HIGH
    assert VALIDATORS['generated-base62-body']('secret_' + 'Ab' * 21 + 'c') is None


def test_scan_reports_confidence_and_min_confidence_drops_medium(repo: Path) -> None:
    write(
        repo / 'client.go',
        f'var c = gh.WithAuthToken("{_bad_checksum("ghp")}")\nvar d = gh.WithAuthToken("{valid_token()}")\n',
    )
    findings = json.loads(run_guard('scan', '--format', 'json').stdout)['findings']
    assert [(f['line'], f['rule_id'], f['confidence']) for f in findings] == [
        (1, 'github-pat', 'medium'),
        (2, 'github-pat', 'high'),
    ]
    write(repo / '.guard.yaml', 'rules:\n  min_confidence: high\n')
    findings = json.loads(run_guard('scan', '--format', 'json').stdout)['findings']
    assert [(f['line'], f['confidence']) for f in findings] == [(2, 'high')]
