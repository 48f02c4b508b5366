"""Stickers issued and verified per second, beside raw P-256 verifications in the same run.

    .venv/bin/python bench/stickers.py [seconds-per-measure]

Issue = build claims + ES256 sign + zlib + Base45, then the QR code (segno, error correction Q).
The passport binding (PBKDF2, deliberately slow) is measured on its own line. Verify = Base45 + zlib
+ COSE decode + ES256 verify + claims, against a trust list loaded once. QR decodes = zxing-cpp on
a rendered sticker image already in memory.
"""

from __future__ import annotations

import io
import secrets
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import segno
import zxingcpp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from PIL import Image

from pantau.stickers import render
from pantau.stickers.pki import FileKeyStore
from pantau.stickers.scan import QR_ONLY
from pantau.stickers.token import Claims, binding_value, encode_token
from pantau.stickers.trustlist import TrustList, export_trust_list
from pantau.stickers.verify import verify_token


def rate(fn: Callable[[], object], seconds: float) -> float:
    fn()  # warm-up
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(20):
            fn()
        n += 20
    return n / elapsed


def claims(now: datetime, salt: bytes, binding: bytes) -> Claims:
    return Claims(
        serial="ID" + secrets.token_hex(5).upper(),
        stay_id=uuid.uuid4().bytes,
        permit="visa-exemption",
        nationality="AUS",
        entry_date=now.date(),
        checkpoint="CGK",
        last_day=now.date() + timedelta(days=29),
        issued_at=now,
        expires_at=now + timedelta(days=395),
        bind_salt=salt,
        binding=binding,
    )


def main(seconds: float) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as tmp:
        store = FileKeyStore(Path(tmp) / "keys", secrets.token_bytes(16))
        store.init(["CGK"])
        kid, sign = store.signer_for("CGK")
        trust = TrustList.from_document(export_trust_list(store), store.root_cert())
    salt = secrets.token_bytes(8)
    bind = binding_value(
        salt, document_number="PA1234567", nationality="AUS", birth_date=date(1990, 5, 17)
    )
    text = encode_token(claims(now, salt, bind), kid=kid, signer=sign)
    public = next(iter(trust.signers.values())).cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    data = b"x" * 200
    der = sign(data)
    image = Image.open(io.BytesIO(render.png(text, scale=4))).convert("L")
    image.load()

    def issue(mask: int | None) -> Callable[[], object]:
        def run() -> object:
            token = encode_token(claims(now, salt, bind), kid=kid, signer=sign)
            return segno.make(token, error="q", micro=False, mask=mask)

        return run

    rows = [
        (
            "stickers signed (token only)",
            lambda: encode_token(claims(now, salt, bind), kid=kid, signer=sign),
        ),
        ("stickers issued (sign + QR, automatic mask)", issue(None)),
        ("stickers issued (sign + QR, fixed mask)", issue(0)),
        (
            "stickers issued (sign + QR + SVG bytes)",
            lambda: render.svg(encode_token(claims(now, salt, bind), kid=kid, signer=sign)),
        ),
        (
            "passport bindings (PBKDF2, 100k rounds)",
            lambda: binding_value(
                salt, document_number="PA1234567", nationality="AUS", birth_date=date(1990, 5, 17)
            ),
        ),
        ("stickers verified (full path)", lambda: verify_token(text, trust, at=now)),
        (
            "raw P-256 signature verifications",
            lambda: public.verify(der, data, ec.ECDSA(hashes.SHA256())),
        ),
        (
            "QR decodes (zxing-cpp, QRCode only)",
            lambda: zxingcpp.read_barcodes(image, formats=QR_ONLY),
        ),
    ]
    print(f"token: {len(text)} characters, QR version {segno.make(text, error='q').designator}")
    for name, fn in rows:
        # Bindings are slow on purpose: a short run is enough to show it.
        per_s = rate(fn, seconds / 4 if "PBKDF2" in name else seconds)
        print(f"{name:<46} {per_s:>10,.0f} /s")
    assert verify_token(text, trust, at=now).valid


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 1.5)
