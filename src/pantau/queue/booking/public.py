"""Public APPAPO pages under /antrean: mobile first, Bahasa Indonesia and English, no sign-in.

A citizen books with NIK, name, birth date, phone and e-mail, confirms with the one-time code sent to
them, and then manages the booking with its code and their NIK (a signed cookie for half an hour).
"""

from __future__ import annotations

import uuid
from datetime import date
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import segno
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau.db import utcnow
from pantau.errors import PantauError
from pantau.notifications.notify import read_outbox
from pantau.queue.booking.checks import PRIORITY_REASONS
from pantau.queue.booking.services import Choice
from pantau.queue.models import Booking, BookingStatus, QueueSession, ServiceKind
from pantau.queue.offices.availability import (
    LABELS,
    office_availability,
    opening_schedule,
    queue_offices,
)
from pantau.queue.privacy import Citizen, mask_nik, opened, processing_trail
from pantau.queue.web import (
    booking_from_cookie,
    booking_service,
    ensure_device_cookie,
    limit,
    production,
    queue_settings,
    set_booking_cookie,
)
from pantau.reference.models import Office
from pantau.web import SessionDep, page_language, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]


def _page(request: Request, template: str, status_code: int = 200, **ctx: Any) -> Response:
    response = render(request, template, status_code=status_code, **LABELS, **ctx)
    ensure_device_cookie(request, response)
    return response


@router.get("/antrean", response_class=HTMLResponse)
def home(request: Request, db: SessionDep) -> Response:
    return _page(request, "queue/home.html", offices=queue_offices(db))


@router.get("/antrean/kantor/{code}", response_class=HTMLResponse)
def office_page(request: Request, code: str, db: SessionDep) -> Response:
    office = db.get(Office, code.upper())
    days = office_availability(db, code.upper(), now=utcnow(), lang=page_language(request))
    if office is None or not days:
        return _page(request, "error.html", 404, message=_missing_office(request))
    return _page(request, "queue/office.html", office=office, days=days, tz=ZoneInfo(office.tz))


def _missing_office(request: Request) -> str:
    if page_language(request) == "id":
        return "Kantor ini tidak menerima pemesanan daring."
    return "This office takes no online bookings."


@router.get("/antrean/jadwal", response_class=HTMLResponse)
def schedule_page(request: Request, db: SessionDep) -> Response:
    return _page(request, "queue/schedule.html", openings=opening_schedule(db, now=utcnow()))


def _form_ctx(db: SessionDep, office_code: str) -> dict[str, Any]:
    office = db.get(Office, office_code) if office_code else None
    sessions = (
        db.query(QueueSession).filter_by(office_code=office_code, active=True).all()
        if office
        else []
    )
    return {
        "offices": queue_offices(db),
        "office": office,
        "sessions": sessions,
        "reasons": PRIORITY_REASONS,
    }


@router.get("/antrean/pesan", response_class=HTMLResponse)
def booking_form(
    request: Request,
    db: SessionDep,
    office: Annotated[str, Query(max_length=8)] = "",
    day: Annotated[str, Query(max_length=10)] = "",
    session: Annotated[str, Query(max_length=10)] = "",
    service: Annotated[str, Query(max_length=16)] = "new",
) -> Response:
    form = {"office": office.upper(), "day": day, "session": session, "service": service}
    return _page(request, "queue/book.html", form=form, **_form_ctx(db, office.upper()))


