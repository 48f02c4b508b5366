"""Statistics the directorate publishes: refusals at checkpoints and deportations, by nationality
and period. Public figures never show a group small enough to point at one person."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.cases.models import Action
from pantau.people.models import Person, Refusal

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
        sa.select(bucket, Refusal.nationality, Refusal.checkpoint_code, sa.func.count())
        .group_by(bucket, Refusal.nationality, Refusal.checkpoint_code)
        .order_by(bucket, sa.func.count().desc())
    )
    if start:
        q = q.where(Refusal.occurred_at >= start)
    if end:
        q = q.where(Refusal.occurred_at < end)
    return [
        {"period": p, "nationality": n, "checkpoint": c, "refusals": _shown(k, public)}
        for p, n, c, k in session.execute(q)
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
