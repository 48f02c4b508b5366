"""Console pages for reports, cases and actions awaiting a second officer."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau import scoped
from pantau.accounts.models import Officer
from pantau.audit.services import Actor
from pantau.cases.models import Case
from pantau.cases.services import ActionService, CaseService
from pantau.errors import NotFound, PantauError
from pantau.operations import services as operations
from pantau.people.services import PeopleService
from pantau.policy import STAFF
from pantau.reports.models import Report, ReportPhoto
from pantau.reports.services import reports_for
from pantau.web import Caller, NavItem, SessionDep, actor_of, page_language, render

router = APIRouter(include_in_schema=False)
NAV = [NavItem("/console/cases", "Cases", STAFF)]


def _lists(request: Request, db: SessionDep, officer: Officer) -> dict[str, Any]:
    return {
        "reports": reports_for(db, officer, status="received", limit=100),
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
        operations=operations.for_case(db, officer, case.id),
        timeline=cases.timeline(case),
        persons=cases.persons(case),
        person_facts=cases.person_facts(cases.persons(case)),
        error=error,
    )


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


def _case_action(
    request: Request,
    case_id: uuid.UUID,
    db: SessionDep,
    officer: Officer,
    act: Callable[[CaseService, Case, Actor], object],
) -> Response:
    """Run one action on a case; on a refusal, redraw the case page with the message."""
    cases, actor = CaseService(db), actor_of(request, officer)
    try:
        act(cases, cases.get(case_id, officer), actor)
    except (PantauError, ValueError) as exc:
        db.rollback()
        message = exc.message(page_language(request)) if isinstance(exc, PantauError) else str(exc)
        return case_page(request, case_id, db, officer, error=message)
    return RedirectResponse(f"/console/cases/{case_id}", status_code=303)


@router.post("/console/cases/{case_id}/note", response_class=HTMLResponse)
def case_note(
    request: Request,
    case_id: uuid.UUID,
    db: SessionDep,
    officer: Caller,
    text: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    return _case_action(
        request,
        case_id,
        db,
        officer,
        lambda cases, case, actor: cases.note(case, text, officer=officer, actor=actor),
    )


@router.post("/console/cases/{case_id}/person", response_class=HTMLResponse)
def case_link_sticker(
    request: Request,
    case_id: uuid.UUID,
    db: SessionDep,
    officer: Caller,
    serial: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    return _case_action(
        request,
        case_id,
        db,
        officer,
        lambda cases, case, actor: cases.link_sticker(
            case, serial, officer=officer, actor=actor, how="sticker"
        ),
    )


@router.post("/console/cases/{case_id}/assign", response_class=HTMLResponse)
def case_assign(
    request: Request,
    case_id: uuid.UUID,
    db: SessionDep,
    officer: Caller,
    assignee: Annotated[str, Form(max_length=60)] = "",
) -> Response:
    return _case_action(
        request,
        case_id,
        db,
        officer,
        lambda cases, case, actor: cases.assign(case, assignee, officer=officer, actor=actor),
    )


@router.post("/console/cases/{case_id}/name", response_class=HTMLResponse)
def case_link_by_name(
    request: Request,
    case_id: uuid.UUID,
    db: SessionDep,
    officer: Caller,
    nationality: Annotated[str, Form(max_length=3)] = "",
    surname: Annotated[str, Form(max_length=80)] = "",
    given_names: Annotated[str, Form(max_length=120)] = "",
    birth_date: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    def act(cases: CaseService, case: Case, actor: Actor) -> None:
        nat = nationality.strip().upper()
        try:
            born = date.fromisoformat(birth_date.strip())
        except ValueError:
            raise PantauError(
                "bad_birth_date", "Give the birth date.", "Isi tanggal lahir.", field="birth_date"
            ) from None
        person_id = PeopleService(db, cipher=request.app.state.cipher).one_by_identity(
            surname=surname, given_names=given_names, birth_date=born, nationality=nat
        )
        cases.link_person(
            case, person_id, officer=officer, actor=actor, how=f"name and birth date ({nat})"
        )

    return _case_action(request, case_id, db, officer, act)


@router.post("/console/cases/{case_id}/passport", response_class=HTMLResponse)
def case_link_by_passport(
    request: Request,
    case_id: uuid.UUID,
    db: SessionDep,
    officer: Caller,
    passport: Annotated[str, Form(max_length=20)] = "",
    nationality: Annotated[str, Form(max_length=3)] = "",
) -> Response:
    def act(cases: CaseService, case: Case, actor: Actor) -> None:
        nat = nationality.strip().upper()
        hit = PeopleService(db, cipher=request.app.state.cipher).by_passport(
            nat, passport.upper().replace(" ", "")
        )
        if hit is None:
            raise NotFound(
                "unknown_passport",
                "No person with this passport number and nationality.",
                "Tidak ada orang dengan nomor paspor dan kewarganegaraan ini.",
                field="passport",
            )
        cases.link_person(
            case, hit.person_id, officer=officer, actor=actor, how=f"passport ({nat})"
        )

    return _case_action(request, case_id, db, officer, act)


@router.post("/console/cases/{case_id}/status", response_class=HTMLResponse)
def case_move(
    request: Request,
    case_id: uuid.UUID,
    db: SessionDep,
    officer: Caller,
    text: Annotated[str, Form(max_length=5000)] = "",
    status: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    return _case_action(
        request,
        case_id,
        db,
        officer,
        lambda cases, case, actor: cases.move(
            case, status, officer=officer, actor=actor, outcome=text
        ),
    )


@router.post("/console/cases/{case_id}/action", response_class=HTMLResponse)
def case_propose_action(
    request: Request,
    case_id: uuid.UUID,
    db: SessionDep,
    officer: Caller,
    text: Annotated[str, Form(max_length=5000)] = "",
    kind: Annotated[str, Form(max_length=30)] = "",
    person_id: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    def propose(_cases: CaseService, case: Case, actor: Actor) -> object:
        person = uuid.UUID(person_id)
        scoped.person(db, officer, person)  # another office's person: 404, as a missing one
        return ActionService(db, cipher=request.app.state.cipher).propose(
            kind=kind, person_id=person, reason=text, officer=officer, actor=actor, case_id=case.id
        )

    return _case_action(request, case_id, db, officer, propose)


def _decide(
    request: Request, action_id: uuid.UUID, approve: bool, db: SessionDep, officer: Officer
) -> Response:
    scoped.action(db, officer, action_id)  # another office's action: 404, as a missing one
    try:
        ActionService(db, cipher=request.app.state.cipher).decide(
            action_id,
            approve=approve,
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


@router.post("/console/actions/{action_id}/approve")
def action_approve(
    request: Request, action_id: uuid.UUID, db: SessionDep, officer: Caller
) -> Response:
    return _decide(request, action_id, True, db, officer)


@router.post("/console/actions/{action_id}/reject")
def action_reject(
    request: Request, action_id: uuid.UUID, db: SessionDep, officer: Caller
) -> Response:
    return _decide(request, action_id, False, db, officer)
