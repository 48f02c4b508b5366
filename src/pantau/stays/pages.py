"""Console pages: arrival registration, person search and page, the ban list, signing keys."""

from __future__ import annotations

from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from pantau import scoped
from pantau.accounts.models import Officer
from pantau.errors import PantauError
from pantau.policy import STAFF, is_national
from pantau.reference.services import ReferenceService
from pantau.stays.models import Permit
from pantau.stays.services import traveller_from
from pantau.stickers.services import pretty_serial
from pantau.web import Caller, NavItem, SessionDep, actor_of, page_language, render
from pantau.wiring import stay_service

router = APIRouter(include_in_schema=False)
NAV = [NavItem("/console/arrivals", "Arrivals", STAFF)]


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
