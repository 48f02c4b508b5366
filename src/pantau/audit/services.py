"""Writing and checking the audit log.

Appends are serialised with a transaction-scoped advisory lock, so that the chain stays linear across
any number of processes and machines (no in-process state); the lock is released at commit. One
append is one round trip: the database function `audit_append` (migration 0013) takes the lock,
reads the last hash and inserts the row with sha256(prev_hash || payload), where the payload is the
canonical JSON built here - the same bytes `verify_chain` rebuilds from the stored row.
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
_LOCK_KEY = 0x50414E544155  # "PANTAU": the audit chain's advisory lock (taken in audit_append)


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
    return hashlib.sha256(prev + _payload(row)).digest()


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
    session.flush()  # pending changes first, as before: the event follows what it records
    row.id, row.prev_hash, row.hash = session.execute(
        sa.text(
            "SELECT * FROM audit_append(:at, :actor_id, :actor, :tag, :target, :origin, "
            "CAST(:details AS jsonb), :payload)"
        ),
        {
            "at": row.occurred_at,
            "actor_id": row.actor_id,
            "actor": row.actor,
            "tag": tag,
            "target": target,
            "origin": row.origin,
            "details": json.dumps(clean),
            "payload": _payload(row),
        },
    ).one()
    return row  # transient: the stored row is read back through the session when needed


def _payload(row: AuditEvent) -> bytes:
    return _canonical(
        occurred_at=row.occurred_at,
        actor_id=row.actor_id,
        actor=row.actor,
        tag=row.tag,
        target=row.target,
        origin=row.origin,
        details=row.details or {},
    )


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
