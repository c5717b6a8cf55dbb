"""The .env parser: python-dotenv's values, plus lines, comments and problems; never raises."""

from __future__ import annotations

import io
import logging
import random

import pytest
from dotenv import dotenv_values

from guard import dotenv
from tests.secrets import random_body


def test_values_lines_and_comments() -> None:
    text = (
        '# The database\n# (local by default)\nDATABASE_URL=postgres://localhost/app  # inline\n\n'
        '# separated by a blank line\n\nexport PORT = 8000\nNAME="two words"\n'
    )
    env = dotenv.parse(text)
    db, port, name = env.entries
    assert (db.key, db.value, db.line, db.comment, db.inline_comment) == (
        'DATABASE_URL',
        'postgres://localhost/app',
        3,
        'The database\n(local by default)',
        'inline',
    )
    assert (port.key, port.value, port.line, port.exported, port.spaced, port.comment) == (
        'PORT',
        '8000',
        7,
        True,
        True,
        '',
    )
    assert (name.value, name.quote) == ('two words', '"')
    assert env.problems == ()


def test_commented_out_assignment_documents_nothing() -> None:
    (entry,) = dotenv.parse('# OLD_KEY=1\nNEW_KEY=2\n').entries
    assert entry.comment == ''


def test_multiline_quoted_values_and_escapes() -> None:
    env = dotenv.parse('KEY="-----BEGIN-----\nabc\n-----END-----"\nNEXT=1\nESC="a\\tb\\"c"\nRAW=\'a\\nb\'\n')
    values = env.values()
    assert values['KEY'] == '-----BEGIN-----\nabc\n-----END-----'
    assert env.last()['KEY'].end_line == 3
    assert env.last()['NEXT'].line == 4
    assert values['ESC'] == 'a\tb"c'
    assert values['RAW'] == 'a\\nb'


def test_crlf_bom_and_lone_cr() -> None:
    env = dotenv.parse_bytes(b'\xef\xbb\xbfA=1\r\n# doc\r\nB="x\r\ny"\r\nC=3\rD=4')
    assert env.values() == {'A': '1', 'B': 'x\ny', 'C': '3', 'D': '4'}
    assert [e.line for e in env.entries] == [1, 3, 5, 6]
    assert env.last()['B'].comment == 'doc'


def test_key_without_value_and_empty_value() -> None:
    env = dotenv.parse('BARE\nEMPTY=\nCOMMENTED= # nothing here\nHASH=#kept\n')
    assert env.values() == {'BARE': None, 'EMPTY': '', 'COMMENTED': '', 'HASH': '#kept'}


def test_malformed_lines_are_problems_with_lines_and_parsing_goes_on() -> None:
    env = dotenv.parse('A=1\nD="x" trailing\nE=5\n=nokey\nF=6\nB="unterminated\nC=3\n')
    assert env.values() == {'A': '1', 'E': '5', 'F': '6', 'C': '3'}
    assert [(p.line, p.code) for p in env.problems] == [(2, 'parse'), (4, 'parse'), (6, 'unterminated-quote')]


def test_an_open_quote_runs_to_the_next_quote_as_in_python_dotenv() -> None:
    env = dotenv.parse('B="open\nC=3\nD="x"\n')
    assert env.values() == {}
    assert [(p.line, p.code) for p in env.problems] == [(1, 'parse')]


def test_problems_never_hold_values() -> None:
    secret = random_body(16)
    env = dotenv.parse(f'A="{secret}\nB={secret} x y\nC=\'{secret}" junk\n')
    assert env.problems
    assert all(secret not in p.message for p in env.problems)


def test_binary_and_undecodable_content() -> None:
    assert dotenv.parse_bytes(b'A=1\x00\x01\x02').problems[0].code == 'binary'
    env = dotenv.parse_bytes(b'A=1\nB=caf\xe9\n')
    assert env.names() == ['A', 'B']
    assert [(p.line, p.code) for p in env.problems] == [(2, 'encoding')]


@pytest.mark.parametrize(
    'text',
    [
        'A="' + 'x' * 10_000_000,  # unterminated quote over 10 MB
        'A=' + 'word ' * 2_000_000 + '\nB=1',  # a 10 MB line
        "A='" + 'a\\' * 1_000_000,  # escapes all the way down
    ],
)
def test_hostile_input_is_linear_and_safe(text: str) -> None:
    env = dotenv.parse(text)
    assert len(env.entries) + len(env.problems) >= 1


@pytest.mark.no_cover  # a CPU-time bound measures the code, not the coverage tracer
def test_a_long_run_of_blanks_before_a_comment_is_linear() -> None:
    """`\\s+#` searched from every blank of the run: minutes for 1 MB (CPU seconds per MB bound)."""
    import time

    started = time.process_time()
    env = dotenv.parse('A=x' + ' ' * 1_000_000 + 'y # comment\nB=' + ' ' * 1_000_000 + 'z\n')
    assert time.process_time() - started < 2.0
    assert env.values() == {'A': 'x' + ' ' * 1_000_000 + 'y', 'B': 'z'}
    assert env.entries[0].inline_comment == 'comment'


def test_duplicates_keep_every_entry_and_the_last_value_wins() -> None:
    env = dotenv.parse('A=1\nA=2\n')
    assert [e.line for e in env.entries] == [1, 2]
    assert env.values() == {'A': '2'}
    assert env.names() == ['A']


def test_interpolation_is_separate_and_follows_python_dotenv() -> None:
    env = dotenv.parse("HOST=db\nURL=postgres://${HOST}:${PORT:-5432}/${MISSING}\nLIT=$HOST\nSQ='${HOST}'\n")
    assert env.values()['URL'] == 'postgres://${HOST}:${PORT:-5432}/${MISSING}'
    out = dotenv.interpolate(env, {'PORT': '6543'})
    assert out['URL'] == 'postgres://db:6543/'
    assert out['LIT'] == '$HOST'
    assert out['SQ'] == 'db'
    assert list(dotenv.references(env.values()['URL'] or '')) == ['HOST', 'PORT', 'MISSING']


@pytest.mark.parametrize('value', ['plain', 'two words', 'quote"inside', 'back\\slash', 'multi\nline', '', '#x'])
def test_quote_value_round_trips(value: str) -> None:
    assert dotenv.parse(f'K={dotenv.quote_value(value)}\n').values() == {'K': value}


def _python_dotenv(text: str) -> dict[str, str | None]:
    logging.disable(logging.CRITICAL)
    try:
        values = dotenv_values(stream=io.StringIO(text), interpolate=False)
    finally:
        logging.disable(logging.NOTSET)
    return {_lf(k): _lf(v) if v is not None else None for k, v in values.items()}


def _lf(text: str) -> str:
    return text.replace('\r\n', '\n').replace('\r', '\n')


def test_same_values_as_python_dotenv_on_generated_input() -> None:
    """Differential test: random statements built from the characters the grammar cares about."""
    rng = random.Random(7)
    alphabet = ['A', 'B', '=', '"', "'", '\\', '#', ' ', '\n', 'x', 'export ', '\r\n', '$', '{', '}', '\t']
    for _ in range(2000):
        text = ''.join(rng.choice(alphabet) for _ in range(rng.randint(1, 30)))
        assert dotenv.parse(text).values() == _python_dotenv(text), repr(text)
