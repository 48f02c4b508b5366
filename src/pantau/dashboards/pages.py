"""Dashboards: the console page (national or one office) and its figures as JSON, CSV or XLSX."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from pantau.dashboards import charts
from pantau.dashboards.services import DIMENSIONS, SERIES, DashboardService, scope_of
from pantau.i18n import translator
from pantau.policy import STAFF, is_national
from pantau.web import Caller, NavItem, SessionDep, page_language, render

router = APIRouter()
NAV = [NavItem("/console/dashboard", "Dashboard", STAFF)]
Format = Annotated[str, Query(pattern="^(json|csv|xlsx)$")]
OfficeQuery = Annotated[str | None, Query(max_length=8, pattern="^[A-Za-z]+$")]
Days = Annotated[int, Query(ge=1, le=366)]


@router.get("/console/dashboard", response_class=HTMLResponse, include_in_schema=False)
def dashboard_page(
    request: Request, db: SessionDep, officer: Caller, office: OfficeQuery = None
) -> HTMLResponse:
    _ = translator(page_language(request))
    scope = scope_of(officer, office)
    service = DashboardService(db, office=scope)
    days = service.daily(30)
    present = {d: service.present_by(d) for d in DIMENSIONS}
    titles = {
        "nationality": _("By nationality"),
        "permit": _("By permit"),
        "office": _("By office"),
        "province": _("By province (where last seen)"),
        "arrivals": _("Arrivals"),
        "departures": _("Departures"),
        "refusals": _("Refusals"),
        "overstays": _("Overstays (began)"),
        "alerts": _("Alerts"),
    }
    return render(
        request,
        "dashboards/dashboard.html",
        scope=scope,
        total=service.present_total(),
        titles=titles,
        present_charts={d: charts.bars(rows, label=titles[d]) for d, rows in present.items()},
        daily_charts={
            s: charts.columns([(x.day, getattr(x, s)) for x in days], label=titles[s])
            for s in SERIES
        },
        totals={s: sum(getattr(x, s) for x in days) for s in SERIES},
        national=is_national(officer),
    )
