"""The queue over the API (/api/v1/queue): the same services as the public pages, in JSON."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from fastapi import APIRouter, Request

from pantau.db import utcnow
from pantau.queue.booking.schemas import (
    BookingConfirm,
    BookingCreate,
    BookingLookup,
    BookingPublic,
    DayPublic,
    OfficePublic,
    RescheduleRequest,
)
from pantau.queue.booking.services import Choice
from pantau.queue.models import Booking
from pantau.queue.offices.availability import office_availability, queue_offices
from pantau.queue.privacy import Citizen
from pantau.queue.web import booking_service, limit
from pantau.web import SessionDep, api_language

router = APIRouter(prefix="/api/v1/queue", tags=["queue"])


def public(b: Booking) -> BookingPublic:
    return BookingPublic(
        id=b.id, status=b.status.value, code=b.code, office=b.office_code, day=b.day,
        session_id=b.session_id, service=b.service, priority=b.priority,
        reschedules=b.reschedules, ticket=b.ticket,
        otp_expires_at=b.otp_expires_at if b.status.value == "pending" else None,
    )  # fmt: skip


@router.get("/offices", response_model=list[OfficePublic])
def offices(db: SessionDep) -> list[OfficePublic]:
    return [OfficePublic(code=o.code, name=o.name, zone=o.zone) for o in queue_offices(db)]


@router.get("/offices/{code}/availability", response_model=list[DayPublic])
def availability(request: Request, code: str, db: SessionDep) -> list[DayPublic]:
    days = office_availability(db, code.upper(), now=utcnow(), lang=api_language(request))
    return [DayPublic.model_validate(asdict(d)) for d in days]


@router.post("/bookings", response_model=BookingPublic, status_code=201)
def create(request: Request, body: BookingCreate, db: SessionDep) -> BookingPublic:
    """Store the request and send the one-time code by SMS and e-mail; confirm it next."""
    limit(request, db, nik=body.nik)
    citizen = Citizen(body.nik, body.name, body.birth_date, body.phone, body.email)
    choice = Choice(
        body.office.upper(), body.day, body.session_id, body.service, body.priority_reason,
        body.flexible,
    )  # fmt: skip
    svc = booking_service(request, db)
    return public(svc.request(citizen, choice, now=utcnow(), lang=api_language(request)).booking)


@router.post("/bookings/{booking_id}/confirm", response_model=BookingPublic)
def confirm(
    request: Request, booking_id: uuid.UUID, body: BookingConfirm, db: SessionDep
) -> BookingPublic:
    """With the right code: a seat at once, or a place in the waiting room (status `waiting`)."""
    limit(request, db)
    return public(booking_service(request, db).confirm(booking_id, body.otp, now=utcnow()))


@router.get("/bookings/{booking_id}/status", response_model=BookingPublic)
def status(request: Request, booking_id: uuid.UUID, db: SessionDep) -> BookingPublic:
    from pantau.errors import NotFound
    from pantau.queue.booking.lottery import ensure_drawn

    booking = db.get(Booking, booking_id)
    if booking is None:
        raise NotFound("no_request", "Unknown request.", "Permintaan tidak dikenal.")
    ensure_drawn(booking_service(request, db), booking.office_code, booking.day, now=utcnow())
    db.refresh(booking)
    return public(booking)


@router.post("/bookings/lookup", response_model=BookingPublic)
def lookup(request: Request, body: BookingLookup, db: SessionDep) -> BookingPublic:
    limit(request, db, nik=body.nik)
    return public(booking_service(request, db).for_citizen(body.code, body.nik))


@router.post("/bookings/reschedule", response_model=BookingPublic)
def reschedule(request: Request, body: RescheduleRequest, db: SessionDep) -> BookingPublic:
    limit(request, db, nik=body.nik)
    svc = booking_service(request, db)
    booking = svc.for_citizen(body.code, body.nik)
    lang = api_language(request)
    return public(svc.reschedule(booking, body.day, body.session_id, now=utcnow(), lang=lang))


@router.post("/bookings/cancel", response_model=BookingPublic)
def cancel(request: Request, body: BookingLookup, db: SessionDep) -> BookingPublic:
    limit(request, db, nik=body.nik)
    svc = booking_service(request, db)
    return public(svc.cancel(svc.for_citizen(body.code, body.nik), now=utcnow()))
