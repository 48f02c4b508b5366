"""Periodic alert sweeps (overstay, permit ending, not seen), shared by any number of workers."""

from __future__ import annotations

import procrastinate
from procrastinate import JobContext

from pantau.alerts.services import AlertEngine
from pantau.jobs import env_of, unit_of_work


def sweep_alerts(context: JobContext, timestamp: int) -> int:  # noqa: ARG001 - the tick, passed by procrastinate
    env = env_of(context)
    with unit_of_work(context) as session:
        return len(AlertEngine(session, cipher=env.cipher).sweep())  # type: ignore[arg-type]


def register(app: procrastinate.App) -> None:
    task = app.task(name="alerts.sweep", queueing_lock="alerts-sweep", pass_context=True)(
        sweep_alerts
    )
    app.periodic(cron="7 * * * *", periodic_id="alerts-sweep")(task)
