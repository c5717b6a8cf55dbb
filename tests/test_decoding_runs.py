"""The base64 runs the decoding detector finds by byte search are the spans its regex matches."""

from __future__ import annotations

import random

from guard.detectors.decoding import _BASE64_RUN, MAX_RUN, base64_runs

PIECES = ['A', 'z', '0', '+', '/', '_', '-', '=', '==', '===', ' ', '\n', '"', '.', ':', '%', 'é']


def regex_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _BASE64_RUN.finditer(text)]


def random_text(rng: random.Random, ascii_only: bool) -> str:
    pieces = PIECES[:-1] if ascii_only else PIECES
    out = []
    for _ in range(rng.randint(0, 60)):
        if rng.random() < 0.3:  # runs near the 16-character floor, and some long ones
            out.append(''.join(rng.choices('Aa0+/_-', k=rng.choice([14, 15, 16, 17, 40]))))
        out.append(rng.choice(pieces))
    return ''.join(out)


def test_equal_to_the_regex_on_random_text() -> None:
    rng = random.Random(5)
    found = 0
    for case in range(3000):
        text = random_text(rng, ascii_only=case % 4 != 0)
        assert list(base64_runs(text)) == regex_spans(text), text
        found += len(regex_spans(text))
    assert found > 1000  # the cases hold runs, or this proves nothing


def test_the_edges_of_a_run() -> None:
    run = 'QUJDREVGR0hJSktMTU5PUA'
    for text in (run, run + '=', run + '==', run + '===', run + '=x', '=' + run, run + '==\n', 'x' + run):
        assert list(base64_runs(text)) == regex_spans(text), text
    longest = 'Ab' * (MAX_RUN // 2)
    for text in (longest, longest + 'c', ' ' + longest + 'cd ', longest + '=='):
        assert list(base64_runs(text)) == regex_spans(text)
