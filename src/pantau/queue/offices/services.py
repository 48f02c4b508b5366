"""An office sets its own queue: opening rules, sessions and quotas per session and service.

A quota change reaches the slots already published but not yet open (their seats were never offered);
slots that are open keep what citizens were shown, and never drop below what is booked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pantau.audit.services import Actor, record_event
from pantau.errors import NotFound, PantauError
from pantau.queue.models import (
    QueueOffice,
    QueueOpening,
    QueueQuota,
    QueueSession,
    QueueSlot,
    ServiceKind,
)


@dataclass(frozen=True, slots=True)
class OfficeRules:
    days_ahead: int
    opening_time: time
    waiting_minutes: int
    counters: int


def set_rules(
    session: Session, office_code: str, rules: OfficeRules, *, actor: Actor
) -> QueueOffice:
    qo = session.get(QueueOffice, office_code)
    if qo is None:
        qo = QueueOffice(office_code=office_code)
        session.add(qo)
    if not (
        1 <= rules.days_ahead <= 90
        and 0 <= rules.waiting_minutes <= 120
        and 1 <= rules.counters <= 99
    ):
        raise PantauError(
            "bad_rules",
            "Days ahead 1-90, waiting room 0-120 minutes, counters 1-99.",
            "Hari ke depan 1-90, ruang tunggu 0-120 menit, loket 1-99.",
            status=422,
        )
    qo.days_ahead, qo.opening_time = rules.days_ahead, rules.opening_time
    qo.waiting_minutes, qo.counters = rules.waiting_minutes, rules.counters
    session.flush()
    record_event(
        session, "queue:office:update", actor=actor, target=f"office:{office_code}",
        details={"days_ahead": rules.days_ahead, "opening_time": rules.opening_time.isoformat(),
                 "waiting_minutes": rules.waiting_minutes, "counters": rules.counters},
    )  # fmt: skip
    return qo


def set_quota(
    session: Session,
    office_code: str,
    session_id: int,
    service: ServiceKind,
    *,
    regular: int,
    priority: int,
    now: datetime,
    actor: Actor,
) -> int:
    """Set one quota; resize the slots published but not open yet. Returns how many were resized."""
    sess = session.get(QueueSession, session_id)
    if sess is None or sess.office_code != office_code:
        raise NotFound("bad_session", "No such session.", "Sesi tidak ditemukan.")
    if regular < 0 or priority < 0 or regular > 10_000 or priority > 10_000:
        raise PantauError("bad_quota", "Quota 0-10000.", "Kuota 0-10000.", status=422)
    quota = session.get(QueueQuota, (session_id, service))
    if quota is None:
        quota = QueueQuota(session_id=session_id, service=service)
        session.add(quota)
    quota.regular, quota.priority = regular, priority
    not_open = sa.select(QueueOpening.day).where(
        QueueOpening.office_code == office_code, QueueOpening.opens_at > now
    )
    resized = 0
    for is_priority, capacity in ((False, regular), (True, priority)):
        result = session.execute(
            sa.update(QueueSlot)
            .where(
                QueueSlot.session_id == session_id,
                QueueSlot.service == service,
                QueueSlot.priority.is_(is_priority),
                QueueSlot.day.in_(not_open),
            )
            .values(capacity=sa.func.greatest(capacity, QueueSlot.booked))
            .execution_options(synchronize_session=False)
        )
        resized += int(result.rowcount or 0)  # type: ignore[attr-defined]
    record_event(
        session, "queue:quota:update", actor=actor, target=f"queue_session:{session_id}",
        details={"service": service.value, "regular": regular, "priority": priority},
    )  # fmt: skip
    return resized


def add_session(
    session: Session, office_code: str, label: str, starts: time, ends: time, weekdays: int,
    *, actor: Actor,
) -> QueueSession:  # fmt: skip
    if not label.strip() or starts >= ends or not 0 < weekdays < 128:
        raise PantauError(
            "bad_session",
            "A session needs a name, a start before its end and at least one weekday.",
            "Sesi memerlukan nama, jam mulai sebelum jam selesai, dan minimal satu hari.",
            status=422,
        )
    sess = QueueSession(
        office_code=office_code,
        label=label.strip()[:40],
        starts=starts,
        ends=ends,
        weekdays=weekdays,
    )
    session.add(sess)
    session.flush()
    record_event(
        session, "queue:session:create", actor=actor, target=f"queue_session:{sess.id}",
        details={"office": office_code, "label": sess.label},
    )  # fmt: skip
    return sess


def quotas(session: Session, office_code: str) -> list[tuple[QueueSession, dict[str, QueueQuota]]]:
    rows = session.scalars(
        sa.select(QueueSession)
        .where(QueueSession.office_code == office_code)
        .order_by(QueueSession.starts)
    ).all()
    out = []
    for s in rows:
        q = session.scalars(sa.select(QueueQuota).where(QueueQuota.session_id == s.id))
        out.append((s, {x.service.value: x for x in q}))
    return out
