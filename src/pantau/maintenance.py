"""Housekeeping tasks every deployment runs: expired sessions are removed."""

from __future__ import annotations

import procrastinate
import sqlalchemy as sa
from procrastinate import JobContext

from pantau.accounts.models import OfficerSession
from pantau.db import utcnow
from pantau.jobs import unit_of_work


def remove_expired_sessions(context: JobContext, timestamp: int) -> int:  # noqa: ARG001 - the tick, passed by procrastinate
    """Delete sessions past their absolute end (idle ones are refused when used, and are removed
    here once their absolute time is over)."""
    with unit_of_work(context) as session:
        result = session.execute(
            sa.delete(OfficerSession).where(OfficerSession.expires_at < utcnow())
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def register(app: procrastinate.App) -> None:
    task = app.task(
        name="maintenance.remove_expired_sessions",
        queueing_lock="expired-sessions",
        pass_context=True,
    )(remove_expired_sessions)
    app.periodic(cron="*/15 * * * *", periodic_id="expired-sessions")(task)
