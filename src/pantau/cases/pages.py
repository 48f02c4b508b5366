"""Console pages for reports, cases and actions awaiting a second officer."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau import scoped
from pantau.accounts.models import Officer
from pantau.cases.services import ActionService, CaseService
from pantau.errors import NotFound, PantauError
from pantau.operations import services as operations
from pantau.operations.models import Operation
from pantau.people.identity import identity_hash, passport_hash
from pantau.people.models import Passport, Person
from pantau.policy import STAFF, office_filter
from pantau.reports.models import Report, ReportPhoto
from pantau.stays.models import Stay
from pantau.stickers.services import pretty_serial
from pantau.web import Caller, NavItem, SessionDep, actor_of, page_language, render

router = APIRouter(include_in_schema=False)
NAV = [NavItem("/console/cases", "Cases", STAFF)]


def _lists(request: Request, db: SessionDep, officer: Officer) -> dict[str, Any]:
    q = (
        sa.select(Report)
        .where(Report.status == "received", office_filter(officer, Report.office_code))
        .order_by(Report.received_at.desc())
    )
    return {
        "reports": db.scalars(q.limit(100)).all(),
        "cases": CaseService(db).for_officer(officer),
        "pending": ActionService(db, cipher=request.app.state.cipher).pending(officer),
    }


@router.get("/console/cases", response_class=HTMLResponse)
def cases_page(request: Request, db: SessionDep, officer: Caller) -> Response:
    return render(request, "cases/cases.html", **_lists(request, db, officer))


@router.post("/console/cases", response_class=HTMLResponse)
def cases_open(
    request: Request,
    db: SessionDep,
    officer: Caller,
    title: Annotated[str, Form(max_length=300)],
    report_id: Annotated[str, Form()] = "",
) -> Response:
    case = CaseService(db).open(
        title=title,
        officer=officer,
        actor=actor_of(request, officer),
        report_id=uuid.UUID(report_id) if report_id else None,
    )
    return RedirectResponse(f"/console/cases/{case.id}", status_code=303)


@router.get("/console/cases/{case_id}", response_class=HTMLResponse)
def case_page(
    request: Request, case_id: uuid.UUID, db: SessionDep, officer: Caller, error: str = ""
) -> Response:
    cases = CaseService(db)
    case = cases.get(case_id, officer)
    staff = cases.assignable(case)
    report = db.get(Report, case.report_id) if case.report_id else None
    return render(
        request,
        "cases/case.html",
        case=case,
        staff=staff,
        assigned=next((o for o in staff if o.id == case.assigned_to), None),
        report=report,
        operations=list(
            db.scalars(
                operations.visible(officer).where(
                    sa.literal(case.id, sa.Uuid) == sa.any_(Operation.case_ids)
                )
            )
        ),
        timeline=cases.timeline(case),
        persons=cases.persons(case),
        person_facts=_person_facts(db, cases.persons(case)),
        error=error,
    )


def _person_facts(db: SessionDep, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """What the case page says of each linked person without decrypting a name: nationality, and
    the latest stay's permit, status and sticker serials (the name is on the audited person page)."""
    facts: dict[uuid.UUID, str] = {}
    for person in db.scalars(sa.select(Person).where(Person.id.in_(ids))):
        stay = db.scalar(
            sa.select(Stay)
            .where(Stay.person_id == person.id)
            .order_by(Stay.arrived_at.desc())
            .limit(1)
        )
        parts = [person.nationality]
        if stay is not None:
            parts += [stay.permit.value, stay.status.value]
            parts += [f"{pretty_serial(st.serial)} ({st.status.value})" for st in stay.stickers]
        facts[person.id] = " · ".join(parts)
    return facts


@router.get("/console/cases/{case_id}/photos/{photo_id}.jpg")
def case_report_photo(
    case_id: uuid.UUID, photo_id: uuid.UUID, db: SessionDep, officer: Caller
) -> Response:
    """A photo sent with the report the case was opened from (re-encoded JPEG, no metadata)."""
    case = CaseService(db).get(case_id, officer)
    photo = db.get(ReportPhoto, photo_id)
    if photo is None or case.report_id is None or photo.report_id != case.report_id:
        raise NotFound("unknown_photo", "No such photo for this case.", "Foto tidak ditemukan.")
    return Response(
        photo.jpeg, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"}
    )