@router.post("/antrean/pesan", response_class=HTMLResponse)
def booking_submit(
    request: Request,
    db: SessionDep,
    office: Annotated[str, Form(max_length=8)],
    day: Annotated[str, Form(max_length=10)],
    session: Annotated[str, Form(max_length=10)],
    service: Annotated[str, Form(max_length=16)],
    nik: Annotated[str, Form(max_length=40)],
    name: Text,
    birth_date: Annotated[str, Form(max_length=10)],
    phone: Annotated[str, Form(max_length=30)],
    email: Text,
    priority_reason: Annotated[str, Form(max_length=16)] = "",
    flexible: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    form = {
        "office": office, "day": day, "session": session, "service": service, "nik": nik,
        "name": name, "birth_date": birth_date, "phone": phone, "email": email,
        "priority_reason": priority_reason, "flexible": flexible,
    }  # fmt: skip
    lang = page_language(request)
    try:
        limit(request, db, nik=nik)
        choice = _choice(office, day, session, service, priority_reason, flexible == "on")
        citizen = Citizen(nik, name, _date(birth_date, "birth_date"), phone, email)
        requested = booking_service(request, db).request(citizen, choice, now=utcnow(), lang=lang)
    except PantauError as exc:
        db.rollback()
        ctx = _form_ctx(db, office)
        return _page(
            request, "queue/book.html", exc.status, form=form, error=exc.message(lang),
            error_field=exc.field, **ctx,
        )  # fmt: skip
    return RedirectResponse(f"/antrean/konfirmasi/{requested.booking.id}", status_code=303)


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PantauError(
            "bad_date", "Give the date as day, month and year.",
            "Isi tanggal dengan hari, bulan dan tahun.", status=422, field=field,
        ) from None  # fmt: skip


def _choice(
    office: str, day: str, session: str, service: str, reason: str, flexible: bool
) -> Choice:
    try:
        kind = ServiceKind(service)
    except ValueError:
        raise PantauError(
            "bad_service", "Choose a service.", "Pilih layanan.", status=422, field="service"
        ) from None
    if not session.isdigit():
        raise PantauError(
            "bad_session", "Choose a session.", "Pilih sesi.", status=422, field="session"
        )
    priority = reason if reason in PRIORITY_REASONS else None
    return Choice(office.upper(), _date(day, "day"), int(session), kind, priority, flexible)


@router.get("/antrean/konfirmasi/{booking_id}", response_class=HTMLResponse)
def confirm_form(request: Request, booking_id: uuid.UUID, db: SessionDep) -> Response:
    booking = db.get(Booking, booking_id)
    if booking is None or booking.status is not BookingStatus.PENDING:
        return RedirectResponse(f"/antrean/ruang-tunggu/{booking_id}", status_code=303)
    return _page(request, "queue/confirm.html", booking=booking)


@router.post("/antrean/konfirmasi/{booking_id}", response_class=HTMLResponse)
def confirm_submit(
    request: Request,
    booking_id: uuid.UUID,
    db: SessionDep,
    otp: Annotated[str, Form(max_length=12)],
) -> Response:
    lang = page_language(request)
    try:
        limit(request, db)
        booking = booking_service(request, db).confirm(booking_id, otp, now=utcnow())
    except PantauError as exc:
        db.commit() if exc.keep_changes else db.rollback()
        pending = db.get(Booking, booking_id)
        return _page(
            request, "queue/confirm.html", exc.status, booking=pending, error=exc.message(lang)
        )
    if booking.status is BookingStatus.WAITING:
        return RedirectResponse(f"/antrean/ruang-tunggu/{booking.id}", status_code=303)
    response = RedirectResponse("/antrean/pemesanan", status_code=303)
    set_booking_cookie(request, response, booking.id)
    return response


@router.get("/antrean/ruang-tunggu/{booking_id}", response_class=HTMLResponse)
def waiting_room(request: Request, booking_id: uuid.UUID, db: SessionDep) -> Response:
    return _page(request, "queue/waiting.html", **_waiting_ctx(request, db, booking_id))


@router.get("/antrean/ruang-tunggu/{booking_id}/status", response_class=HTMLResponse)
def waiting_status(request: Request, booking_id: uuid.UUID, db: SessionDep) -> Response:
    return _page(request, "queue/waiting_status.html", **_waiting_ctx(request, db, booking_id))


def _waiting_ctx(request: Request, db: SessionDep, booking_id: uuid.UUID) -> dict[str, Any]:
    from pantau.queue.booking.lottery import ensure_drawn
    from pantau.queue.models import QueueOpening

    booking = db.get(Booking, booking_id)
    if booking is None:
        raise PantauError("no_request", "Unknown request.", "Permintaan tidak dikenal.", status=404)
    now = utcnow()
    if booking.status is BookingStatus.WAITING:
        try:  # polling the page is one of the ways the draw gets run when it is due
            ensure_drawn(booking_service(request, db), booking.office_code, booking.day, now=now)
            db.refresh(booking)
        except PantauError:
            db.rollback()
            booking = db.get(Booking, booking_id)
    opening = db.get(QueueOpening, (booking.office_code, booking.day)) if booking else None
    return {"booking": booking, "opening": opening}


@router.get("/antrean/kelola", response_class=HTMLResponse)
def manage_form(request: Request, code: str = "") -> Response:
    return _page(request, "queue/manage.html", code=code)


@router.post("/antrean/kelola", response_class=HTMLResponse)
def manage_submit(
    request: Request,
    db: SessionDep,
    code: Annotated[str, Form(max_length=20)],
    nik: Annotated[str, Form(max_length=40)],
) -> Response:
    try:
        limit(request, db, nik=nik)
        booking = booking_service(request, db).for_citizen(code, nik)
    except PantauError as exc:
        db.rollback()
        msg = exc.message(page_language(request))
        return _page(request, "queue/manage.html", exc.status, code=code, error=msg)
    response = RedirectResponse("/antrean/pemesanan", status_code=303)
    set_booking_cookie(request, response, booking.id)
    return response


def _my_booking(request: Request, db: SessionDep) -> Booking | None:
    booking_id = booking_from_cookie(request)
    return db.get(Booking, booking_id) if booking_id else None


@lru_cache(maxsize=4096)
def qr_svg(code: str) -> str:
    # A fixed mask skips segno's mask search (80% of its time); the image depends on the code only.
    return segno.make(f"APPAPO:{code}", error="m", mask=0).svg_inline(scale=6, border=2)


@router.get("/antrean/pemesanan", response_class=HTMLResponse)
def my_booking(request: Request, db: SessionDep, done: str = "") -> Response:
    booking = _my_booking(request, db)
    if booking is None:
        return RedirectResponse("/antrean/kelola", status_code=303)
    office = db.get(Office, booking.office_code)
    sess = db.get(QueueSession, booking.session_id)
    options = []
    if booking.status is BookingStatus.BOOKED and booking.reschedules == 0:
        options = office_availability(
            db, booking.office_code, now=utcnow(), lang=page_language(request)
        )
    return _page(
        request, "queue/booking.html", booking=booking, office=office, sess=sess,
        qr=qr_svg(booking.code) if booking.code else "", options=options, done=done,
    )  # fmt: skip


@router.post("/antrean/pemesanan/ubah", response_class=HTMLResponse)
def reschedule(
    request: Request,
    db: SessionDep,
    slot: Annotated[str, Form(max_length=24)],
) -> Response:
    booking = _my_booking(request, db)
    if booking is None:
        return RedirectResponse("/antrean/kelola", status_code=303)
    lang = page_language(request)
    try:
        day_text, _, session_text = slot.partition("/")
        if not session_text.isdigit():
            raise PantauError("bad_session", "Choose a session.", "Pilih sesi.", status=422)
        booking_service(request, db).reschedule(
            booking, _date(day_text, "day"), int(session_text), now=utcnow(), lang=lang
        )
    except PantauError as exc:
        db.rollback()
        return _page(request, "error.html", exc.status, message=exc.message(lang))
    return RedirectResponse("/antrean/pemesanan?done=rescheduled", status_code=303)


@router.post("/antrean/pemesanan/batal", response_class=HTMLResponse)
def cancel(
    request: Request, db: SessionDep, erase: Annotated[str, Form(max_length=3)] = ""
) -> Response:
    booking = _my_booking(request, db)
    if booking is None:
        return RedirectResponse("/antrean/kelola", status_code=303)
    try:
        booking_service(request, db).cancel(booking, now=utcnow(), erase_data=erase == "yes")
    except PantauError as exc:
        db.rollback()
        return _page(request, "error.html", exc.status, message=exc.message(page_language(request)))
    return RedirectResponse("/antrean/pemesanan?done=cancelled", status_code=303)


@router.get("/antrean/pemesanan/data", response_class=HTMLResponse)
def my_data(request: Request, db: SessionDep) -> Response:
    """The data held about the citizen, and every processing of it (UU PDP)."""
    booking = _my_booking(request, db)
    if booking is None:
        return RedirectResponse("/antrean/kelola", status_code=303)
    citizen = opened(request.app.state.cipher, booking)
    return _page(
        request, "queue/my_data.html", booking=booking, citizen=citizen,
        masked=mask_nik(citizen.nik) if citizen else "", trail=processing_trail(db, booking),
        retention=queue_settings(request).retention_days,
    )  # fmt: skip


@router.get("/antrean/kotak-keluar", response_class=HTMLResponse)
def demo_outbox(request: Request, db: SessionDep) -> Response:
    """The demo's stand-in for phones and mailboxes: messages that would be sent. Served only when
    `pantau demo` runs the server (never in production): the outbox holds people's codes."""
    if production(request) or not getattr(request.app.state, "demo", False):
        return _page(request, "error.html", 404, message="Not found")
    return _page(request, "queue/outbox.html", messages=read_outbox(db, request.app.state.cipher))
