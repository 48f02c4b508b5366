"""Dashboard figures over the API (/api/v1/statistics/present, /daily)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from pantau.accounts.models import Officer
from pantau.audit.services import record_event
from pantau.dashboards.exports import download
from pantau.dashboards.services import SERIES, DashboardService, scope_of
from pantau.web import Caller, SessionDep, actor_of

router = APIRouter()


Format = Annotated[str, Query(pattern="^(json|csv|xlsx)$")]


OfficeQuery = Annotated[str | None, Query(max_length=8, pattern="^[A-Za-z]+$")]


Days = Annotated[int, Query(ge=1, le=366)]


def _export(
    request: Request,
    db: SessionDep,
    officer: Officer,
    fmt: str,
    name: str,
    header: list[str],
    rows: list[list[Any]],
) -> Response:
    # Aggregates hold nobody's data, but a bulk download is still an event worth a trace.
    record_event(
        db,
        "dashboards:statistics:export",
        actor=actor_of(request, officer),
        target=f"statistics:{name}",
        details={"format": fmt, "rows": len(rows)},
    )
    return download(fmt, name, header, rows)


@router.get("/api/v1/statistics/present", tags=["statistics"], response_model=None)
def present_now(
    request: Request,
    db: SessionDep,
    officer: Caller,
    by: Annotated[str, Query(pattern="^(nationality|permit|office|province)$")] = "nationality",
    office: OfficeQuery = None,
    format: Format = "json",
) -> dict[str, Any] | Response:
    """Foreigners present now (an active stay), by nationality, permit, office or province (of the
    stay's latest scan placed in a regency; "-" when none yet). Officers get their office's;
    supervisors and administrators the country, or `office`."""
    scope = scope_of(officer, office)
    rows = DashboardService(db, office=scope).present_by(by)
    if format == "json":
        return {"office": scope, "by": by, "rows": [{by: k, "present": n} for k, n in rows]}
    name = f"present-by-{by}" + (f"-{scope}" if scope else "")
    return _export(request, db, officer, format, name, [by, "present"], [list(r) for r in rows])


@router.get("/api/v1/statistics/daily", tags=["statistics"], response_model=None)
def daily(
    request: Request,
    db: SessionDep,
    officer: Caller,
    days: Days = 30,
    office: OfficeQuery = None,
    format: Format = "json",
) -> dict[str, Any] | Response:
    """Arrivals, departures, refusals, overstays begun and alerts per day (Jakarta calendar) over
    the last `days` days."""
    scope = scope_of(officer, office)
    series = DashboardService(db, office=scope).daily(days)
    if format == "json":
        rows = [{"day": d.day.isoformat(), **{s: getattr(d, s) for s in SERIES}} for d in series]
        return {"office": scope, "days": rows}
    name = f"daily-{days}d" + (f"-{scope}" if scope else "")
    return _export(
        request, db, officer, format, name, ["day", *SERIES], [d.as_row() for d in series]
    )
