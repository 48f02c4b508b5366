"""Demo queue settings: a few offices with two sessions a day and quotas, slots published."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy.orm import Session

from pantau.db import utcnow
from pantau.queue.models import QueueOffice, QueueQuota, QueueSession, ServiceKind
from pantau.queue.offices.calendar import publish_all
from pantau.reference.models import Office

DEMO_QUEUE_OFFICES = ("NGR", "DEN", "SHA", "JKS", "YGY", "TPK", "MDN")
# (label, starts, ends, share of the full quota)
DEMO_SESSIONS = (("Pagi", time(8, 0), time(12, 0), 1.0), ("Siang", time(13, 0), time(15, 0), 0.5))
DEMO_QUOTA = {
    ServiceKind.NEW: (20, 4),
    ServiceKind.RENEWAL: (20, 4),
    ServiceKind.REPLACEMENT: (10, 2),
}


def add_office(session: Session, code: str, *, scale: float = 1.0) -> QueueOffice:
    """Queue settings for one office: Monday to Friday, morning and afternoon sessions."""
    qo = QueueOffice(office_code=code)
    session.add(qo)
    for label, starts, ends, share in DEMO_SESSIONS:
        sess = QueueSession(office_code=code, label=label, starts=starts, ends=ends)
        session.add(sess)
        session.flush()
        for service, (regular, priority) in DEMO_QUOTA.items():
            session.add(
                QueueQuota(
                    session_id=sess.id,
                    service=service,
                    regular=int(regular * share * scale),
                    priority=int(priority * share * scale),
                )
            )
    session.flush()
    return qo


def load_queue_demo(session: Session, *, now: datetime | None = None) -> int:
    """Create what is missing (offices already set up are left alone); publish the rolling window.
    Returns how many offices were set up."""
    made = 0
    for code in DEMO_QUEUE_OFFICES:
        if session.get(Office, code) is None or session.get(QueueOffice, code) is not None:
            continue
        add_office(session, code)
        made += 1
    publish_all(session, now=now or utcnow())
    return made
