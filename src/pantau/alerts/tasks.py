"""Alert work off the request path: the periodic sweeps (overstay, permit ending, not seen), shared
by any number of workers, and the scan rules queued by every ingest in its own transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

import procrastinate
import sqlalchemy as sa
from procrastinate import JobContext
from sqlalchemy.orm import Session

from pantau.jobs import defer_in_transaction, env_of, unit_of_work
from pantau.scans.models import Scan
from pantau.wiring import alert_engine

SCAN_RULES_TASK = "alerts.on_scans"
SCAN_RULES_QUEUE = "scan-rules"


class _Stored(Protocol):
    id: uuid.UUID
    device_time: datetime


def queue_scan_rules(session: Session, scans: Sequence[_Stored]) -> int | None:
    """Queue the scan rules for freshly stored scans, in the caller's transaction (one job per
    batch). The times bound which monthly partitions the worker reads."""
    if not scans:
        return None
    times = [s.device_time for s in scans]
    return defer_in_transaction(
        session,
        SCAN_RULES_TASK,
        {
            "ids": [str(s.id) for s in scans],
            "first": min(times).isoformat(),
            "last": max(times).isoformat(),
        },
        queue=SCAN_RULES_QUEUE,
        priority=10,  # before sweeps and notifications: an alert is wanted within seconds
    )


def load_scans(session: Session, ids: Sequence[str], first: str, last: str) -> list[Scan]:
    low = datetime.fromisoformat(first) - timedelta(seconds=1)
    high = datetime.fromisoformat(last) + timedelta(seconds=1)
    return list(
        session.scalars(
            sa.select(Scan)
            .where(Scan.id.in_([uuid.UUID(i) for i in ids]), Scan.device_time.between(low, high))
            .order_by(Scan.device_time)
        )
    )


def run_scan_rules(context: JobContext, ids: list[str], first: str, last: str) -> int:
    env = env_of(context)
    with unit_of_work(context) as session:
        scans = load_scans(session, ids, first, last)
        return len(alert_engine(session, env.cipher).on_scans(scans))  # type: ignore[arg-type]


def sweep_alerts(context: JobContext, timestamp: int) -> int:  # noqa: ARG001 - the tick, passed by procrastinate
    env = env_of(context)
    with unit_of_work(context) as session:
        return len(alert_engine(session, env.cipher).sweep())  # type: ignore[arg-type]


def register(app: procrastinate.App) -> None:
    app.task(name=SCAN_RULES_TASK, queue=SCAN_RULES_QUEUE, pass_context=True)(run_scan_rules)
    task = app.task(name="alerts.sweep", queueing_lock="alerts-sweep", pass_context=True)(
        sweep_alerts
    )
    app.periodic(cron="7 * * * *", periodic_id="alerts-sweep")(task)
