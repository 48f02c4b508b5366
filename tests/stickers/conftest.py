"""Sticker library fixtures: a file key store in a temporary folder with a clock the test moves,
real P-256 keys and real signatures throughout (no database)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pantau.stickers.pki import FileKeyStore
from pantau.stickers.token import Claims, binding_value, encode_token
from pantau.stickers.trustlist import StatusCache, TrustList, export_trust_list

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
PASSPORT = {"document_number": "L898902C3", "nationality": "UTO", "birth_date": date(1974, 8, 12)}


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    store: FileKeyStore
    clock: Clock

    def claims(self, code: str = "CGK", **changes: object) -> Claims:
        salt = secrets.token_bytes(8)
        base = Claims(
            serial="ID" + secrets.token_hex(5).upper(),
            stay_id=uuid.uuid4().bytes,
            permit="voa",
            nationality="UTO",
            entry_date=self.clock.now.date(),
            checkpoint=code,
            last_day=self.clock.now.date() + timedelta(days=29),
            issued_at=self.clock.now.replace(microsecond=0),
            expires_at=self.clock.now + timedelta(days=400),
            bind_salt=salt,
            binding=binding_value(salt, **PASSPORT),  # type: ignore[arg-type]
        )
        return replace(base, **changes)  # type: ignore[arg-type]

    def issue(self, code: str = "CGK", **changes: object) -> tuple[str, Claims]:
        claims = self.claims(code, **changes)
        kid, sign = self.store.signer_for(code)
        return encode_token(claims, kid=kid, signer=sign), claims

    def trust(self) -> TrustList:
        doc = export_trust_list(self.store, issued_at=self.clock.now)
        return TrustList.from_document(doc, self.store.root_cert())

    def status(self) -> StatusCache:
        return StatusCache()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def world(tmp_path: Path, clock: Clock) -> World:
    store = FileKeyStore(tmp_path / "keys", b"correct horse battery staple", clock=clock)
    store.init(["CGK", "DPS"])
    return World(store, clock)
