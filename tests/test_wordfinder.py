"""WordFinder: offsets of a few words in their usual casings, for ASCII and non-ASCII text alike."""

from __future__ import annotations

from guard.detectors.wordfinder import WordFinder, find_all, line_span

FINDER = WordFinder(('token', 'pwd'))


def test_casings_and_offsets_in_ascii_text() -> None:
    text = 'TOKEN=1 Token=2 token=3 ToKeN=4 pwd=5'
    assert [text[s:e] for s, e in FINDER.spans(text)] == ['TOKEN', 'Token', 'token', 'pwd']


def test_offsets_are_characters_after_non_ascii_text() -> None:
    text = 'caf\u00e9 \U0001f511 \u4e2d\u6587 api_token = x; Pwd: y'
    spans = FINDER.spans(text)
    assert [text[s:e] for s, e in spans] == ['token', 'Pwd']
    assert spans[0][0] == text.index('token')


def test_find_all_and_line_span() -> None:
    assert find_all('a::b::c', '::') == [1, 4]
    text = 'one\ntwo three\nfour'
    assert line_span(text, text.index('three')) == (4, 13)
    assert line_span('x' * 1000, 500, reach=10) == (490, 510)


def test_lone_surrogates_keep_offsets_and_do_not_raise() -> None:
    text = 'caf\udce9 secret = 1'  # b'caf\xe9 ...' decoded with surrogateescape
    assert WordFinder(['secret']).spans(text) == [(5, 11)]


def test_located_spans_equal_the_automaton_spans() -> None:
    """Given every start of its words in any case (the prefilter's offsets), located_spans()
    reports what spans() reports: the usual casings only, leftmost, none overlapping."""
    import random

    finder = WordFinder(('secret', 'token', 'salt', 'pass'))
    rng = random.Random(9)
    pieces = [
        'secret',
        'SECRET',
        'Secret',
        'sEcret',
        'token',
        'TOKEN',
        'oken',
        'salt',
        'SALT',
        'pass',
        'PASS',
        't',
        's',
        ' ',
        '=',
    ]
    for _ in range(2000):
        text = ''.join(rng.choices(pieces, k=rng.randint(0, 30)))
        lowered = text.lower()
        starts = {w: [i for i in range(len(text)) if lowered.startswith(w, i)] for w in finder.words}
        assert finder.located_spans(text, starts) == finder.spans(text), text
