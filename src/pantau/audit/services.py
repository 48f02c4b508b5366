"""Writing and checking the audit log.

Appends are serialised with a transaction-scoped advisory lock, so that the chain stays linear across
any number of processes and machines (no in-process state); the lock is released at commit.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.audit.models import AuditEvent
from pantau.db import utcnow

GENESIS = b"\x00" * 32
_LOCK_KEY = 0x50414E544155  # "PANTAU": one advisory-lock id for the audit chain


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: an officer, or `system`/`public`/`cli` with no id."""

    name: str
    id: uuid.UUID | None = None
    origin: str | None = None


SYSTEM = Actor("system", origin="system")


def _canonical(
    *,
    occurred_at: datetime,
    actor_id: uuid.UUID | None,
    actor: str,
    tag: str,
    target: str | None,
    origin: str | None,
    details: dict[str, Any],
) -> bytes:
    body = {
        "at": occurred_at.astimezone(UTC).isoformat(),
        "actor_id": str(actor_id) if actor_id else None,
        "actor": actor,
        "tag": tag,
        "target": target,
        "origin": origin,
        "details": details,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev: bytes, row: AuditEvent) -> bytes:
    payload = _canonical(
        occurred_at=row.occurred_at,
        actor_id=row.actor_id,
        actor=row.actor,
        tag=row.tag,
        target=row.target,
        origin=row.origin,
        details=row.details or {},
    )
    return hashlib.sha256(prev + payload).digest()


def _check_tag(tag: str) -> None:
    parts = tag.split(":")
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"audit tag must be source:subject:action, got {tag!r}")


def record_event(
    session: Session,
    tag: str,
    *,
    actor: Actor,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (so the event commits with the change)."""
    _check_tag(tag)
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))
    prev = session.scalar(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    # JSON round trip: what is hashed must be exactly what JSONB gives back later.
    clean = json.loads(json.dumps(details or {}, default=str))
    row = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor.id,
        actor=actor.name,
        tag=tag,
        target=target,
        origin=actor.origin,
        details=clean,
    )
    row.prev_hash = prev or GENESIS
    row.hash = chain_hash(row.prev_hash, row)
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str | None = None


def verify_chain(session: Session, *, batch: int = 5000) -> VerifyResult:
    """Walk the chain in id order; name the first row whose links or contents do not match."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(batch)
        ).all()
        if not rows:
            return VerifyResult(ok=True, checked=checked)
        for row in rows:
            if row.prev_hash != prev:
                return VerifyResult(False, checked, row.id, "does not follow the row before it")
            if chain_hash(prev, row) != row.hash:
                return VerifyResult(False, checked, row.id, "contents changed after it was written")
            prev = row.hash
            checked += 1
            last_id = row.id
        session.expunge_all()


def events_for(
    session: Session, *, target: str | None = None, limit: int = 100
) -> list[AuditEvent]:
    q = sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if target is not None:
        q = q.where(AuditEvent.target == target)
    return list(session.scalars(q))
