"""Binary or text, and which encoding, by content (guard/textcodec.py)."""

from __future__ import annotations

import codecs
import zlib

import pytest

from guard import textcodec
from guard.sources import decode_text
from tests.secrets import binary_blob

TEXT = 'host = "db.internal"\nport = 5432\nname = "café"\n' * 20


@pytest.mark.parametrize('codec', ['utf-16-le', 'utf-16-be', 'utf-32-le', 'utf-32-be'])
def test_wide_text_without_a_bom_is_recognised(codec: str) -> None:
    assert textcodec.sniff(TEXT.encode(codec)) == textcodec.Kind(codec)
    assert decode_text(TEXT.encode(codec)) == TEXT


@pytest.mark.parametrize(
    ('bom', 'codec'),
    [
        (codecs.BOM_UTF8, 'utf-8'),
        (codecs.BOM_UTF16_LE, 'utf-16-le'),
        (codecs.BOM_UTF16_BE, 'utf-16-be'),
        (codecs.BOM_UTF32_LE, 'utf-32-le'),
        (codecs.BOM_UTF32_BE, 'utf-32-be'),
    ],
)
def test_a_bom_names_the_encoding_and_is_dropped(bom: bytes, codec: str) -> None:
    data = bom + TEXT.encode(codec)
    assert textcodec.sniff(data) == textcodec.Kind(codec, len(bom))
    assert decode_text(data) == TEXT


def test_stray_nuls_and_latin1_do_not_make_text_binary() -> None:
    assert decode_text(b'a = 1\0\nb = 2\n') == 'a = 1\0\nb = 2\n'
    assert decode_text('naïve = "café"\n'.encode('latin-1')) == 'na\ufffdve = "caf\ufffd"\n'


@pytest.mark.parametrize(
    'data',
    [
        binary_blob(4096),
        zlib.compress(TEXT.encode() * 50, 9),
        b'\x7fELF\x02\x01\x01' + b'\0' * 64 + binary_blob(512),
        b'\0\1\2\3' * 100,
        bytes(range(32)) * 10,
    ],
    ids=['random', 'zlib', 'elf', 'controls', 'c0'],
)
def test_binaries_are_binary(data: bytes) -> None:
    assert textcodec.sniff(data) == textcodec.BINARY
    assert decode_text(data) is None


def test_int16_samples_are_not_taken_for_utf16() -> None:
    samples = bytes(b for i in range(2000) for b in ((i * 7) % 31, 0))  # small values: every high byte 0
    assert textcodec.sniff(samples) == textcodec.BINARY


def test_scrub_keeps_offsets() -> None:
    assert textcodec.scrub('caf\udce9 x') == 'caf\ufffd x'
    assert textcodec.scrub('plain') == 'plain'


def test_binary_hunks_are_dropped_before_decoding_and_text_kept() -> None:
    from guard.sources.diff import drop_binary_hunks, parse_patch

    def section(name: str, content: bytes) -> bytes:
        lines = content.split(b'\n')
        head = f'diff --git a/{name} b/{name}\nnew file mode 100644\n--- /dev/null\n+++ b/{name}\n'.encode()
        return head + f'@@ -0,0 +1,{len(lines)} @@\n'.encode() + b''.join(b'+' + line + b'\n' for line in lines)

    wide = 'key = value\n'.encode('utf-16-le')
    data = (
        section('a.bin', binary_blob(3000))
        + section('w.txt', wide)
        + section('t.txt', b'x = 1\0  # one stray NUL in a line of text')
    )
    dropped = drop_binary_hunks(data)
    assert len(dropped) < 1000
    patch = parse_patch(dropped.decode('utf-8', 'surrogateescape'))
    assert [(f.path, f.binary) for f in patch.files] == [('a.bin', True), ('w.txt', False), ('t.txt', False)]
    assert [f.text for f in patch.fragments] == ['key = value\n', 'x = 1\0  # one stray NUL in a line of text']
