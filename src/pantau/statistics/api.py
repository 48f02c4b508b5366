"""Published statistics over the API: deportations, reports, refusals."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from pantau.accounts.models import Officer
from pantau.audit.services import record_event
from pantau.dashboards.exports import download
from pantau.statistics import services as statistics
from pantau.statistics.schemas import RefusalStat
from pantau.web import Caller, SessionDep, actor_of

router = APIRouter(tags=["cases"])


Format = Annotated[str, Query(pattern="^(json|csv|xlsx)$")]


def _table(
    request: Request, db: SessionDep, officer: Officer, name: str, public: bool, fmt: str
) -> list[dict[str, Any]] | Response:
    if fmt == "json":
        rows: list[dict[str, Any]] = statistics.TABLES[name][1](db, public=public)
        return rows
    header, rows_out = statistics.table_rows(db, name, public=public)
    record_event(
        db,
        "cases:statistics:export",
        actor=actor_of(request, officer),
        target=f"statistics:{name}",
        details={"format": fmt, "rows": len(rows_out)},
    )
    return download(fmt, f"{name}{'-public' if public else ''}", header, rows_out)


@router.get("/api/v1/statistics/deportations", response_model=None)
def deportation_statistics(
    request: Request,
    db: SessionDep,
    officer: Caller,
    public: Annotated[bool, Query()] = False,
    format: Format = "json",
) -> list[dict[str, Any]] | Response:
    """Executed deportations by month, office, nationality and reason. With `public=true`, groups
    smaller than five are shown as "<5" (and reasons left out) so no figure points at one person.
    `format=csv|xlsx` downloads the table."""
    return _table(request, db, officer, "deportations", public, format)


@router.get("/api/v1/statistics/reports", response_model=None)
def report_statistics(
    request: Request,
    db: SessionDep,
    officer: Caller,
    public: Annotated[bool, Query()] = False,
    format: Format = "json",
) -> list[dict[str, Any]] | Response:
    """Reports from the public received per month, by office and outcome (waiting, in-progress,
    deportation, other-action, no-action); `public=true` shows groups under five as "<5"."""
    return _table(request, db, officer, "reports", public, format)


@router.get("/api/v1/statistics/refusals", response_model=list[RefusalStat])
def refusal_statistics(
    db: SessionDep,
    officer: Caller,
    start: Annotated[date | None, Query()] = None,
    end: Annotated[date | None, Query()] = None,
    period: Annotated[str, Query(pattern="^(month|year)$")] = "month",
) -> list[RefusalStat]:
    """Refusals at checkpoints by nationality, checkpoint and month (or year)."""
    rows = statistics.refusals(db, period=period, start=start, end=end)
    return [RefusalStat(**row) for row in rows]
