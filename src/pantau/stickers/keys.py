"""Key management in PostgreSQL: the root and the document signers, private keys encrypted with the
key ring outside the database. `KeyStore` is the protocol a hardware module could implement later.

Signers rotate: each signs new stickers for SIGNER_USE_DAYS; when a code has no signer in its use
period, issuing makes a fresh one, and old signers stay on the trust list so that the stickers they
signed keep verifying. Revoking a signer makes its stickers fail everywhere once scanners refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.orm import Session

from pantau.audit.services import Actor, record_event
from pantau.db import utcnow
from pantau.errors import Conflict, NotFound
from pantau.pii import PiiCipher
from pantau.stickers import pki
from pantau.stickers.documents import STATUS_FORMAT, TRUST_FORMAT, b64, now_iso, seal
from pantau.stickers.models import SigningKey

KEY_CONTEXT = "signing_key.private_key"
Sign = Callable[[bytes], bytes]


class KeyStore(Protocol):
    def signer_for(self, code: str, *, actor: Actor) -> tuple[bytes, Sign]: ...
    def root_signer(self) -> tuple[bytes, Sign]: ...


class KeyService:
    def __init__(self, session: Session, *, cipher: PiiCipher) -> None:
        self.session = session
        self.cipher = cipher

    # --- store ---------------------------------------------------------------------------------
    def _save(
        self,
        kind: str,
        code: str,
        key: ec.EllipticCurvePrivateKey,
        cert: x509.Certificate,
        use_days: int,
    ) -> SigningKey:
        now = utcnow()
        row = SigningKey(
            kid=pki.kid_of(cert),
            kind=kind,
            code=code,
            cert_der=pki.cert_der(cert),
            private_key=self.cipher.encrypt(pki.key_pkcs8(key).hex(), KEY_CONTEXT),
            created_at=now,
            use_until=now + timedelta(days=use_days),
            not_after=cert.not_valid_after_utc,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def _private(self, row: SigningKey) -> ec.EllipticCurvePrivateKey:
        return pki.load_key(bytes.fromhex(self.cipher.decrypt(row.private_key, KEY_CONTEXT)))

    def _sign_with(self, row: SigningKey) -> Sign:
        key = self._private(row)
        return lambda data: key.sign(data, ec.ECDSA(hashes.SHA256()))

    def root_row(self) -> SigningKey | None:
        return self.session.scalar(
            sa.select(SigningKey)
            .where(SigningKey.kind == "root", SigningKey.revoked_at.is_(None))
            .order_by(SigningKey.created_at.desc())
            .limit(1)
        )

    def root_cert(self) -> x509.Certificate:
        row = self.root_row()
        if row is None:
            raise NotFound(
                "no_root",
                "No national root key yet: run `pantau keys init`.",
                "Belum ada kunci induk nasional: jalankan `pantau keys init`.",
            )
        return x509.load_der_x509_certificate(row.cert_der)

    def root_signer(self) -> tuple[bytes, Sign]:
        row = self.root_row()
        if row is None:
            self.root_cert()  # raises the clear error
        assert row is not None
        return row.kid, self._sign_with(row)

    # --- lifecycle -------------------------------------------------------------------------------
    def init(self, codes: list[str], *, actor: Actor) -> list[SigningKey]:
        """Create the root (once) and a signer for each code that has none in its use period."""
        made: list[SigningKey] = []
        if self.root_row() is None:
            key, cert = pki.make_root(utcnow())
            made.append(self._save("root", "ID", key, cert, 365 * pki.ROOT_YEARS))
            record_event(
                self.session,
                "stickers:key:create-root",
                actor=actor,
                target=f"key:{made[-1].kid.hex()}",
            )
        for code in codes:
            if self._current(code) is None:
                made.append(self.rotate(code, actor=actor))
        return made

    def _current(self, code: str) -> SigningKey | None:
        return self.session.scalar(
            sa.select(SigningKey)
            .where(
                SigningKey.kind == "signer",
                SigningKey.code == code,
                SigningKey.revoked_at.is_(None),
                SigningKey.use_until > utcnow(),
            )
            .order_by(SigningKey.created_at.desc())
            .limit(1)
        )

    def rotate(self, code: str, *, actor: Actor) -> SigningKey:
        """A new signer for `code`; earlier ones stop signing but keep verifying."""
        root = self.root_row()
        if root is None:
            self.root_cert()
        assert root is not None
        now = utcnow()
        for old in self.session.scalars(
            sa.select(SigningKey).where(
                SigningKey.kind == "signer",
                SigningKey.code == code,
                SigningKey.use_until > now,
            )
        ):
            old.use_until = now
        key, cert = pki.make_signer(
            self._private(root), x509.load_der_x509_certificate(root.cert_der), code, now
        )
        row = self._save("signer", code, key, cert, pki.SIGNER_USE_DAYS)
        record_event(
            self.session,
            "stickers:key:rotate",
            actor=actor,
            target=f"key:{row.kid.hex()}",
            details={"code": code},
        )
        return row

    def revoke(self, kid_hex: str, *, reason: str, actor: Actor) -> SigningKey:
        try:
            row = self.session.get(SigningKey, bytes.fromhex(kid_hex))
        except ValueError:
            row = None
        if row is None:
            raise NotFound("unknown_key", f"No key {kid_hex!r}.", f"Kunci {kid_hex!r} tidak ada.")
        if row.kind == "root":
            raise Conflict(
                "root_revoke",
                "The root is replaced by a new national root, not revoked here.",
                "Kunci induk diganti dengan kunci induk baru, bukan dicabut di sini.",
            )
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            row.revoked_reason = reason
            record_event(
                self.session,
                "stickers:key:revoke",
                actor=actor,
                target=f"key:{kid_hex}",
                details={"reason": reason, "code": row.code},
            )
        return row

    def signer_for(self, code: str, *, actor: Actor) -> tuple[bytes, Sign]:
        row = self._current(code) or self.rotate(code, actor=actor)
        return row.kid, self._sign_with(row)

    def list(self) -> list[SigningKey]:
        return list(
            self.session.scalars(
                sa.select(SigningKey).order_by(
                    SigningKey.kind, SigningKey.code, SigningKey.created_at
                )
            )
        )

    # --- published documents ---------------------------------------------------------------------
    def trust_list(self, issued_at: datetime | None = None) -> dict[str, str]:
        return self.seal(self.trust_payload(issued_at))

    def seal(self, payload: dict[str, Any]) -> dict[str, str]:
        """The signed envelope of a payload, by the national root."""
        kid, sign = self.root_signer()
        return seal(payload, root_kid=kid, sign=sign)

    def trust_payload(self, issued_at: datetime | None = None) -> dict[str, Any]:
        root = self.root_row()
        if root is None:
            self.root_cert()  # raises the clear error
        assert root is not None
        signers = [
            {
                "kid": b64(r.kid),
                "code": r.code,
                "cert": b64(r.cert_der),
                "use_until": r.use_until.isoformat(),
                "not_after": r.not_after.isoformat(),
                "revoked": r.revoked_at is not None,
            }
            for r in self.list()
            if r.kind == "signer"
        ]
        return {
            "format": TRUST_FORMAT,
            "issuer": "ID",
            "issued_at": issued_at.isoformat() if issued_at else now_iso(),
            "root": b64(root.cert_der),
            "signers": signers,
        }

    def status_list(
        self, since: int, *, limit: int = 50_000, issued_at: datetime | None = None
    ) -> dict[str, str]:
        return self.seal(self.status_payload(since, limit=limit, issued_at=issued_at))

    def status_payload(
        self, since: int, *, limit: int = 50_000, issued_at: datetime | None = None
    ) -> dict[str, Any]:
        from pantau.stickers.models import StatusChange

        self.root_cert()  # no root, no status list: the clear error
        rows = self.session.scalars(
            sa.select(StatusChange)
            .where(StatusChange.version > since)
            .order_by(StatusChange.version)
            .limit(limit)
        ).all()
        entries: list[dict[str, Any]] = [
            {
                "v": r.version,
                "serial": r.serial,
                "kind": r.kind,
                **({"last_day": r.last_day.isoformat()} if r.last_day else {}),
                # Why a sticker was revoked (departed, reissued, ...): clients that do not know
                # the field still read the entry as "revoked" (docs/sticker-format.md section 8).
                **({"reason": r.reason} if r.reason and r.kind == "revoked" else {}),
            }
            for r in rows
        ]
        return {
            "format": STATUS_FORMAT,
            "since": since,
            "version": rows[-1].version if rows else since,
            "complete": len(rows) < limit,
            "issued_at": issued_at.isoformat() if issued_at else now_iso(),
            "entries": entries,
        }
