"""Console pages: arrival registration, person search and page, the ban list, signing keys."""

from __future__ import annotations

from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau import scoped
from pantau.accounts.models import Officer
from pantau.errors import PantauError
from pantau.policy import STAFF, is_national
from pantau.reference.services import ReferenceService
from pantau.scoped import ScopedStay
from pantau.stays.models import Permit, Stay
from pantau.stays.services import traveller_from
from pantau.stickers.services import pretty_serial
from pantau.web import Caller, NavItem, SessionDep, actor_of, page_language, render
from pantau.wiring import stay_service

router = APIRouter(include_in_schema=False)
NAV = [
    NavItem("/console/arrivals", "Arrivals", STAFF),
    NavItem("/console/departures", "Departures", STAFF),
]
StaffPage = Caller  # the route policy (pantau.policy) names who may call each page


def _arrival_ctx(db: SessionDep, officer: Officer) -> dict[str, Any]:
    ref = ReferenceService(db)
    mine = [c for c in ref.checkpoints() if c.office_code == officer.office_code]
    return {
        # Arrivals are registered at the office's own checkpoints (national accounts: any).
        "checkpoints": ref.checkpoints() if is_national(officer) else mine,
        "default_checkpoint": mine[0].code if mine else "",
        "permits": list(Permit),
    }


@router.get("/console/arrivals", response_class=HTMLResponse)
def arrival_form(request: Request, db: SessionDep, officer: Caller) -> Response:
    return render(request, "people/arrival.html", **_arrival_ctx(db, officer), form={})


@router.post("/console/arrivals", response_class=HTMLResponse)
def arrival_submit(
    request: Request,
    db: SessionDep,
    officer: Caller,
    permit: Annotated[str, Form()],
    checkpoint: Annotated[str, Form(max_length=8)],
    mrz: Annotated[str, Form(max_length=200)] = "",
    months: Annotated[str, Form(max_length=3)] = "",
    match: Annotated[str, Form(max_length=40)] = "",
    allowed_regions: Annotated[str, Form(max_length=500)] = "",
    close_open_stay: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    lang = page_language(request)
    form = {
        "mrz": mrz,
        "permit": permit,
        "checkpoint": checkpoint,
        "months": months,
        "allowed_regions": allowed_regions,
    }
    ctx = _arrival_ctx(db, officer)
    actor = actor_of(request, officer)
    try:
        scoped.checkpoint(db, officer, checkpoint)
        traveller = traveller_from(mrz, None)
        out = stay_service(db, request.app.state.cipher, actor).register_arrival(
            traveller,
            permit=Permit(permit),
            checkpoint_code=checkpoint,
            actor=actor,
            months=int(months) if months.isdigit() else None,
            match=match or None,
            allowed_regions=allowed_regions.replace(",", " ").split(),
            close_open_stay=close_open_stay == "yes",
        )
    except PantauError as exc:
        # Nothing half-done stays - except a refusal, which is a record of its own.
        db.commit() if exc.keep_changes else db.rollback()
        return render(
            request,
            "people/arrival.html",
            status_code=exc.status,
            **ctx,
            form=form,
            error=exc.message(lang),
            error_code=exc.code,
            candidates=exc.extra.get("candidates", []),
            open_stay=exc.extra.get("stay"),
            match=match,
        )
    except ValueError:
        return render(
            request,
            "people/arrival.html",
            status_code=422,
            **ctx,
            form=form,
            error="Permit?",
            error_code="bad_permit",
        )
    qr_svg = segno.make(out.sticker.qr_text, error="q").svg_inline(scale=3)
    return render(
        request,
        "people/arrival.html",
        status_code=201,
        **ctx,
        form={},
        done=out,
        serial=pretty_serial(out.sticker.serial),
        qr_svg=qr_svg,
    )


# --- departure and extension at the desk -----------------------------------------------------------
def _departure_ctx(db: SessionDep, officer: Officer) -> dict[str, Any]:
    ref = ReferenceService(db)
    mine = [c for c in ref.checkpoints() if c.office_code == officer.office_code]
    return {"checkpoints": ref.checkpoints(), "default_checkpoint": mine[0].code if mine else ""}


@router.get("/console/departures", response_class=HTMLResponse)
def departure_form(request: Request, db: SessionDep, officer: Caller) -> Response:
    return render(request, "people/departure.html", **_departure_ctx(db, officer), form={})


@router.post("/console/departures", response_class=HTMLResponse)
def departure_submit(
    request: Request,
    db: SessionDep,
    officer: Caller,
    checkpoint: Annotated[str, Form(max_length=8)],
    qr_text: Annotated[str, Form(max_length=2000)] = "",
    mrz: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Departure recorded at the desk: the sticker's QR text (a handheld reader types it) or the
    passport's MRZ finds the open stay, which closes."""
    actor = actor_of(request, officer)
    stays = stay_service(db, request.app.state.cipher, actor)
    form = {"checkpoint": checkpoint, "qr_text": qr_text, "mrz": mrz}
    try:
        stay = stays.open_stay_for(qr_text=qr_text.strip(), mrz=mrz.strip())
        stays.depart(stay, checkpoint_code=checkpoint, actor=actor)
    except PantauError as exc:
        db.rollback()
        return render(
            request,
            "people/departure.html",
            status_code=exc.status,
            **_departure_ctx(db, officer),
            form=form,
            error=exc.message(page_language(request)),
        )
    return render(
        request, "people/departure.html", **_departure_ctx(db, officer), form={}, done=stay
    )


def _extend_ctx(db: SessionDep, stay: Stay) -> dict[str, Any]:
    return {"stay": stay, "offices": ReferenceService(db).offices()}


@router.get("/console/stays/{stay_id}/extend", response_class=HTMLResponse)
def extension_form(request: Request, stay: ScopedStay, db: SessionDep, officer: Caller) -> Response:
    """Another office's person's stay answers 404 (pantau.scoped)."""
    form = {"office": officer.office_code}
    return render(request, "people/extend.html", **_extend_ctx(db, stay), form=form)


@router.post("/console/stays/{stay_id}/extend", response_class=HTMLResponse)
def extension_submit(
    request: Request,
    stay: ScopedStay,
    db: SessionDep,
    officer: Caller,
    fee: Annotated[str, Form(max_length=20)] = "",
    receipt: Annotated[str, Form(max_length=64)] = "",
    office: Annotated[str, Form(max_length=8)] = "",
    months: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    """An extension at an office, with the fee paid and the receipt number."""
    actor = actor_of(request, officer)
    stays = stay_service(db, request.app.state.cipher, actor)
    form = {
        "fee": fee,
        "receipt": receipt,
        "office": office or officer.office_code,
        "months": months,
    }
    try:
        amount = fee.replace(".", "").replace(",", "").strip()
        if not amount.isdigit():
            raise PantauError(
                "bad_fee",
                "Give the fee paid in Rupiah (digits).",
                "Isi biaya yang dibayar dalam Rupiah (angka).",
                field="fee",
            )
        stays.extend(
            stay,
            office_code=office or officer.office_code,
            fee=int(amount),
            receipt_number=receipt,
            months=int(months) if months.isdigit() else None,
            actor=actor,
        )
    except PantauError as exc:
        db.rollback()
        return render(
            request,
            "people/extend.html",
            status_code=exc.status,
            **_extend_ctx(db, stay),
            form=form,
            error=exc.message(page_language(request)),
        )
    return RedirectResponse(f"/console/people/{stay.person_id}", status_code=303)
