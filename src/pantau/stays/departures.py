"""Departure by an exit scan: an immigration officer scans the sticker in the scanner's exit mode at
a checkpoint (TPI), and the stay closes as if stamped out at the desk (shared/DOMAIN.md: departure
is recorded at a TPI by an officer; hotels and partners never record one)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from pantau.accounts.models import Officer, Role
from pantau.audit.services import Actor, record_event
from pantau.db import utcnow
from pantau.errors import Conflict
from pantau.reference.geo import distance_km
from pantau.reference.models import Checkpoint
from pantau.stays.models import Stay, StayStatus
from pantau.stickers.models import StickerStatus
from pantau.stickers.services import StickerService

# Who may record a departure: immigration staff. A hotel (APOA) or a TIMPORA partner records
# where a person stays, never that they left.
EXIT_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.OFFICER})
# An exit scan counts at a checkpoint when its position is this close (an airport's terminals and
# aprons, a ferry terminal), widened by the position's own accuracy.
CHECKPOINT_RADIUS_KM = 5.0


def exit_checkpoint(
    session: Session,
    *,
    lat: float | None,
    lon: float | None,
    accuracy_m: float | None,
    scanner: Officer,
) -> str | None:
    """The checkpoint an exit scan was made at: the nearest active checkpoint within reach of the
    position; without a position, the scanner's office's checkpoint when it has exactly one.
    None: not at a checkpoint, and the scan closes nothing."""
    checkpoints = [c for c in session.query(Checkpoint).all() if c.active]
    if lat is None or lon is None:
        own = [c for c in checkpoints if c.office_code == scanner.office_code]
        return own[0].code if len(own) == 1 else None
    reach = CHECKPOINT_RADIUS_KM + (accuracy_m or 0.0) / 1000
    near = sorted((distance_km((lat, lon), (c.lat, c.lon)), c.code) for c in checkpoints)
    return near[0][1] if near and near[0][0] <= reach else None


def close_stay(
    session: Session, stay: Stay, *, checkpoint: Checkpoint, actor: Actor, at: datetime | None
) -> Stay:
    """Departure (the exit stamp) closes the stay; its stickers enter the status list as
    departed, so that an offline phone knows."""
    if stay.status is not StayStatus.ACTIVE:
        raise Conflict(
            "not_active", "This stay is already closed.", "Izin tinggal ini sudah ditutup."
        )
    stay.status = StayStatus.DEPARTED
    stay.departed_at = at or utcnow()
    stay.departure_checkpoint = checkpoint.code
    stay.departed_by = actor.id
    stickers_leave(session, stay, reason="departed")
    record_event(
        session,
        "people:stay:depart",
        actor=actor,
        target=f"person:{stay.person_id}",
        details={"stay": str(stay.id), "checkpoint": checkpoint.code},
    )
    return stay


def stickers_leave(session: Session, stay: Stay, *, reason: str) -> None:
    """A closed stay's active stickers enter the status list with the reason."""
    service = StickerService(session)
    for sticker in stay.stickers:
        if sticker.status is StickerStatus.ACTIVE:
            service.status_change(sticker.serial, "revoked", None, reason=reason)
