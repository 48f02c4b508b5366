"""Signed JSON documents for scanners: the trust list and the status list.

Envelope: {"payload": base64(JSON bytes), "kid": base64(root kid), "signature": base64(r||s)}, an
ES256 signature by the national root over the exact payload bytes - so a verifier checks the bytes
before parsing them and needs no JSON canonicalisation. Storage stays outside: the database layer
(or a file key store) hands in signers and status entries, and gets documents back.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from pantau.stickers.cose import CoseError, Sign, der_signature, raw_signature
from pantau.stickers.pki import KeyStore, cert_der, issued_by, kid_of

TRUST_FORMAT = "pantau-trust-list/1"
STATUS_FORMAT = "pantau-status-list/1"
REVOKED, LAST_DAY = "revoked", "last-day"  # kinds of status entries


class DocumentError(ValueError):
    """A trust or status document is malformed, or not signed by the pinned root."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def seal(payload: dict[str, Any], *, root_kid: bytes, sign: Sign) -> dict[str, str]:
    raw = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return {"payload": b64(raw), "kid": b64(root_kid), "signature": b64(raw_signature(sign(raw)))}


def open_sealed(doc: dict[str, Any], root: x509.Certificate) -> dict[str, Any]:
    """The payload, once its signature checks out against the pinned root; else DocumentError."""
    try:
        raw = base64.b64decode(doc["payload"], validate=True)
        sig = der_signature(base64.b64decode(doc["signature"], validate=True))
    except (KeyError, TypeError, ValueError, CoseError) as exc:
        raise DocumentError(f"not a signed Pantau document: {exc}") from None
    public = root.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey):
        raise DocumentError("the pinned root is not an EC key")
    try:
        public.verify(sig, raw, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise DocumentError("signature does not match the national root") from None
    payload = json.loads(raw)
    if not isinstance(payload, dict):
        raise DocumentError("payload is not a JSON object")
    return payload


@dataclass(frozen=True)
class Signer:
    kid: bytes
    code: str
    cert: x509.Certificate
    revoked: bool
    use_until: datetime | None = None  # signs new stickers until then; verifies for cert's life

    @cached_property
    def public_key(self) -> object:
        """The certificate's key, decoded once per trust list (not once per sticker verified)."""
        return self.cert.public_key()


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
        if "root" in body and base64.b64decode(body["root"]) != cert_der(root):
            raise DocumentError("the trust list names another root than the pinned one")
        try:
            signers = dict(_signer(entry, root) for entry in body["signers"])
            return cls(root, signers, datetime.fromisoformat(body["issued_at"]))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, DocumentError):
                raise
            raise DocumentError(f"malformed trust list: {exc!r}") from None


def _signer(entry: dict[str, Any], root: x509.Certificate) -> tuple[bytes, Signer]:
    cert = x509.load_der_x509_certificate(base64.b64decode(entry["cert"]))
    if not issued_by(cert, root):
        raise DocumentError(f"signer {entry['code']} is not issued by the root")
    kid = kid_of(cert)
    if "kid" in entry and base64.b64decode(entry["kid"]) != kid:
        raise DocumentError(f"signer {entry['code']}: kid does not match its certificate")
    use_until = datetime.fromisoformat(entry["use_until"]) if entry.get("use_until") else None
    return kid, Signer(kid, str(entry["code"]), cert, bool(entry.get("revoked")), use_until)


def build_trust_list(
    root: x509.Certificate,
    signers: Iterable[Signer],
    *,
    sign: Sign,
    issued_at: datetime | None = None,
) -> dict[str, str]:
    """The signed trust list; `sign` is the root key's signing function."""
    payload = {
        "format": TRUST_FORMAT,
        "issuer": "ID",
        "issued_at": (issued_at or datetime.now(UTC)).isoformat(),
        "root": b64(cert_der(root)),
        "signers": [
            {
                "kid": b64(s.kid),
                "code": s.code,
                "cert": b64(cert_der(s.cert)),
                "use_until": (s.use_until or s.cert.not_valid_after_utc).isoformat(),
                "not_after": s.cert.not_valid_after_utc.isoformat(),
                "revoked": s.revoked,
            }
            for s in signers
        ],
    }
    return seal(payload, root_kid=kid_of(root), sign=sign)