@router.post("/console/cases/{case_id}/{what}", response_class=HTMLResponse)
def case_act(
    request: Request,
    case_id: uuid.UUID,
    what: str,
    db: SessionDep,
    officer: Caller,
    text: Annotated[str, Form(max_length=5000)] = "",
    serial: Annotated[str, Form(max_length=30)] = "",
    status: Annotated[str, Form(max_length=20)] = "",
    kind: Annotated[str, Form(max_length=30)] = "",
    person_id: Annotated[str, Form(max_length=40)] = "",
    passport: Annotated[str, Form(max_length=20)] = "",
    nationality: Annotated[str, Form(max_length=3)] = "",
    assignee: Annotated[str, Form(max_length=60)] = "",
    surname: Annotated[str, Form(max_length=80)] = "",
    given_names: Annotated[str, Form(max_length=120)] = "",
    birth_date: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    cases, actor = CaseService(db), actor_of(request, officer)
    try:
        case = cases.get(case_id, officer)
        if what == "note":
            cases.note(case, text, officer=officer, actor=actor)
        elif what == "person":
            cases.link_sticker(case, serial, officer=officer, actor=actor, how="sticker")
        elif what == "assign":
            cases.assign(case, assignee, officer=officer, actor=actor)
        elif what == "name":
            nat = nationality.strip().upper()
            try:
                born = date.fromisoformat(birth_date.strip())
            except ValueError:
                raise PantauError(
                    "bad_birth_date",
                    "Give the birth date.",
                    "Isi tanggal lahir.",
                    field="birth_date",
                ) from None
            key = identity_hash(
                request.app.state.cipher,
                surname=" ".join(surname.upper().split()),
                given_names=" ".join(given_names.upper().split()),
                birth_date=born,
                nationality=nat,
            )
            found = list(
                db.scalars(sa.select(Person.id).where(Person.identity_hash == key).limit(2))
            )
            if len(found) != 1:
                raise NotFound(
                    "unknown_person" if not found else "several_persons",
                    "No person with this name, birth date and nationality."
                    if not found
                    else "Several persons match: use the passport number or the sticker.",
                    "Tidak ada orang dengan nama, tanggal lahir, dan kewarganegaraan ini."
                    if not found
                    else "Lebih dari satu orang cocok: gunakan nomor paspor atau stiker.",
                    field="surname",
                )
            cases.link_person(
                case, found[0], officer=officer, actor=actor, how=f"name and birth date ({nat})"
            )
        elif what == "passport":
            hit = db.scalar(
                sa.select(Passport).where(
                    Passport.number_hash
                    == passport_hash(
                        request.app.state.cipher,
                        nationality.strip().upper(),
                        passport.upper().replace(" ", ""),
                    )
                )
            )
            if hit is None:
                raise NotFound(
                    "unknown_passport",
                    "No person with this passport number and nationality.",
                    "Tidak ada orang dengan nomor paspor dan kewarganegaraan ini.",
                    field="passport",
                )
            cases.link_person(
                case,
                hit.person_id,
                officer=officer,
                actor=actor,
                how=f"passport ({nationality.strip().upper()})",
            )
        elif what == "status":
            cases.move(case, status, officer=officer, actor=actor, outcome=text)
        elif what == "action":
            scoped.person(db, officer, uuid.UUID(person_id))
            ActionService(db, cipher=request.app.state.cipher).propose(
                kind=kind,
                person_id=uuid.UUID(person_id),
                reason=text,
                officer=officer,
                actor=actor,
                case_id=case.id,
            )
    except (PantauError, ValueError) as exc:
        db.rollback()
        message = exc.message(page_language(request)) if isinstance(exc, PantauError) else str(exc)
        return case_page(request, case_id, db, officer, error=message)
    return RedirectResponse(f"/console/cases/{case_id}", status_code=303)


@router.post("/console/actions/{action_id}/{decision}")
def action_decide(
    request: Request, action_id: uuid.UUID, decision: str, db: SessionDep, officer: Caller
) -> Response:
    scoped.action(db, officer, action_id)  # another office's action: 404, as a missing one
    try:
        ActionService(db, cipher=request.app.state.cipher).decide(
            action_id,
            approve=decision == "approve",
            officer=officer,
            actor=actor_of(request, officer),
        )
    except PantauError as exc:
        db.rollback()
        return render(
            request,
            "cases/cases.html",
            status_code=exc.status,
            error=exc.message(page_language(request)),
            **_lists(request, db, officer),
        )
    return RedirectResponse("/console/cases", status_code=303)
