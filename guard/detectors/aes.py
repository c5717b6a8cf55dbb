"""AES-128 decryption in CBC mode (FIPS-197, SP 800-38A), in pure Python.

guard decrypts one kind of file with it: a credential store encrypted under a key its vendor
publishes (DBeaver's credentials-config.json, see dbeaver.py), a few kilobytes at most. The
`cryptography` package would do it in C, but it is a 4.7 MB wheel (and cffi) for a file most
repositories never hold; this is a few ms per kilobyte, imported only when such a file is read.
"""

from __future__ import annotations

from collections.abc import Sequence

BLOCK = 16


def _xtime(a: int) -> int:
    """`a` times x in GF(2^8) modulo AES's polynomial x^8 + x^4 + x^3 + x + 1."""
    a <<= 1
    return (a ^ 0x11B) if a & 0x100 else a


def _mul(a: int, b: int) -> int:
    out = 0
    while b:
        if b & 1:
            out ^= a
        a, b = _xtime(a), b >> 1
    return out


def _sbox() -> tuple[bytes, bytes]:
    """The S-box and its inverse, computed (multiplicative inverse, then the affine map) rather than
    typed out: a mistyped table entry would decrypt almost everything almost right."""
    power, log = [0] * 255, [0] * 256  # of the generator 3: a's inverse is 3^(255 - log a)
    a = 1
    for i in range(255):
        power[i], log[a] = a, i
        a ^= _xtime(a)
    inverse = [0] + [power[(255 - log[a]) % 255] for a in range(1, 256)]
    sbox = bytearray(256)
    for a in range(256):
        b = inverse[a]
        rotations = b ^ ((b << 1) | (b >> 7)) ^ ((b << 2) | (b >> 6)) ^ ((b << 3) | (b >> 5)) ^ ((b << 4) | (b >> 4))
        sbox[a] = (rotations ^ 0x63) & 0xFF
    inv = bytearray(256)
    for a, s in enumerate(sbox):
        inv[s] = a
    return bytes(sbox), bytes(inv)


SBOX, INV_SBOX = _sbox()
_M9, _M11, _M13, _M14 = (bytes(_mul(a, k) for a in range(256)) for k in (9, 11, 13, 14))


def expand_key(key: bytes) -> list[bytes]:
    """The 11 round keys of an AES-128 key."""
    if len(key) != 16:
        raise ValueError('AES-128 takes a 16-byte key')
    words = [key[i : i + 4] for i in range(0, 16, 4)]
    rcon = 1
    for i in range(4, 44):
        word = words[i - 1]
        if i % 4 == 0:
            word = bytes([SBOX[word[1]] ^ rcon, SBOX[word[2]], SBOX[word[3]], SBOX[word[0]]])
            rcon = _xtime(rcon)
        words.append(bytes(a ^ b for a, b in zip(words[i - 4], word, strict=True)))
    return [b''.join(words[r * 4 : r * 4 + 4]) for r in range(11)]


def decrypt_block(block: bytes, round_keys: Sequence[bytes]) -> bytes:
    """One 16-byte block through the inverse cipher. The state is column-major: byte r + 4c."""
    state = [b ^ k for b, k in zip(block, round_keys[10], strict=True)]
    for rnd in range(9, -1, -1):
        # InvShiftRows (row r moves r columns right), InvSubBytes, AddRoundKey
        state = [
            INV_SBOX[state[r + 4 * ((c - r) % 4)]] ^ round_keys[rnd][r + 4 * c] for c in range(4) for r in range(4)
        ]
        if rnd:
            state = _inv_mix_columns(state)
    return bytes(state)


def _inv_mix_columns(state: list[int]) -> list[int]:
    out: list[int] = []
    for c in range(0, 16, 4):
        a0, a1, a2, a3 = state[c : c + 4]
        out += (
            _M14[a0] ^ _M11[a1] ^ _M13[a2] ^ _M9[a3],
            _M9[a0] ^ _M14[a1] ^ _M11[a2] ^ _M13[a3],
            _M13[a0] ^ _M9[a1] ^ _M14[a2] ^ _M11[a3],
            _M11[a0] ^ _M13[a1] ^ _M9[a2] ^ _M14[a3],
        )
    return out


def decrypt_cbc(key: bytes, iv: bytes, data: bytes) -> bytes | None:
    """`data` decrypted in CBC mode with PKCS#7 padding removed; None when the length or the padding
    is wrong (another key, or not this cipher at all)."""
    if not data or len(data) % BLOCK or len(iv) != BLOCK:
        return None
    keys = expand_key(key)
    plain = bytearray()
    previous = iv
    for at in range(0, len(data), BLOCK):
        block = data[at : at + BLOCK]
        plain += bytes(a ^ b for a, b in zip(decrypt_block(block, keys), previous, strict=True))
        previous = block
    pad = plain[-1]
    if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
        return None
    return bytes(plain[:-pad])
