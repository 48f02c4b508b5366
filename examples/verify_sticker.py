#!/usr/bin/env python3
"""A small, independent verifier of Pantau stickers, written from docs/sticker-format.md alone.

Needs only `cbor2` and `cryptography` (pip install cbor2 cryptography); Base45 is decoded here.

    # check this verifier against the published test vectors
    python verify_sticker.py --vectors docs/sticker-vectors.json

    # verify a sticker's QR text with a server's published documents, the root pinned from a file
    python verify_sticker.py --server https://pantau.example --root root.pem 'PN1:...'

Prints the outcome (valid, not-pantau, tampered, unknown-key, revoked-signer, revoked-sticker,
retired-signer, not-yet-valid, expired) and, for a genuine sticker, its last day. Nothing here
comes from Pantau's own code: it is what a third party would write.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import urllib.request
import zlib
from datetime import UTC, date, datetime, timedelta

import cbor2
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # order of P-256


def b45decode(text: str) -> bytes:
    """RFC 9285. ValueError on a bad character, length or value."""
    if len(text) % 3 == 1:
        raise ValueError("bad Base45 length")
    digits = [B45.index(c) for c in text]  # ValueError on a character outside the alphabet
    out = bytearray()
    for i in range(0, len(digits), 3):
        chunk = digits[i : i + 3]
        n = sum(d * 45**k for k, d in enumerate(chunk))
        if n > (0xFFFF if len(chunk) == 3 else 0xFF):
            raise ValueError("Base45 group too large")
        out += n.to_bytes(2 if len(chunk) == 3 else 1, "big")
    return bytes(out)


def es256_ok(public: ec.EllipticCurvePublicKey, raw: bytes, data: bytes) -> bool:
    """A 64-byte r||s ES256 signature, low S only (section 2)."""
    if len(raw) != 64:
        return False
    r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    if s > N // 2:
        return False
    try:
        public.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def open_sealed(envelope: dict, root: x509.Certificate) -> dict:
    """Section 7: check the root's signature over the exact payload bytes, then parse."""
    raw = base64.b64decode(envelope["payload"], validate=True)
    sig = base64.b64decode(envelope["signature"], validate=True)
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    root.public_key().verify(encode_dss_signature(r, s), raw, ec.ECDSA(hashes.SHA256()))
    return json.loads(raw)


def kid_of(der: bytes) -> bytes:
    return hashlib.sha256(der).digest()[:8]


def load_trust(envelope: dict, root: x509.Certificate) -> dict[bytes, dict]:
    body = open_sealed(envelope, root)
    root_der = root.public_bytes(serialization.Encoding.DER)
    if body["format"] != "pantau-trust-list/1" or base64.b64decode(body["root"]) != root_der:
        raise ValueError("not a trust list of the pinned root")
    signers = {}
    for entry in body["signers"]:
        der = base64.b64decode(entry["cert"])
        cert = x509.load_der_x509_certificate(der)
        cert.verify_directly_issued_by(root)
        if base64.b64decode(entry["kid"]) != kid_of(der):
            raise ValueError("kid does not match its certificate")
        signers[kid_of(der)] = {
            "key": cert.public_key(),
            "revoked": entry["revoked"] is True,
            "use_until": datetime.fromisoformat(entry["use_until"]),
        }
    return signers


def load_status(deltas: list[dict], root: x509.Certificate) -> tuple[set[str], dict[str, str]]:
    """Section 8: apply the deltas in order; returns (revoked serials, moved last days)."""
    version, revoked, last_day = 0, set(), {}
    for envelope in deltas:
        body = open_sealed(envelope, root)
        if body["format"] != "pantau-status-list/1" or body["since"] > version:
            raise ValueError("not a status list, or a gap")
        for e in body["entries"]:
            if e["kind"] not in ("revoked", "last-day"):
                raise ValueError(f"unknown status entry kind {e['kind']}")
        for e in body["entries"]:
            if e["v"] > version and e["kind"] == "revoked":
                revoked.add(e["serial"])
            elif e["v"] > version:
                last_day[e["serial"]] = e["last_day"]
        version = max(version, body["version"])
    return revoked, last_day


