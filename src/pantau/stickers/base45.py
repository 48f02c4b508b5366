"""Base45 (RFC 9285): the QR alphanumeric-mode friendly encoding used by the EU DCC and Pantau.

Table-driven: every 16-bit pair maps to its three characters through one lookup, and decoding maps
characters to values with `bytes.translate` and combines each group of three in one numpy product
(no Python loop per group), so the per-token cost stays a few microseconds (the pure-Python
`base45` package spends about 17 us per token, shared/DESIGN.md). Anything unusual (a dangling
character, a group above 65535) takes the checking path, which names what is wrong.
"""

from __future__ import annotations

import sys
from array import array
from functools import cache

import numpy as np

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_INVALID = 0xFF
_DECODE = bytes(ALPHABET.index(chr(b)) if chr(b) in ALPHABET else _INVALID for b in range(256))
_BIG_ENDIAN = sys.byteorder == "big"


class Base45Error(ValueError):
    """The text is not valid Base45; the message says where and why."""


@cache
def _triples() -> list[str]:
    # 65,536 three-character strings (about 3 MB), built once on first use.
    a = ALPHABET
    return [a[n % 45] + a[n // 45 % 45] + a[n // 2025] for n in range(65536)]


def b45encode(data: bytes) -> str:
    even = len(data) - len(data) % 2
    pairs = array("H", data[:even])
    if not _BIG_ENDIAN:
        pairs.byteswap()  # RFC 9285 reads each pair as a big-endian number
    out = "".join(map(_triples().__getitem__, pairs))
    if even != len(data):
        out += _triples()[data[-1]][:2]  # a lone byte is two characters: c + 45*d
    return out


def _values(text: str) -> bytes:
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError as exc:
        raise Base45Error(f"not a Base45 character at position {exc.start}") from None
    values = raw.translate(_DECODE)
    bad = values.find(_INVALID)
    if bad >= 0:
        raise Base45Error(f"not a Base45 character {text[bad]!r} at position {bad}")
    if len(values) % 3 == 1:
        raise Base45Error(f"Base45 text of length {len(values)} has a dangling character")
    return values


_WEIGHTS = np.array([1, 45, 2025], dtype=np.uint32)


def b45decode(text: str) -> bytes:
    values = _values(text)
    if len(values) % 3 == 0:
        numbers = np.frombuffer(values, np.uint8).reshape(-1, 3) @ _WEIGHTS
        if not numbers.size or int(numbers.max()) <= 0xFFFF:
            return numbers.astype(">u2").tobytes()
    return _checked_decode(values)


def _checked_decode(values: bytes) -> bytes:
    full = len(values) - len(values) % 3
    numbers = [
        c + 45 * d + 2025 * e
        for c, d, e in zip(values[0:full:3], values[1:full:3], values[2:full:3], strict=True)
    ]
    if numbers and max(numbers) > 0xFFFF:
        at = next(i for i, n in enumerate(numbers) if n > 0xFFFF) * 3
        raise Base45Error(f"Base45 triple at position {at} is above 65535")
    pairs = array("H", numbers)
    if not _BIG_ENDIAN:
        pairs.byteswap()
    out = pairs.tobytes()
    if full != len(values):
        n = values[-2] + 45 * values[-1]
        if n > 0xFF:
            raise Base45Error(f"Base45 final pair at position {full} is above 255")
        out += bytes((n,))
    return out
