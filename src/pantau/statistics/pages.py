"""Console pages: published statistics and their export."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from pantau.audit.services import record_event
from pantau.dashboards import charts
from pantau.dashboards.exports import download
from pantau.errors import NotFound
from pantau.i18n import translator
from pantau.policy import STAFF
from pantau.statistics import services as statistics
from pantau.stays.refusals import reason_label
from pantau.web import Caller, NavItem, SessionDep, actor_of, page_language, render

router = APIRouter(include_in_schema=False)


NAV = [NavItem("/console/statistics", "Statistics", STAFF)]


@router.get("/console/statistics", response_class=HTMLResponse)
def statistics_page(
    request: Request,
    db: SessionDep,
    officer: Caller,
    public: bool = False,
    period: Annotated[str, Query(pattern="^(month|year)$")] = "month",
) -> Response:
    """The figures as the directorate publishes them; `public=1` hides groups smaller than five
    (in the tables as "<5"; the charts leave them out)."""
    _ = translator(page_language(request))
    refusals_nat = statistics.refusals_by_nationality(db, public=public)
    deportations_nat = statistics.deportations_by_nationality(db, public=public)
    reports = statistics.report_outcomes(db, public=public)
    outcome_totals: dict[str, int] = {}
    for r in reports:
        if isinstance(r["reports"], int):
            outcome_totals[r["outcome"]] = outcome_totals.get(r["outcome"], 0) + r["reports"]
    outcome_names = {
        "waiting": _("Waiting"),
        "in-progress": _("Being handled"),
        "deportation": _("Closed with a deportation"),
        "other-action": _("Closed with another action"),
        "no-action": _("Closed without action"),
    }
    return render(
        request,
        "cases/statistics.html",
        public=public,
        period=period,
        refusals=statistics.refusals(db, period=period, public=public),
        deportations=statistics.deportations(db, public=public),
        refusals_nat=refusals_nat,
        refusals_reason=statistics.refusals_by_reason(db, public=public),
        reason_label=lambda code: reason_label(code, page_language(request)),
        deportations_nat=deportations_nat,
        reports=reports,
        outcome_names=outcome_names,
        charts={
            "refusals": charts.bars(
                statistics.chart_items(refusals_nat, "nationality", "count"),
                label=_("Refusals by nationality"),
            ),
            "deportations": charts.bars(
                statistics.chart_items(deportations_nat, "nationality", "count"),
                label=_("Deportations by nationality"),
            ),
            "reports": charts.bars(
                [(outcome_names[k], n) for k, n in outcome_totals.items()],
                label=_("Reports by outcome"),
            ),
        },
        tables=list(statistics.TABLES),
    )


@router.get("/console/statistics/export")
def statistics_export(
    request: Request,
    db: SessionDep,
    officer: Caller,
    table: Annotated[str, Query(max_length=40)],
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
    public: bool = False,
    period: Annotated[str, Query(pattern="^(month|year)$")] = "month",
) -> Response:
    """One of the statistics tables as CSV or XLSX, exact or as published."""
    if table not in statistics.TABLES:
        raise NotFound("unknown_table", "No such statistics table.", "Tabel statistik tidak ada.")
    header, rows = statistics.table_rows(db, table, public=public, period=period)
    name = f"{table}{'-by-year' if period == 'year' else ''}{'-public' if public else ''}"
    record_event(
        db,
        "cases:statistics:export",
        actor=actor_of(request, officer),
        target=f"statistics:{name}",
        details={"format": format, "rows": len(rows)},
    )
    return download(format, name, header, rows)
