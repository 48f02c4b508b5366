"""Public pages: /lapor (a report from the public, no account) and /lapor/{code} (its status)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from pantau.errors import PantauError
from pantau.reference.gazetteer import gazetteer
from pantau.reports import proof
from pantau.reports.services import MAX_PHOTO_BYTES, ReportInput, ReportService
from pantau.web import SessionDep, client_origin, commit_step, page_language, render

router = APIRouter(include_in_schema=False)
POW_BITS = 16  # about a second of WebCrypto hashing in a phone's browser


def _bits(request: Request) -> int:
    bits: int = getattr(request.app.state, "report_pow_bits", POW_BITS)
    return bits


@router.get("/lapor", response_class=HTMLResponse)
def report_form(request: Request) -> Response:
    challenge = proof.new_challenge(request.app.state.settings.secret_key)
    return render(request, "cases/report.html", challenge=challenge, bits=_bits(request), form={})


@router.post("/lapor", response_class=HTMLResponse)
def report_submit(
    request: Request,
    db: SessionDep,
    description: Annotated[str, Form(max_length=5000)] = "",
    lat: Annotated[str, Form(max_length=20)] = "",
    lon: Annotated[str, Form(max_length=20)] = "",
    address: Annotated[str, Form(max_length=500)] = "",
    place: Annotated[str, Form(max_length=200)] = "",
    place_code: Annotated[str, Form(max_length=20)] = "",
    seen_at: Annotated[str, Form(max_length=30)] = "",
    contact: Annotated[str, Form(max_length=200)] = "",
    challenge: Annotated[str, Form(max_length=200)] = "",
    nonce: Annotated[str, Form(max_length=40)] = "",
    photos: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    lang = page_language(request)
    form = {
        "description": description,
        "lat": lat,
        "lon": lon,
        "address": address,
        "place": place,
        "place_code": place_code,
        "seen_at": seen_at,
        "contact": contact,
    }
    # A plain `def`: photos are decoded in a worker thread, never on the event loop.
    reports = ReportService(db, cipher=request.app.state.cipher)
    try:
        files = [f.file.read(MAX_PHOTO_BYTES + 1) for f in (photos or []) if f.filename]
        try:
            # The proof's single use and the address's count are committed before the work: a
            # submission that fails afterwards cannot roll them back (and reuse the proof).
            proof.verify(
                db, request.app.state.settings.secret_key, challenge, nonce, _bits(request)
            )
            reports.count_attempt(client_origin(request))
        finally:
            commit_step(db)
        report = reports.submit(
            ReportInput(
                description=description,
                lat=_float(lat),
                lon=_float(lon),
                address=address,
                seen_at=_when(seen_at),
                contact=contact,
                photos=files,
                language=lang,
                place=place,
                place_code=place_code,
            ),
            origin=client_origin(request),
        )
    except PantauError as exc:
        db.rollback()
        fresh = proof.new_challenge(request.app.state.settings.secret_key)
        return render(
            request,
            "cases/report.html",
            status_code=exc.status,
            challenge=fresh,
            bits=_bits(request),
            form=form,
            error=exc.message(lang),
            field=exc.field,
        )
    return render(request, "cases/report_done.html", status_code=201, code=report.tracking_code)


@router.get("/lapor/places")
def report_places(q: Annotated[str, Query(max_length=100)] = "") -> JSONResponse:
    """Suggestions for the place typed on /lapor ("Ubud, Gianyar"): regencies and cities,
    districts and villages from the installed gazetteer; empty without it."""
    gaz = gazetteer()
    found = gaz.search(q, limit=10) if gaz else []
    return JSONResponse(
        {"places": [p.as_dict() for p in found], "gazetteer": gaz is not None},
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/lapor/track")
def report_track(code: str = "") -> Response:
    """The form on /lapor where a reporter types their tracking code."""
    clean = "".join(ch for ch in code.upper() if ch.isalnum())[:20]
    return RedirectResponse(f"/lapor/{clean}" if clean else "/lapor", status_code=303)


@router.get("/lapor/{code}", response_class=HTMLResponse)
def report_status(request: Request, code: str, db: SessionDep) -> Response:
    """The reporter sees the status of their own report, nothing else."""
    try:
        report = ReportService(db, cipher=request.app.state.cipher).by_code(code)
    except PantauError as exc:
        return render(
            request,
            "cases/report_status.html",
            status_code=404,
            report=None,
            error=exc.message(page_language(request)),
        )
    return render(request, "cases/report_status.html", report=report)


def _float(text: str) -> float | None:
    try:
        return float(text) if text.strip() else None
    except ValueError:
        raise PantauError(
            "bad_place",
            "The place is not a number.",
            "Lokasi bukan angka.",
            status=422,
            field="lat",
        ) from None


def _when(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text.strip() else None
    except ValueError:
        raise PantauError(
            "bad_time",
            "The time is not a date and time.",
            "Waktu bukan tanggal dan jam.",
            status=422,
            field="seen_at",
        ) from None
