"""Statistics the directorate publishes: refusals at checkpoints and deportations, by nationality
and period. Public figures never show a group small enough to point at one person."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.cases.models import Action, Case
from pantau.people.models import Person
from pantau.reports.models import Report
from pantau.stays.models import Refusal

SMALL_GROUP = 5


def _shown(n: int, public: bool) -> int | str:
    return n if not public or n >= SMALL_GROUP else f"<{SMALL_GROUP}"


def refusals(
    session: Session,
    *,
    period: str = "month",
    start: date | None = None,
    end: date | None = None,
    public: bool = False,
) -> list[dict[str, Any]]:
    bucket = sa.func.to_char(
        sa.func.date_trunc(period, Refusal.occurred_at), "YYYY-MM" if period == "month" else "YYYY"
    )
    q = (
        sa.select(
            bucket, Refusal.nationality, Refusal.checkpoint_code, Refusal.reason, sa.func.count()
        )
        .group_by(bucket, Refusal.nationality, Refusal.checkpoint_code, Refusal.reason)
        .order_by(bucket, sa.func.count().desc())
    )
    if start:
        q = q.where(Refusal.occurred_at >= start)
    if end:
        q = q.where(Refusal.occurred_at < end)
    return [
        {
            "period": p,
            "nationality": n,
            "checkpoint": c,
            "reason": r,
            "refusals": _shown(k, public),
        }
        for p, n, c, r, k in session.execute(q)
    ]


def refusals_by_reason(session: Session, *, public: bool = False) -> list[dict[str, Any]]:
    """All refusals by their ground (stays.refusals.REFUSAL_REASONS) and nationality."""
    n = sa.func.count()
    q = (
        sa.select(Refusal.reason, Refusal.nationality, n)
        .group_by(Refusal.reason, Refusal.nationality)
        .order_by(n.desc(), Refusal.reason, Refusal.nationality)
    )
    return [
        {"reason": r, "nationality": nat, "count": _shown(k, public)}
        for r, nat, k in session.execute(q)
    ]


def deportations(session: Session, *, public: bool = False) -> list[dict[str, Any]]:
    month = sa.func.to_char(Action.decided_at, "YYYY-MM")
    q = (
        sa.select(month, Action.office_code, Person.nationality, Action.reason, sa.func.count())
        .join(Person, Person.id == Action.person_id)
        .where(Action.kind == "deportation", Action.status == "executed")
        .group_by(month, Action.office_code, Person.nationality, Action.reason)
        .order_by(month)
    )
    return [
        {
            "month": m,
            "office": office,
            "nationality": nat,
            "reason": None if public else reason,
            "deportations": _shown(n, public),
        }
        for m, office, nat, reason, n in session.execute(q)
    ]


def _by_nationality(rows: list[tuple[str, int]], public: bool) -> list[dict[str, Any]]:
    return [{"nationality": nat, "count": _shown(n, public)} for nat, n in rows]


def refusals_by_nationality(session: Session, *, public: bool = False) -> list[dict[str, Any]]:
    """All refusals at checkpoints by nationality, largest first."""
    n = sa.func.count()
    q = sa.select(Refusal.nationality, n).group_by(Refusal.nationality).order_by(n.desc())
    return _by_nationality([(nat, k) for nat, k in session.execute(q)], public)


def deportations_by_nationality(session: Session, *, public: bool = False) -> list[dict[str, Any]]:
    """All executed deportations by nationality, largest first."""
    n = sa.func.count()
    q = (
        sa.select(Person.nationality, n)
        .select_from(Action)
        .join(Person, Person.id == Action.person_id)
        .where(Action.kind == "deportation", Action.status == "executed")
        .group_by(Person.nationality)
        .order_by(n.desc())
    )
    return _by_nationality([(nat, k) for nat, k in session.execute(q)], public)


# What became of a report: still waiting, being handled, or closed - with a deportation, with
# another executed TAK action, or with none.
REPORT_OUTCOMES = ("waiting", "in-progress", "deportation", "other-action", "no-action")


def _executed_on_report(*kinds: str) -> sa.Exists:
    q = sa.exists().where(
        Case.report_id == Report.id, Action.case_id == Case.id, Action.status == "executed"
    )
    return q.where(Action.kind.in_(kinds)) if kinds else q


def report_outcomes(session: Session, *, public: bool = False) -> list[dict[str, Any]]:
    """Reports from the public received per month, by office and outcome."""
    month = sa.func.to_char(Report.received_at, "YYYY-MM")
    outcome = sa.case(
        (Report.status == "received", "waiting"),
        (Report.status == "in-progress", "in-progress"),
        (_executed_on_report("deportation"), "deportation"),
        (_executed_on_report(), "other-action"),
        else_="no-action",
    )
    q = (
        sa.select(month, Report.office_code, outcome, sa.func.count())
        .group_by(month, Report.office_code, outcome)
        .order_by(month, Report.office_code, outcome)
    )
    return [
        {"month": m, "office": office, "outcome": out, "reports": _shown(n, public)}
        for m, office, out, n in session.execute(q)
    ]


def chart_items(rows: list[dict[str, Any]], key: str, value: str) -> list[tuple[str, int]]:
    """The rows a chart may draw: hidden small groups ("<5") are left out, not drawn as zero."""
    return [(str(r[key]), r[value]) for r in rows if isinstance(r[value], int)]


# Exports: name -> (header, the function that gives its rows)
TABLES: dict[str, tuple[list[str], Any]] = {
    "refusals": (["period", "nationality", "checkpoint", "reason", "refusals"], refusals),
    "refusals-by-reason": (["reason", "nationality", "count"], refusals_by_reason),
    "deportations": (["month", "office", "nationality", "reason", "deportations"], deportations),
    "reports": (["month", "office", "outcome", "reports"], report_outcomes),
    "refusals-by-nationality": (["nationality", "count"], refusals_by_nationality),
    "deportations-by-nationality": (["nationality", "count"], deportations_by_nationality),
}


def table_rows(
    session: Session, name: str, *, public: bool, period: str = "month"
) -> tuple[list[str], list[list[Any]]]:
    header, fn = TABLES[name]
    rows = (
        fn(session, public=public, period=period)
        if name == "refusals"
        else fn(session, public=public)
    )
    if public and name == "deportations":  # a deportation's reason is free text
        header = [h for h in header if h != "reason"]
    return header, [[r[h] for h in header] for r in rows]
