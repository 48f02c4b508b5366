"""Base45 against RFC 9285's examples and a plain reference implementation."""

from __future__ import annotations

import os

import pytest

from pantau.stickers.base45 import ALPHABET, Base45Error, b45decode, b45encode


def reference_encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        out += [ALPHABET[n % 45], ALPHABET[n // 45 % 45], ALPHABET[n // 2025]]
    if len(data) % 2:
        out += [ALPHABET[data[-1] % 45], ALPHABET[data[-1] // 45]]
    return "".join(out)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
    ],
)
def test_rfc_9285_examples(raw, text):
    assert b45encode(raw) == text and b45decode(text) == raw


def test_round_trip_every_length_and_edge_values():
    assert b45encode(b"") == "" and b45decode("") == b""
    assert b45decode(b45encode(b"\xff\xff\xff")) == b"\xff\xff\xff"
    assert b45encode(b"\xff\xff") == "FGW"  # 65535, the largest triple
    for length in range(300):
        data = os.urandom(length)
        text = b45encode(data)
        assert text == reference_encode(data)
        assert b45decode(text) == data


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("GGW", "above 65535"),  # 65536
        ("ZZZ", "above 65535"),
        ("::", "above 255"),
        ("abc", "'a' at position 0"),
        ("AB\u00e9", "position 2"),
        ("BB8A", "dangling"),
        ("BB8\n", "position 3"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(text, words):
    with pytest.raises(Base45Error, match=words):
        b45decode(text)
