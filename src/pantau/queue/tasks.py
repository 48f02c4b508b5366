"""The queue sweep as a periodic background task (several workers share it through PostgreSQL)."""

from __future__ import annotations

from dataclasses import asdict

import procrastinate
from procrastinate import JobContext

from pantau.db import utcnow
from pantau.jobs import env_of, unit_of_work
from pantau.pii import PiiCipher
from pantau.queue.settings import QueueSettings
from pantau.queue.sweep import sweep


def queue_sweep(context: JobContext, timestamp: int) -> dict[str, int]:  # noqa: ARG001 - the tick, passed by procrastinate
    cipher = env_of(context).cipher
    if not isinstance(cipher, PiiCipher):  # the job env types it as the narrower SecretCipher
        raise TypeError("the queue sweep needs the personal-data cipher")
    with unit_of_work(context) as session:
        result = sweep(session, cipher=cipher, settings=QueueSettings(), now=utcnow())
    return {k: int(v) for k, v in asdict(result).items()}


def register(app: procrastinate.App) -> None:
    task = app.task(name="queue.sweep", queueing_lock="queue-sweep", pass_context=True)(queue_sweep)
    # Every minute: a draw is due at the end of each waiting room, and citizens wait for it.
    app.periodic(cron="* * * * *", periodic_id="queue-sweep")(task)