def verify(text: str, signers: dict, status: tuple[set, dict], at: datetime) -> tuple[str, str]:
    """Section 5, steps 1-11: (outcome, last day or '')."""
    if not text.startswith("PN1:") or len(text) > 1024:
        return "not-pantau", ""
    try:
        inflater = zlib.decompressobj()
        cose = inflater.decompress(b45decode(text[4:]), 4096)
        if inflater.unconsumed_tail or not inflater.eof:
            raise ValueError("not one complete zlib stream of at most 4,096 bytes")
        msg = cbor2.loads(cose)
        protected, unprotected, payload, sig = msg.value
        header = cbor2.loads(protected)
        if (
            msg.tag != 18
            or unprotected != {}
            or header.get(1) != -7
            or len(header.get(4, b"")) != 8
            or cbor2.dumps({1: -7, 4: header[4]}) != protected
            or cbor2.dumps(cbor2.CBORTag(18, [protected, {}, payload, sig])) != cose
        ):
            raise ValueError("not the one accepted COSE_Sign1 shape")
    except Exception:
        return "tampered", ""
    signer = signers.get(header[4])
    if signer is None:
        return "unknown-key", ""
    if not es256_ok(signer["key"], sig, cbor2.dumps(["Signature1", protected, b"", payload])):
        return "tampered", ""
    try:
        claims = cbor2.loads(payload)
        iat, exp, fields = claims[6], claims[4], claims[-65537]
        serial, last = fields[0], date(1970, 1, 1) + timedelta(days=fields[6])
        if not (isinstance(iat, int) and isinstance(exp, int) and isinstance(serial, str)):
            raise TypeError("wrong claim types")
    except Exception:
        return "tampered", ""
    revoked, moved = status
    last_day = moved.get(serial, last.isoformat())
    now = at.timestamp()
    if signer["revoked"]:
        return "revoked-signer", last_day
    if serial in revoked:
        return "revoked-sticker", last_day
    if iat > (signer["use_until"] + timedelta(days=1)).timestamp():
        return "retired-signer", last_day
    if iat > now + 300:
        return "not-yet-valid", last_day
    if exp <= now:
        return "expired", last_day
    return "valid", last_day


def check_vectors(path: str) -> int:
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    root = x509.load_pem_x509_certificate(doc["root_pem"].encode())
    failed = 0
    for v in doc["vectors"]:
        signers = load_trust(v["trust_list"], root)
        status = load_status(v["status_list"], root)
        outcome, last_day = verify(v["qr_text"], signers, status, datetime.fromisoformat(v["at"]))
        want = v["expected"]
        ok = outcome == want["outcome"] and last_day == want.get("last_day", last_day)
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {v['name']}: {outcome} {last_day}".rstrip())
    print(f"{len(doc['vectors']) - failed} passed, {failed} failed")
    return 1 if failed else 0


def fetch_json(url: str) -> dict:
    if not url.startswith(("https://", "http://")):
        raise ValueError("the server must be an http(s) URL")
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (scheme checked)
        return json.load(response)


def check_sticker(server: str, root_file: str, text: str) -> int:
    with open(root_file, "rb") as fh:
        root = x509.load_pem_x509_certificate(fh.read())
    signers = load_trust(fetch_json(f"{server}/api/v1/trust-list"), root)
    deltas, since = [], 0
    while True:
        delta = fetch_json(f"{server}/api/v1/status-list?since={since}")
        deltas.append(delta)
        body = json.loads(base64.b64decode(delta["payload"]))
        since = body["version"]
        if body["complete"]:
            break
    outcome, last_day = verify(text, signers, load_status(deltas, root), datetime.now(UTC))
    print(outcome, last_day)
    return 0 if outcome == "valid" else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vectors", help="test vectors JSON file to check this verifier against")
    parser.add_argument("--server", help="Pantau server whose published lists to use")
    parser.add_argument("--root", help="the pinned national root certificate (PEM file)")
    parser.add_argument("text", nargs="?", help="the sticker's QR text")
    args = parser.parse_args()
    if args.vectors:
        return check_vectors(args.vectors)
    if not (args.server and args.root and args.text):
        parser.error("give --vectors FILE, or --server URL --root ROOT.pem TEXT")
    return check_sticker(args.server.rstrip("/"), args.root, args.text)


if __name__ == "__main__":
    sys.exit(main())
