"""Console pages: an office's queue settings (opening rules, sessions, quotas)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from pantau.accounts.models import Officer
from pantau.db import utcnow
from pantau.errors import PantauError
from pantau.policy import is_national
from pantau.queue.desk.pages import _desk
from pantau.queue.models import QueueOffice, ServiceKind
from pantau.queue.offices.services import OfficeRules, add_session, quotas, set_quota, set_rules
from pantau.web import Caller, SessionDep, actor_of, page_language

router = APIRouter(include_in_schema=False)


def _office_for(officer: Officer, requested: str) -> str:
    """Officers and office supervisors set their own office; national accounts any office."""
    if requested and is_national(officer):
        return requested.upper()
    return officer.office_code


def _settings_page(
    request: Request, db: SessionDep, office_code: str, status_code: int = 200, **ctx: Any
) -> Response:
    return _desk(
        request, "queue/settings.html", status_code, office_code=office_code,
        rules=db.get(QueueOffice, office_code), quotas=quotas(db, office_code), **ctx,
    )  # fmt: skip


@router.get("/console/antrean/pengaturan", response_class=HTMLResponse)
def settings_page(request: Request, db: SessionDep, officer: Caller, office: str = "") -> Response:
    return _settings_page(request, db, _office_for(officer, office))


@router.post("/console/antrean/pengaturan/aturan", response_class=HTMLResponse)
def settings_rules(
    request: Request,
    db: SessionDep,
    officer: Caller,
    days_ahead: Annotated[int, Form()],
    opening_time: Annotated[time, Form()],
    waiting_minutes: Annotated[int, Form()],
    counters: Annotated[int, Form()],
    office: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    code = _office_for(officer, office)
    rules = OfficeRules(days_ahead, opening_time, waiting_minutes, counters)
    return _settings_change(
        request, db, code, lambda: set_rules(db, code, rules, actor=actor_of(request, officer))
    )


@router.post("/console/antrean/pengaturan/kuota", response_class=HTMLResponse)
def settings_quota(
    request: Request,
    db: SessionDep,
    officer: Caller,
    session_id: Annotated[int, Form()],
    service: Annotated[ServiceKind, Form()],
    regular: Annotated[int, Form()],
    priority: Annotated[int, Form()],
    office: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    code = _office_for(officer, office)
    actor = actor_of(request, officer)
    return _settings_change(
        request, db, code,
        lambda: set_quota(db, code, session_id, service, regular=regular, priority=priority,
                          now=utcnow(), actor=actor),
    )  # fmt: skip


@router.post("/console/antrean/pengaturan/sesi", response_class=HTMLResponse)
def settings_session(
    request: Request,
    db: SessionDep,
    officer: Caller,
    label: Annotated[str, Form(max_length=40)],
    starts: Annotated[time, Form()],
    ends: Annotated[time, Form()],
    weekday: Annotated[list[int], Form()],
    office: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    code = _office_for(officer, office)
    mask = sum(1 << d for d in set(weekday) if 0 <= d <= 6)
    actor = actor_of(request, officer)
    return _settings_change(
        request, db, code, lambda: add_session(db, code, label, starts, ends, mask, actor=actor)
    )


def _settings_change(
    request: Request, db: SessionDep, office_code: str, change: Callable[[], object]
) -> Response:
    try:
        change()
    except PantauError as exc:
        db.rollback()
        msg = exc.message(page_language(request))
        return _settings_page(request, db, office_code, exc.status, error=msg)
    return _settings_page(request, db, office_code, saved=True)
