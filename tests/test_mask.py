"""guard.mask: mask(text), the Masker and the stream, on the engine's real detectors."""

from __future__ import annotations

import pytest

from guard.detectors.base import secret_finding
from guard.mask import Masker, default_masker, mask
from guard.mask.engine import default_detectors
from guard.mask.stream import TextStream, mask_bytes
from guard.models import Finding, Fragment, Severity
from tests.masksamples import CLEAN, FOOTER, HEADER, github_token, jwt, password, planted, private_key, random_body


@pytest.mark.parametrize(('line', 'secret'), planted())
def test_every_planted_format_is_masked_and_nothing_else_changes(line: str, secret: str) -> None:
    masked = mask(line)
    assert secret not in masked
    start = line.index(secret)
    before, after = line[:start], line[start + len(secret) :].replace(secret, '')
    assert masked.startswith(before), masked
    assert masked.endswith(after), masked
    assert f'({len(secret)})' in masked


@pytest.mark.parametrize('line', CLEAN)
def test_clean_lines_are_unchanged(line: str) -> None:
    assert mask(line) == line


def test_previews_show_a_token_prefix_and_only_a_password_length() -> None:
    token, pw = github_token(), password()
    assert mask(f'token {token} ok') == 'token ghp_…(40) ok'
    assert mask(f'dsn postgresql://app:{pw}@db.acme.io/app') == f'dsn postgresql://app:…({len(pw)})@db.acme.io/app'


def test_every_occurrence_of_a_secret_is_masked() -> None:
    token = github_token()
    assert mask(f'{token} retried with {token}') == 'ghp_…(40) retried with ghp_…(40)'


def test_an_inline_allow_in_a_log_line_unmasks_nothing() -> None:
    token = github_token()
    assert token not in mask(f'token {token}  # guard:allow')


def test_masking_twice_changes_nothing_more() -> None:
    text = '\n'.join(line for line, _ in planted())
    once = mask(text)
    assert mask(once) == once


def test_private_key_blocks_are_masked_as_written() -> None:
    block, body = private_key()
    for text in (
        f'loaded key:\n{block}\ndone',
        f'loaded key: {block.replace(chr(10), " ")} done',
        'config {"key": "' + block.replace('\n', '\\n') + '"}',
    ):
        masked = mask(text)
        assert not any(line in masked for line in body), masked
        assert HEADER in masked and FOOTER in masked
        assert masked.startswith('loaded key:') or masked.startswith('config')


def test_a_jwt_is_masked_anywhere() -> None:
    token = jwt()
    for text in (token, f'?access_token={token}&x=1', f'"{token}"', f'cookie={token};'):
        assert token not in mask(text)
        assert 'eyJh…' in mask(text)


def test_literal_values_are_masked_wherever_they_appear() -> None:
    value = 'correct-horse-battery'  # a value no rule knows: only the literal finds it
    masker = default_masker().with_values([value, 'ab'])
    assert masker.mask(f'hello {value}!') == 'hello …(21)!'
    assert masker.mask('ab is too short to mask') == 'ab is too short to mask'
    assert default_masker().mask(f'hello {value}!') == f'hello {value}!'


def test_non_utf8_bytes_pass_through_and_secrets_around_them_are_masked() -> None:
    token = github_token()
    data = b'caf\xe9 \xff\xfe ' + token.encode() + b' \x80end\n' + b'plain\r\n'
    out: list[bytes] = []
    stats = mask_bytes(default_masker(), iter([data]), out.append)
    assert b''.join(out) == data.replace(token.encode(), 'ghp_…(40)'.encode())
    assert stats.masked == 1 and stats.failed == 0


def test_a_key_block_split_over_reads_is_held_until_its_end_line() -> None:
    block, body = private_key()
    data = f'before\n{block}\nafter\n'.encode()
    out: list[bytes] = []
    mask_bytes(default_masker(), iter(data[i : i + 7] for i in range(0, len(data), 7)), out.append)
    text = b''.join(out).decode()
    assert not any(line in text for line in body)
    assert text.startswith('before\n' + HEADER) and text.endswith(FOOTER + '\nafter\n')


def test_a_50_mb_line_is_masked_window_by_window() -> None:
    token, pw = github_token(), password()
    filler = 'x=1 ' * 250_000  # 1 MB
    pieces = [filler] * 50
    pieces[10] = filler + f' token {token} '
    pieces[30] = filler[:-3] + f' password={pw} '  # close to a window's edge
    text = ''.join(pieces)
    masked = mask(text)
    assert token not in masked and pw not in masked
    assert masked.count('ghp_…(40)') == 1
    assert len(masked) == len(text) - 40 + len('ghp_…(40)') - len(pw) + len(f'…({len(pw)})')


def test_a_secret_across_every_window_cut_is_masked() -> None:
    """Fed in pieces that end at every offset around the secret, the output never holds it."""
    token = github_token()
    text = 'a' * 100 + ' ' + token + ' ' + 'b' * 100
    for cut in range(95, 150, 3):
        out: list[str] = []
        stream = TextStream(default_masker(), out.append)
        stream.feed(text[:cut])
        stream.feed(text[cut:])
        stream.close()
        assert ''.join(out) == text.replace(token, 'ghp_…(40)')


class Exploding:
    """A detector that fails on one word, as a buggy extra rule would."""

    id = 'exploding'
    keywords = frozenset({'kaboom'})
    reports = {'x': 'a test'}
    accepts_path = None

    def detect(self, fragment: Fragment) -> list[Finding]:
        if 'kaboom' in fragment.text:
            raise RuntimeError(f'cannot parse {fragment.text}')
        return [secret_finding(fragment, 0, 'x', rule_id='x', severity=Severity.LOW, message='x')]


def test_a_block_whose_masking_fails_is_withheld_not_passed_on() -> None:
    token = github_token()
    masker = Masker([*default_detectors(), Exploding()])
    out: list[bytes] = []
    stats = mask_bytes(masker, iter([f'kaboom {token}\nsecond line\n'.encode()]), out.append)
    text = b''.join(out).decode()
    assert token not in text and 'second line' not in text
    assert text == 'guard mask: 2 lines withheld: masking them failed (RuntimeError)\n'
    assert stats.failed == 1
    out.clear()
    mask_bytes(masker, iter([b'fine line\n']), out.append)
    assert out == [b'fine line\n']


def test_a_long_clean_text_is_unchanged() -> None:
    text = '\n'.join(CLEAN * 20000)
    assert len(text) > 1 << 20
    assert mask(text) == text


def test_bearer_prose_stays_and_tokens_go() -> None:
    tok = random_body(32)
    assert mask('Bearer token missing') == 'Bearer token missing'
    assert mask(f'bearer {tok}') == f'bearer {tok[:4]}…(32)'


def test_kafka_and_oracle_passwords_are_masked_whatever_the_host() -> None:
    pw, other = random_body(16), random_body(12)
    jaas = (
        'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required '
        f'username="svc" password="{pw}";'
    )
    assert mask(jaas) == jaas.replace(pw, f'…({len(pw)})')
    oracle = f'running sqlplus app/{other}@//localhost:1521/ORCL'
    assert mask(oracle) == oracle.replace(other, f'…({len(other)})')
