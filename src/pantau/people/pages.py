"""Console pages: arrival registration, person search and page, the ban list, signing keys."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

import segno
import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau.accounts.models import Officer, Role
from pantau.db import utcnow
from pantau.errors import PantauError
from pantau.maps.services import track
from pantau.maps.views import checkpoint_points
from pantau.people.bans import BanInput, BanService
from pantau.people.identity import passport_hash
from pantau.people.models import Passport, Permit, Refusal
from pantau.people.views import request_people_service, traveller_from
from pantau.reference.services import ReferenceService
from pantau.scans.models import Scan
from pantau.stickers.issue import pretty_serial
from pantau.stickers.keys import KeyService
from pantau.web import NavItem, SessionDep, actor_of, page_language, render, require_roles

router = APIRouter(include_in_schema=False)
STAFF = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.OFFICER})
NAV = [
    NavItem("/console/arrivals", "Arrivals", STAFF),
    NavItem("/console/people", "People", STAFF),
    NavItem("/console/bans", "Entry bans", STAFF),
    NavItem("/console/keys", "Signing keys", frozenset({Role.ADMIN})),
]
StaffPage = Annotated[Officer, Depends(require_roles(*STAFF, api=False))]
AdminPage = Annotated[Officer, Depends(require_roles(Role.ADMIN, api=False))]


def _arrival_ctx(db: SessionDep, officer: Officer) -> dict[str, Any]:
    ref = ReferenceService(db)
    mine = [c for c in ref.checkpoints() if c.office_code == officer.office_code]
    return {
        "checkpoints": ref.checkpoints(),
        "default_checkpoint": mine[0].code if mine else "",
        "permits": list(Permit),
    }


@router.get("/console/arrivals", response_class=HTMLResponse)
def arrival_form(request: Request, db: SessionDep, officer: StaffPage) -> Response:
    return render(request, "people/arrival.html", **_arrival_ctx(db, officer), form={})


@router.post("/console/arrivals", response_class=HTMLResponse)
def arrival_submit(
    request: Request,
    db: SessionDep,
    officer: StaffPage,
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
        traveller = traveller_from(mrz, None)
        out = request_people_service(request, db, actor).register_arrival(
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


@router.get("/console/people", response_class=HTMLResponse)
def people_search(
    request: Request,
    db: SessionDep,
    officer: StaffPage,
    passport: Annotated[str, Query(max_length=20)] = "",
    nationality: Annotated[str, Query(max_length=3)] = "",
) -> Response:
    found = None
    if passport and nationality:
        hit = db.scalar(
            sa.select(Passport).where(
                Passport.number_hash
                == passport_hash(
                    request.app.state.cipher, nationality.upper(), passport.upper().replace(" ", "")
                )
            )
        )
        if hit is not None:
            return RedirectResponse(f"/console/people/{hit.person_id}", status_code=303)
        found = False
    return render(
        request, "people/search.html", passport=passport, nationality=nationality, found=found
    )


@router.get("/console/people/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request, person_id: uuid.UUID, db: SessionDep, officer: StaffPage
) -> Response:
    actor = actor_of(request, officer)
    record = request_people_service(request, db, actor).read_person(
        person_id, actor=actor, purpose="console person page"
    )
    scans = db.scalars(
        sa.select(Scan)
        .where(Scan.person_id == person_id)
        .order_by(Scan.device_time.desc())
        .limit(200)
    ).all()
    return render(
        request,
        "people/person.html",
        r=record,
        scans=scans,
        pretty_serial=pretty_serial,
        track=track(db, person_id),
        checkpoints=checkpoint_points(ReferenceService(db)),
        **_actions_and_cases(db, person_id),
    )


def _actions_and_cases(db: SessionDep, person_id: uuid.UUID) -> dict[str, Any]:
    """The person's TAK actions (every one, with who proposed and who decided) and the cases they
    are linked to."""
    from pantau.cases.models import Action, Case, CaseEntry

    actions = db.scalars(
        sa.select(Action).where(Action.person_id == person_id).order_by(Action.proposed_at)
    ).all()
    ids = {a.proposed_by for a in actions} | {a.decided_by for a in actions if a.decided_by}
    names = dict(
        db.execute(sa.select(Officer.id, Officer.username).where(Officer.id.in_(ids))).all()
    )
    cases = db.scalars(
        sa.select(Case)
        .where(Case.id.in_(sa.select(CaseEntry.case_id).where(CaseEntry.person_id == person_id)))
        .order_by(Case.created_at)
    ).all()
    return {"actions": actions, "officer_names": names, "cases": cases}


@router.get("/console/bans", response_class=HTMLResponse)
def bans_page(request: Request, db: SessionDep, officer: StaffPage) -> Response:
    bans = BanService(db, cipher=request.app.state.cipher)
    refusals = db.scalars(sa.select(Refusal).order_by(Refusal.occurred_at.desc()).limit(50)).all()
    return render(
        request, "people/bans.html", bans=bans.list(), name_of=bans.name_of, refusals=refusals
    )


@router.post("/console/bans", response_class=HTMLResponse)
def bans_add(
    request: Request,
    db: SessionDep,
    officer: StaffPage,
    surname: Annotated[str, Form(min_length=1, max_length=80)],
    nationality: Annotated[str, Form(min_length=3, max_length=3)],
    starts_on: Annotated[date, Form()],
    legal_basis: Annotated[str, Form(min_length=3, max_length=300)],
    given_names: Annotated[str, Form(max_length=120)] = "",
    birth_date: Annotated[date | None, Form()] = None,
    passport_number: Annotated[str, Form(max_length=20)] = "",
    ends_on: Annotated[date | None, Form()] = None,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    service = BanService(db, cipher=request.app.state.cipher)
    try:
        service.add(
            BanInput(
                surname.upper(),
                given_names.upper(),
                nationality.upper(),
                birth_date,
                passport_number.upper() or None,
                starts_on,
                ends_on,
                legal_basis,
                reason,
            ),
            actor=actor_of(request, officer),
        )
    except PantauError as exc:
        refusals = db.scalars(
            sa.select(Refusal).order_by(Refusal.occurred_at.desc()).limit(50)
        ).all()
        return render(
            request,
            "people/bans.html",
            status_code=exc.status,
            bans=service.list(),
            name_of=service.name_of,
            refusals=refusals,
            error=exc.message(page_language(request)),
        )
    return RedirectResponse("/console/bans", status_code=303)


@router.get("/console/keys", response_class=HTMLResponse)
def keys_page(request: Request, db: SessionDep, admin: AdminPage) -> Response:
    return render(
        request,
        "people/keys.html",
        keys=KeyService(db, cipher=request.app.state.cipher).list(),
        now=utcnow(),
    )


@router.post("/console/keys/{code}/rotate")
def keys_rotate(request: Request, code: str, db: SessionDep, admin: AdminPage) -> Response:
    KeyService(db, cipher=request.app.state.cipher).rotate(
        code.upper(), actor=actor_of(request, admin)
    )
    return RedirectResponse("/console/keys", status_code=303)