@dataclass(frozen=True)
class StatusEntry:
    """One change a scanner must know: a revoked sticker, or a permit's moved last day."""

    version: int  # strictly increasing across the whole status list
    serial: str
    kind: str  # REVOKED or LAST_DAY
    last_day: date | None = None
    reason: str | None = None  # of a revocation: departed, reissued, deportation, ...

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"v": self.version, "serial": self.serial, "kind": self.kind}
        if self.last_day is not None:
            out["last_day"] = self.last_day.isoformat()
        if self.reason is not None:
            out["reason"] = self.reason
        return out


def build_status_delta(
    entries: Iterable[StatusEntry],
    *,
    since: int,
    sign: Sign,
    root_kid: bytes,
    complete: bool = True,
    issued_at: datetime | None = None,
) -> dict[str, str]:
    """The signed delta after version `since`: entries with since < v, in version order.
    `complete=False` says more entries follow (the caller capped the page)."""
    rows = sorted((e for e in entries if e.version > since), key=lambda e: e.version)
    payload = {
        "format": STATUS_FORMAT,
        "since": since,
        "version": rows[-1].version if rows else since,
        "complete": complete,
        "issued_at": (issued_at or datetime.now(UTC)).isoformat(),
        "entries": [e.to_json() for e in rows],
    }
    return seal(payload, root_kid=root_kid, sign=sign)


@dataclass
class StatusCache:
    """What a scanner knows of revocations and moved last days, brought up to date by deltas."""

    version: int = 0
    revoked: set[str] = field(default_factory=set)
    last_day: dict[str, date] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # why a revoked sticker was revoked

    def apply(self, doc: dict[str, Any], root: x509.Certificate) -> int:
        """Apply one signed delta; returns how many entries were new. A delta that starts after
        this cache's version would leave a gap and is refused; an older one changes nothing.
        Every entry is checked before any is applied, so a bad document leaves the cache as it was."""
        body = open_sealed(doc, root)
        if body.get("format") != STATUS_FORMAT:
            raise DocumentError("not a Pantau status list")
        try:
            since, version = int(body["since"]), int(body["version"])
            entries = [_status_entry(e, since, version) for e in body["entries"]]
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, DocumentError):
                raise
            raise DocumentError(f"malformed status list: {exc!r}") from None
        if since > self.version:
            raise DocumentError(f"delta starts at {since}, cache is at {self.version}")
        fresh = [e for e in entries if e.version > self.version]
        for e in fresh:
            if e.kind == REVOKED:
                self.revoked.add(e.serial)
                if e.reason:
                    self.reasons[e.serial] = e.reason
            elif e.last_day is not None:
                self.last_day[e.serial] = e.last_day
        self.version = max(self.version, version)
        return len(fresh)


def _status_entry(e: dict[str, Any], since: int, version: int) -> StatusEntry:
    v = int(e["v"])
    if not since < v <= version:
        raise DocumentError(f"entry version {v} outside ({since}, {version}]")
    if e["kind"] == REVOKED:
        reason = e.get("reason")
        return StatusEntry(v, str(e["serial"]), REVOKED, reason=str(reason) if reason else None)
    if e["kind"] == LAST_DAY:
        return StatusEntry(v, str(e["serial"]), LAST_DAY, date.fromisoformat(e["last_day"]))
    raise DocumentError(f"unknown status entry kind {e['kind']!r}")


def apply_deltas(cache: StatusCache, docs: Iterable[dict[str, Any]], root: x509.Certificate) -> int:
    """Apply deltas in order (oldest first); returns how many entries were new."""
    return sum(cache.apply(doc, root) for doc in docs)


def export_trust_list(store: KeyStore, *, issued_at: datetime | None = None) -> dict[str, str]:
    """The signed trust list of every signer a key store holds, revoked ones flagged."""
    signers = [Signer(s.kid, s.code, s.cert, s.revoked, s.use_until) for s in store.signers()]
    return build_trust_list(
        store.root_cert(), signers, sign=store.root_signer(), issued_at=issued_at
    )
