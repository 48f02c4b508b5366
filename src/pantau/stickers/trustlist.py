"""Signed JSON documents for scanners: the trust list and the status list.

Envelope: {"payload": base64(JSON bytes), "kid": base64(root kid), "signature": base64(r||s)}, an
ES256 signature by the national root over the exact payload bytes - so a verifier checks the bytes
before parsing them and needs no JSON canonicalisation.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from pantau.stickers.cose import CoseError, der_signature, raw_signature
from pantau.stickers.pki import issued_by, kid_of

TRUST_FORMAT = "pantau-trust-list/1"
STATUS_FORMAT = "pantau-status-list/1"


class DocumentError(ValueError):
    pass


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def seal(payload: dict[str, Any], *, root_kid: bytes, sign: Any) -> dict[str, str]:
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return {"payload": b64(raw), "kid": b64(root_kid), "signature": b64(raw_signature(sign(raw)))}


def open_sealed(doc: dict[str, Any], root: x509.Certificate) -> dict[str, Any]:
    try:
        raw = base64.b64decode(doc["payload"], validate=True)
        sig = der_signature(base64.b64decode(doc["signature"], validate=True))
    except (KeyError, TypeError, ValueError, CoseError) as exc:
        raise DocumentError(f"not a signed Pantau document: {exc}") from None
    public = root.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    try:
        public.verify(sig, raw, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise DocumentError("signature does not match the national root") from None
    payload: dict[str, Any] = json.loads(raw)
    return payload


@dataclass(frozen=True)
class Signer:
    kid: bytes
    code: str
    cert: x509.Certificate
    revoked: bool


@dataclass
class TrustList:
    """Signer certificates by kid, checked against the pinned root."""

    root: x509.Certificate
    signers: dict[bytes, Signer]
    issued_at: datetime

    @classmethod
    def from_document(cls, doc: dict[str, Any], root: x509.Certificate) -> TrustList:
        body = open_sealed(doc, root)
        if body.get("format") != TRUST_FORMAT:
            raise DocumentError("not a Pantau trust list")
        signers: dict[bytes, Signer] = {}
        for entry in body["signers"]:
            cert = x509.load_der_x509_certificate(base64.b64decode(entry["cert"]))
            if not issued_by(cert, root):
                raise DocumentError(f"signer {entry['code']} is not issued by the root")
            kid = kid_of(cert)
            signers[kid] = Signer(kid, entry["code"], cert, bool(entry.get("revoked")))
        return cls(root, signers, datetime.fromisoformat(body["issued_at"]))


@dataclass
class StatusCache:
    """What a scanner knows of revocations and moved last days, brought up to date by deltas."""

    version: int = 0
    revoked: set[str] = field(default_factory=set)
    last_day: dict[str, date] = field(default_factory=dict)

    def apply(self, doc: dict[str, Any], root: x509.Certificate) -> int:
        body = open_sealed(doc, root)
        if body.get("format") != STATUS_FORMAT:
            raise DocumentError("not a Pantau status list")
        if int(body["since"]) > self.version:
            raise DocumentError(f"delta starts at {body['since']}, cache is at {self.version}")
        for e in body["entries"]:
            if e["kind"] == "revoked":
                self.revoked.add(e["serial"])
            elif e["kind"] == "last-day":
                self.last_day[e["serial"]] = date.fromisoformat(e["last_day"])
        self.version = max(self.version, int(body["version"]))
        return len(body["entries"])


def now_iso() -> str:
    return datetime.now(UTC).isoformat()
