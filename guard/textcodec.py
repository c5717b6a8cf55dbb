"""Whether bytes are text, and in which encoding, decided by their content alone.

git's rule (a NUL in the first 8,000 bytes means binary) and `.gitattributes` both let
text hide from a scan: UTF-16 without a byte-order mark is half NULs, and one NUL near the
top of a config file is enough. So the sample is judged by what it is made of: a
byte-order mark names the encoding; UTF-32 and UTF-16 show as NULs in fixed columns; any
other sample is binary only when control bytes or undecodable bytes make up much of it,
as they do in compressed data, images and executables.

Text returned here never holds lone surrogates: ahocorasick_rs, sqlite3 and strict UTF-8
writers all refuse them, so undecodable bytes become U+FFFD (one character per byte, so
offsets into the text stay what they were).
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

SNIFF = 8000  # bytes looked at, as git does
# C0 controls that text does not hold (tab, LF, VT, FF, CR, ESC and SUB stay allowed) and DEL
_CONTROLS = bytes([*range(0x00, 0x09), *range(0x0E, 0x1A), *range(0x1C, 0x20), 0x7F])
_BOMS = (
    (codecs.BOM_UTF32_LE, 'utf-32-le'),
    (codecs.BOM_UTF32_BE, 'utf-32-be'),
    (codecs.BOM_UTF8, 'utf-8'),
    (codecs.BOM_UTF16_LE, 'utf-16-le'),
    (codecs.BOM_UTF16_BE, 'utf-16-be'),
)
_SURROGATE = re.compile('[\ud800-\udfff]')
# UTF-16/32 sample: which byte of each code unit is NUL when the text is mostly
# ASCII/Latin (the only case visible without a byte-order mark), per encoding
_WIDE = (
    ('utf-32-le', 4, (1, 2, 3)),
    ('utf-32-be', 4, (0, 1, 2)),
    ('utf-16-le', 2, (1,)),
    ('utf-16-be', 2, (0,)),
)


class Kind(NamedTuple):
    """How to read some bytes: `codec` None means binary; `bom` bytes to drop at the start."""

    codec: str | None
    bom: int = 0

    @property
    def unit(self) -> int:
        """Bytes per code unit: 4 and 2 for UTF-32 and UTF-16, else 1."""
        return 4 if self.codec and '32' in self.codec else 2 if self.codec and '16' in self.codec else 1


UTF8 = Kind('utf-8')
BINARY = Kind(None)


def sniff(data: bytes) -> Kind:
    """The encoding of the text that `data` starts with, or BINARY."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return Kind(codec, len(bom))
    sample = data[:SNIFF]
    if sample.isascii() and b'\0' not in sample:  # nearly all source: no closer look
        return UTF8
    controls = len(sample) - len(sample.translate(None, _CONTROLS))
    if controls * 10 > len(sample):
        # random bytes (compressed, images, executables) run ~10 % controls, text even with
        # a stray NUL far fewer; UTF-16/32 text is NULs for nearly half or more
        wide = _wide(sample) if sample.count(0) * 20 >= len(sample) * 9 else None
        return wide or BINARY
    try:
        sample.decode('utf-8')
        return UTF8
    except UnicodeDecodeError:  # Latin-1 text, a character cut at the sample's end, or binary
        invalid = len(sample) - len(sample.decode('utf-8', 'ignore').encode('utf-8'))
    return BINARY if (controls + invalid) * 10 > len(sample) * 3 else UTF8


def _wide(sample: bytes) -> Kind | None:
    """UTF-32 or UTF-16 without a byte-order mark: the high bytes of each code unit are NUL
    throughout (nearly: a few non-Latin characters are allowed), the low byte rarely."""
    usable = len(sample) - len(sample) % 4
    if usable < 8:
        return None
    # NULs in each column of 4: enough for both widths (UTF-16's columns pair up)
    zeros4 = [sample[column:usable:4].count(0) for column in range(4)]
    zeros2 = [zeros4[0] + zeros4[2], zeros4[1] + zeros4[3]]
    for codec, unit, zero_columns in _WIDE:
        zeros, units = (zeros4, usable // 4) if unit == 4 else (zeros2, usable // 2)
        text_column = next(c for c in range(unit) if c not in zero_columns)
        if all(zeros[c] * 10 >= units * 9 for c in zero_columns) and zeros[text_column] * 10 < units:
            text = sample[:usable].decode(codec, 'replace')
            printable = sum(1 for ch in text if ch.isprintable() or ch in '\t\n\r')
            if printable * 10 >= len(text) * 9:
                return Kind(codec)
    return None


def decode(data: bytes, kind: Kind) -> str:
    """`data` as text of `kind` (not BINARY); bad sequences become U+FFFD."""
    assert kind.codec is not None
    return data[kind.bom :].decode(kind.codec, 'replace')


def decode_text(data: bytes) -> str | None:
    """Text of a file, or None when it is binary. Never raises on bad encodings."""
    kind = sniff(data)
    return None if kind.codec is None else decode(data, kind)


def scrub(text: str) -> str:
    """`text` without lone surrogates (bytes git output held that were not UTF-8): each
    becomes U+FFFD, so offsets stay. Cheap on the usual ASCII text."""
    if text.isascii():
        return text
    return _SURROGATE.sub('\ufffd', text)
