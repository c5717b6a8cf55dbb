"""The keyword prefilter: both matchers agree, overlaps and case are handled."""
from __future__ import annotations

import random

import pytest

from guard.scanner import Prefilter

KEYWORDS = {'akia': (0,), 'kia_': (1,), 'ghp_': (2, 3), 'secret': (4,), 'secret_access_key': (5,), 'ia': (6,)}


@pytest.mark.parametrize('backend', ['rs', 'c'])
def test_overlapping_keywords_are_all_found(backend: str) -> None:
    prefilter = Prefilter(KEYWORDS, backend)
    # 'akia_' holds akia, kia_ and ia overlapping; the long keyword holds 'secret' too.
    assert prefilter.owners_present('x = "akia_"; aws_secret_access_key') == {0, 1, 4, 5, 6}
    assert prefilter.owners_present('ghp_') == {2, 3}
    assert prefilter.owners_present('nothing here') == set()
    assert prefilter.owners_present('') == set()
    assert prefilter.owners_present('AWS_SECRET_ACCESS_KEY = "AkIa"') == {0, 4, 5, 6}    # any case
    assert prefilter.owners_present('caf\u00e9 \u4e2d GHP_') == {2, 3}                 # after non-ASCII text


def test_backends_agree_on_random_text() -> None:
    rng = random.Random(7)
    alphabet = 'akiagh_psecrtAKIGHPSE x\n\u00e9\u00c9\u4e2d\U0001f600'
    rs, c = Prefilter(KEYWORDS, 'rs'), Prefilter(KEYWORDS, 'c')
    for _ in range(300):
        text = ''.join(rng.choices(alphabet, k=rng.randint(0, 200)))
        assert rs.owners_present(text) == c.owners_present(text), text


def test_build_without_keywords_is_none() -> None:
    assert Prefilter.build([]) is None
