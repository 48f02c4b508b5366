"""Console page: the entry-ban list."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau.bans.services import BanInput, BanService
from pantau.errors import PantauError
from pantau.policy import STAFF
from pantau.stays.services import recent_refusals
from pantau.web import Caller, NavItem, SessionDep, actor_of, page_language, render

router = APIRouter(include_in_schema=False)


NAV = [NavItem("/console/bans", "Entry bans", STAFF)]


@router.get("/console/bans", response_class=HTMLResponse)
def bans_page(request: Request, db: SessionDep, officer: Caller) -> Response:
    bans = BanService(db, cipher=request.app.state.cipher)
    refusals = recent_refusals(db)
    return render(
        request, "people/bans.html", bans=bans.list(), name_of=bans.name_of, refusals=refusals
    )


@router.post("/console/bans", response_class=HTMLResponse)
def bans_add(
    request: Request,
    db: SessionDep,
    officer: Caller,
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
        refusals = recent_refusals(db)
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
