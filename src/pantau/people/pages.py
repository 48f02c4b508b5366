"""Console pages: person search and a person's page."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau import policy
from pantau.accounts.services import usernames
from pantau.cases.services import ActionService, CaseService
from pantau.errors import NotFound, PantauError
from pantau.maps.services import checkpoint_points, track
from pantau.people.services import PeopleService
from pantau.pii import PiiCipher
from pantau.policy import STAFF
from pantau.reference.services import ReferenceService
from pantau.scans.services import scans_of_person
from pantau.stickers.services import pretty_serial
from pantau.web import Caller, NavItem, SessionDep, actor_of, page_language, render

router = APIRouter(include_in_schema=False)


NAV = [NavItem("/console/people", "People", STAFF)]


@router.get("/console/people", response_class=HTMLResponse)
def people_search(
    request: Request,
    db: SessionDep,
    officer: Caller,
    passport: Annotated[str, Query(max_length=20)] = "",
    nationality: Annotated[str, Query(max_length=3)] = "",
) -> Response:
    found = None
    if passport and nationality:
        hit = PeopleService(db, cipher=request.app.state.cipher).by_passport(
            nationality.upper(), passport.upper().replace(" ", "")
        )
        if hit is not None:
            return RedirectResponse(f"/console/people/{hit.person_id}", status_code=303)
        found = False
    return render(
        request, "people/search.html", passport=passport, nationality=nationality, found=found
    )


@router.get("/console/people/{person_id}", response_class=HTMLResponse)
def person_page(
    request: Request, person_id: uuid.UUID, db: SessionDep, officer: Caller
) -> Response:
    """The person's record, when they belong to your office (pantau.policy) or you stated a
    purpose for them; otherwise (and for an unknown id alike) a form asking for the purpose."""
    if not policy.person_readable(db, officer, person_id):
        return render(
            request, "people/purpose.html", status_code=403, person_id=person_id, purpose=""
        )
    actor = actor_of(request, officer)
    record = PeopleService(db, cipher=request.app.state.cipher).read_person(
        person_id, actor=actor, purpose="console person page"
    )
    scans = scans_of_person(db, person_id)
    return render(
        request,
        "people/person.html",
        r=record,
        scans=scans,
        pretty_serial=pretty_serial,
        track=track(db, person_id),
        checkpoints=checkpoint_points(ReferenceService(db)),
        **_actions_and_cases(db, request.app.state.cipher, person_id),
    )


@router.post("/console/people/{person_id}/purpose", response_class=HTMLResponse)
def person_purpose(
    request: Request,
    person_id: uuid.UUID,
    db: SessionDep,
    officer: Caller,
    purpose: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Break-the-glass: open another office's person with a stated purpose, audited and shown to
    the supervisors of the offices the person belongs to (docs/access.md)."""
    try:
        policy.break_glass(db, officer, actor_of(request, officer), person_id, purpose)
    except NotFound:
        raise
    except PantauError as exc:
        return render(
            request,
            "people/purpose.html",
            status_code=exc.status,
            person_id=person_id,
            purpose=purpose,
            error=exc.message(page_language(request)),
        )
    return RedirectResponse(f"/console/people/{person_id}", status_code=303)


def _actions_and_cases(db: SessionDep, cipher: PiiCipher, person_id: uuid.UUID) -> dict[str, Any]:
    """The person's TAK actions (every one, with who proposed and who decided) and the cases they
    are linked to."""
    actions = ActionService(db, cipher=cipher).for_person(person_id)
    ids = {a.proposed_by for a in actions} | {a.decided_by for a in actions if a.decided_by}
    return {
        "actions": actions,
        "officer_names": usernames(db, ids),
        "cases": CaseService(db).of_person(person_id),
    }
