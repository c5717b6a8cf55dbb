"""The keyword prefilter: overlaps and ASCII case are handled, and it agrees with plain `in`."""

from __future__ import annotations

import random

import pytest

from guard.models import Fragment
from guard.scanner import Prefilter, Scanner, ascii_lower

KEYWORDS = {'akia': (0,), 'kia_': (1,), 'ghp_': (2, 3), 'secret': (4,), 'secret_access_key': (5,), 'ia': (6,)}


def _reference(keywords: dict[str, tuple[int, ...]], text: str) -> set[int]:
    """The definition: a keyword is present when it occurs in the text with ASCII letters lowered."""
    lowered = ascii_lower(text)
    return {owner for keyword, owners in keywords.items() if keyword in lowered for owner in owners}


def test_overlapping_keywords_are_all_found() -> None:
    prefilter = Prefilter(KEYWORDS)
    # 'akia_' holds akia, kia_ and ia overlapping; the long keyword holds 'secret' too.
    assert prefilter.owners_present('x = "akia_"; aws_secret_access_key') == {0, 1, 4, 5, 6}
    assert prefilter.owners_present('ghp_') == {2, 3}
    assert prefilter.owners_present('nothing here') == set()
    assert prefilter.owners_present('') == set()
    assert prefilter.owners_present('AWS_SECRET_ACCESS_KEY = "AkIa"') == {0, 4, 5, 6}  # any case
    assert prefilter.owners_present('caf\u00e9 \u4e2d GHP_') == {2, 3}  # after non-ASCII text


def test_agrees_with_plain_search_on_random_text() -> None:
    rng = random.Random(7)
    alphabet = 'akiagh_psecrtAKIGHPSE x\n\u00e9\u00c9\u4e2d\U0001f600\u0130'
    prefilter = Prefilter(KEYWORDS)
    for _ in range(500):
        text = ''.join(rng.choices(alphabet, k=rng.randint(0, 200)))
        assert prefilter.owners_present(text) == _reference(KEYWORDS, text), text


def test_agrees_with_plain_search_once_the_dfa_takes_over() -> None:
    """The NFA hands over to a DFA after DFA_AFTER bytes: the answers stay the same."""
    rng = random.Random(11)
    alphabet = 'akiagh_psecrtAKIGHPSE x\n\u00e9\u4e2d'
    prefilter = Prefilter(KEYWORDS, dfa_after=1000)
    for _ in range(200):
        text = ''.join(rng.choices(alphabet, k=rng.randint(0, 100)))
        assert prefilter.owners_present(text) == _reference(KEYWORDS, text), text
    assert prefilter._budget is None


class _Owns:
    """A detector that owns one keyword and reports nothing: only candidates() is under test."""

    def __init__(self, keyword: str) -> None:
        self.id = keyword
        self.keywords = frozenset({keyword})
        self.reports: dict[str, str] = {}
        self.accepts_path = None

    def detect(self, fragment: Fragment):  # type: ignore[no-untyped-def]
        return iter(())


def test_non_ascii_keywords_keep_their_non_ascii_case() -> None:
    """A keyword holding 'Ä' (an own secret from .env) is found where the text holds 'Ä', in any ASCII case;
    str.lower() would have turned it into 'ä', which lowered UTF-8 bytes never contain."""
    scanner = Scanner([_Owns(ascii_lower('PÄSSwort-9k'))])
    assert [d.id for d in scanner.candidates('x = "PÄSSwort-9k"')] == ['pÄsswort-9k']
    assert [d.id for d in scanner.candidates('x = "pÄsSWORT-9K"')] == ['pÄsswort-9k']
    assert scanner.candidates('x = "pässwort-9k"') == []


def test_build_without_keywords_is_none() -> None:
    assert Prefilter.build([]) is None


def test_keywords_across_slice_boundaries_are_found() -> None:
    prefilter = Prefilter(KEYWORDS)
    prefilter.SLICE = 8  # a huge text is matched in slices; here, 8 bytes each
    for shift in range(20):
        text = 'x' * shift + 'SECRET_ACCESS_KEY' + 'y' * 9
        assert prefilter.owners_present(text) == {4, 5}, shift
    assert prefilter.owners_present('ghp_' * 10) == {2, 3}


@pytest.mark.no_cover  # a CPU-time bound measures the code, not the coverage tracer
def test_keywords_too_big_for_a_dfa_stay_an_nfa_in_the_prefilter_and_the_history_gate() -> None:
    """A 512 KB keyword (any detector's, a config's) once made the DFA switch take minutes; past
    DFA_MAX_BYTES of keywords the prefilter and the history gate keep the NFA, and still match."""
    import time

    from guard.gate import bytes_matcher
    from tests.secrets import random_body

    big = random_body(512 * 1024).lower()
    started = time.process_time()
    prefilter = Prefilter({big: (0,), 'ghp_': (1,)})
    text = 'filler line\n' * 30_000 + big  # past the 256 KB switch
    assert prefilter.owners_present(text) == {0}
    assert prefilter.owners_present('ghp_') == {1}
    gate = bytes_matcher({big, 'ghp_'})
    assert gate(text.encode()) and not gate(b'nothing here')
    assert time.process_time() - started < 2.0


def _every_start(lowered: str, keyword: str) -> list[int]:
    return [i for i in range(len(lowered)) if lowered.startswith(keyword, i)]


def test_located_words_come_back_with_every_start_in_ascii_text() -> None:
    """hits(): the owners as owners_present() gives them and, for ASCII text, each located word's
    every start (overlaps included), across slice boundaries; non-ASCII text gives no offsets."""
    rng = random.Random(3)
    located = frozenset({'secret', 'ia', 'key'})
    prefilter = Prefilter(KEYWORDS, located=located)
    prefilter.SLICE = 16
    for _ in range(400):
        text = ''.join(rng.choices('akiagh_psecrtAKIGHPSEY x\n', k=rng.randint(0, 120)))
        owners, starts = prefilter.hits(text)
        assert owners == _reference(KEYWORDS, text)
        assert starts is not None
        lowered = text.lower()
        expected = {w: _every_start(lowered, w) for w in located if w in lowered}
        assert {w: sorted(s) for w, s in starts.items()} == expected, text
    assert prefilter.hits('caf\u00e9 secret')[1] is None
