"""Proof of work for public forms: the browser finds a nonce so that SHA-256(challenge ":" nonce)
starts with `bits` zero bits - about a second for a person, a real cost for a flood of submissions.
Challenges are signed (no server state) and single use (recorded in the rate-limit table)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from sqlalchemy.orm import Session

from pantau.errors import PantauError
from pantau.ratelimit import Limit, hit

MAX_AGE_S = 900


def _sign(secret: str, body: str) -> str:
    return hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]


def new_challenge(secret: str, *, now: float | None = None) -> str:
    body = f"{int(now or time.time())}.{secrets.token_hex(8)}"
    return f"{body}.{_sign(secret, body)}"


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def solve(challenge: str, bits: int) -> str:
    """What the browser does (pantau/static/cases/report.js); used by tests and the benchmark."""
    n = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}:{n}".encode()).digest()) < bits:
        n += 1
    return str(n)


def _refuse(en: str, id_: str) -> PantauError:
    return PantauError("bad_proof", en, id_, status=400, field="proof")


def verify(session: Session, secret: str, challenge: str, nonce: str, bits: int) -> None:
    parts = challenge.split(".")
    if len(parts) != 3 or not hmac.compare_digest(
        _sign(secret, f"{parts[0]}.{parts[1]}"), parts[2]
    ):
        raise _refuse(
            "The form's check is missing or invalid; reload the page.",
            "Pemeriksaan formulir tidak ada atau tidak sah; muat ulang halaman.",
        )
    if not parts[0].isdigit() or time.time() - int(parts[0]) > MAX_AGE_S:
        raise _refuse(
            "The form expired; reload the page.", "Formulir kedaluwarsa; muat ulang halaman."
        )
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if len(nonce) > 20 or leading_zero_bits(digest) < bits:
        raise _refuse(
            "The form's check did not pass; reload the page.",
            "Pemeriksaan formulir gagal; muat ulang halaman.",
        )
    if hit(session, f"pow:{parts[1]}", Limit(1, MAX_AGE_S)) > 1:
        raise _refuse("This form was already sent.", "Formulir ini sudah dikirim.")
