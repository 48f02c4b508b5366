"""At the office: the check-in desk and counters in the console (officers of the office), and the
display in the waiting hall (public: numbers and counters only, no names)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau.accounts.models import Officer
from pantau.db import utcnow
from pantau.errors import PantauError
from pantau.policy import STAFF
from pantau.queue.booking.services import cancel_for_closure
from pantau.queue.models import QueueOffice, ServiceKind
from pantau.queue.offices.availability import LABELS
from pantau.queue.offices.calendar import close_day
from pantau.queue.privacy import mask_nik
from pantau.queue.web import booking_service, desk_service
from pantau.reference.models import Office
from pantau.web import Caller, NavItem, SessionDep, actor_of, page_language, render

router = APIRouter(include_in_schema=False)
NAV = [NavItem("/console/antrean", "Passport queue", STAFF)]


def _desk(request: Request, template: str, status_code: int = 200, **ctx: Any) -> Response:
    return render(request, template, status_code=status_code, **LABELS, **ctx)


def _ctx(request: Request, db: SessionDep, officer: Officer) -> dict[str, Any]:
    desk = desk_service(request, db, actor_of(request, officer))
    now = utcnow()
    qo = db.get(QueueOffice, officer.office_code)
    return {
        "counters": range(1, (qo.counters if qo else 4) + 1),
        "calls": desk.board(officer.office_code, now=now),
        "waiting": desk.waiting_counts(officer.office_code, now=now),
        "office_code": officer.office_code,
    }


@router.get("/console/antrean", response_class=HTMLResponse)
def desk_page(request: Request, db: SessionDep, officer: Caller) -> Response:
    return _desk(request, "queue/desk.html", **_ctx(request, db, officer))


@router.post("/console/antrean/cari", response_class=HTMLResponse)
def desk_find(
    request: Request,
    db: SessionDep,
    officer: Caller,
    code: Annotated[str, Form(max_length=40)],
) -> Response:
    desk = desk_service(request, db, actor_of(request, officer))
    try:
        view = desk.find(officer.office_code, code)
    except PantauError as exc:
        db.rollback()
        return _desk(
            request, "queue/desk.html", exc.status, error=exc.message(page_language(request)),
            **_ctx(request, db, officer),
        )  # fmt: skip
    masked = mask_nik(view.citizen.nik) if view.citizen else ""
    return _desk(
        request, "queue/desk.html", found=view.booking, citizen=view.citizen, masked=masked,
        **_ctx(request, db, officer),
    )  # fmt: skip


@router.post("/console/antrean/checkin", response_class=HTMLResponse)
def desk_check_in(
    request: Request,
    db: SessionDep,
    officer: Caller,
    code: Annotated[str, Form(max_length=40)],
    nik: Annotated[str, Form(max_length=40)],
) -> Response:
    desk = desk_service(request, db, actor_of(request, officer))
    try:
        booking = desk.check_in(officer.office_code, code, nik, now=utcnow())
    except PantauError as exc:
        db.rollback()
        return _desk(
            request, "queue/desk.html", exc.status, error=exc.message(page_language(request)),
            **_ctx(request, db, officer),
        )  # fmt: skip
    return _desk(request, "queue/desk.html", ticket=booking, **_ctx(request, db, officer))


@router.post("/console/antrean/panggil", response_class=HTMLResponse)
def desk_call(
    request: Request,
    db: SessionDep,
    officer: Caller,
    counter: Annotated[int, Form(ge=1, le=99)],
    service: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    desk = desk_service(request, db, actor_of(request, officer))
    kind = ServiceKind(service) if service in {k.value for k in ServiceKind} else None
    called = desk.call_next(officer.office_code, counter, now=utcnow(), service=kind)
    return _desk(
        request, "queue/desk.html", called=called, nobody=called is None, counter=counter,
        **_ctx(request, db, officer),
    )  # fmt: skip


@router.post("/console/antrean/selesai/{booking_id}", response_class=HTMLResponse)
def desk_done(request: Request, booking_id: uuid.UUID, db: SessionDep, officer: Caller) -> Response:
    desk = desk_service(request, db, actor_of(request, officer))
    try:
        desk.finish(officer.office_code, booking_id, now=utcnow())
    except PantauError as exc:
        db.rollback()
        return _desk(
            request, "queue/desk.html", exc.status, error=exc.message(page_language(request)),
            **_ctx(request, db, officer),
        )  # fmt: skip
    return RedirectResponse("/console/antrean", status_code=303)


@router.post("/console/antrean/tutup", response_class=HTMLResponse)
def desk_close_day(
    request: Request,
    db: SessionDep,
    officer: Caller,
    day: Annotated[date, Form()],
    reason: Annotated[str, Form(max_length=200)],
) -> Response:
    """Close the office on a day: its slots close and bookings on it are cancelled and told."""
    close_day(db, officer.office_code, day, reason)
    svc = booking_service(request, db, actor_of(request, officer))
    cancelled = cancel_for_closure(svc, officer.office_code, day, now=utcnow())
    return _desk(
        request, "queue/desk.html", closed_day=day, closed_count=cancelled,
        **_ctx(request, db, officer),
    )  # fmt: skip


@router.get("/antrean/layar/{code}", response_class=HTMLResponse)
def display(request: Request, code: str, db: SessionDep) -> Response:
    office = db.get(Office, code.upper())
    if office is None:
        return render(request, "error.html", status_code=404, message="?")
    return render(request, "queue/display.html", office=office, **_board(request, db, office))


@router.get("/antrean/layar/{code}/panggilan", response_class=HTMLResponse)
def display_calls(request: Request, code: str, db: SessionDep) -> Response:
    office = db.get(Office, code.upper())
    if office is None:
        return Response(status_code=404)
    return render(request, "queue/display_calls.html", office=office, **_board(request, db, office))


def _board(request: Request, db: SessionDep, office: Office) -> dict[str, Any]:
    from pantau.audit.services import SYSTEM

    desk = desk_service(request, db, SYSTEM)
    calls = desk.board(office.code, now=utcnow())
    return {"calls": calls, "current": calls[0] if calls else None}
