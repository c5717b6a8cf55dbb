"""`guard mask`'s byte path scans only the lines with a keyword: it must mask what one scan of
the whole text masks, secrets written across lines included."""

from __future__ import annotations

import pytest

from guard.mask import default_masker, mask
from guard.mask.stream import mask_bytes
from tests.masksamples import CLEAN, github_token, planted, private_key, random_body

FILLER = 'INFO app.orders: order 48213 shipped\n' * 6  # lines no detector has a keyword for


def multi_line_cases() -> list[tuple[str, str, str, bool]]:
    """(name, text, the secret in it, whether the stream holds it until it ends) where the
    secret's own line holds no keyword."""
    pw, key = random_body(16), private_key()
    return [
        ('value on the line after its key', f'settings:\n  password:\n    {pw}\n  host: db\n', pw, False),
        ('json name, then value', f'{{"name": "password",\n "value": "{pw}"}}\n', pw, False),
        (
            'command continued over lines',
            f'+ mysql \\\n    --host db.acme.io \\\n    --port 3306 \\\n    --user deploy \\\n'
            f'    -p{pw} \\\n    orders\n',
            pw,
            True,
        ),
        ('secret repeated far from its key', f'login password={pw} failed\n{FILLER}retrying as {pw}\n', pw, False),
        ('private key body', f'loaded key\n{key[0]}\n', key[1][3], True),
    ]


def masked_bytes(data: bytes, *, piece: int | None = None) -> bytes:
    out: list[bytes] = []
    chunks = [data] if piece is None else [data[i : i + piece] for i in range(0, len(data), piece)]
    mask_bytes(default_masker(), iter(chunks), out.append)
    return b''.join(out)


@pytest.mark.parametrize(('name', 'text', 'secret', 'held'), multi_line_cases(), ids=[c[0] for c in multi_line_cases()])
def test_secrets_across_lines_are_masked_as_a_whole_scan_masks_them(
    name: str, text: str, secret: str, held: bool
) -> None:
    whole = FILLER + text + FILLER
    assert secret not in mask(whole)  # what one scan of the whole text finds
    assert masked_bytes(whole.encode()).decode() == mask(whole)
    if held:  # read a few bytes at a time (a pipe that trickles), the stream waits for its end
        assert masked_bytes(whole.encode(), piece=50).decode() == mask(whole)


@pytest.mark.parametrize('filler', [1, 40], ids=['keywords on most lines', 'keywords on few lines'])
def test_a_log_masks_as_one_scan_of_it_does(filler: int) -> None:
    token = github_token()
    lines = [*CLEAN, *(line for line, _ in planted()), f'caf\xe9 {token}', *(FILLER * filler).splitlines()] * 3
    text = '\n'.join(lines) + '\n'
    data = text.encode('latin-1', 'replace').replace(b'caf\xe9', b'caf\xe9\xff')  # bytes that are not UTF-8
    decoded = data.decode('utf-8', 'surrogateescape')
    expected = mask(decoded).encode('utf-8', 'surrogateescape')
    assert expected != data and token.encode() not in expected
    assert masked_bytes(data) == expected
    assert masked_bytes(data, piece=4096) == expected


def test_lines_without_a_keyword_are_the_bytes_that_came_in() -> None:
    data = b'plain \xff\xfe line\r\nanother\tline\n' + FILLER.encode() + b'no newline at the end'
    assert masked_bytes(data) == data
