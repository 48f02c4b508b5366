"""The scan history's monthly partitions, made ahead by any worker once a day (this month and the
next two; idempotent, so a missed or repeated run does no harm)."""

from __future__ import annotations

import procrastinate
from procrastinate import JobContext

from pantau.db import utcnow
from pantau.jobs import unit_of_work
from pantau.scans.services import ensure_partitions_ahead


def make_partitions(context: JobContext, timestamp: int) -> list[str]:  # noqa: ARG001 - the tick
    with unit_of_work(context) as session:
        return ensure_partitions_ahead(session, utcnow().date())


def register(app: procrastinate.App) -> None:
    task = app.task(name="scans.partitions", queueing_lock="scans-partitions", pass_context=True)(
        make_partitions
    )
    app.periodic(cron="17 3 * * *", periodic_id="scans-partitions")(task)
