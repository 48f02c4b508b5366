"""Jobs that send notifications, queued in the transaction of what they announce
(`pantau.jobs.defer_in_transaction`), tried again with a doubling wait on transient failures.

Several workers are safe: each job locks its row with `FOR UPDATE SKIP LOCKED` before sending (see
`delivery`), and the jobs carry a procrastinate `lock` per row, so tries of one delivery never
overlap. A periodic requeue catches deliveries left pending without a live job (a job that crashed
on a bug; procrastinate keeps a failed job failed).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import procrastinate
import sqlalchemy as sa
from procrastinate import JobContext
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from pantau.db import utcnow
from pantau.jobs import defer_in_transaction, env_of, unit_of_work
from pantau.notifications.delivery import RetryLater, deliver, send_outbox_mail
from pantau.notifications.services import DELIVER_TASK


class BackoffRetry(BaseRetryStrategy):
    """Retry exactly the failures a job recorded as transient, after the wait it chose (from the
    settings, which procrastinate's own RetryStrategy cannot read); the job itself decides when
    to give up, because it must also mark the row failed."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:  # noqa: ARG002 - the interface
        if isinstance(exception, RetryLater):
            return RetryDecision(retry_at=utcnow() + timedelta(seconds=exception.retry_in))
        return None


def deliver_alert(context: JobContext, delivery_id: str) -> str:
    env = env_of(context)
    return deliver(env.settings, env.session_factory, env.cipher, uuid.UUID(delivery_id))


def send_message(context: JobContext, notification_id: str) -> str:
    env = env_of(context)
    return send_outbox_mail(
        env.settings, env.session_factory, env.cipher, uuid.UUID(notification_id)
    )


REQUEUE = sa.text(
    """
    SELECT d.id FROM notification_delivery d
    WHERE d.status = 'pending'
      AND d.created_at BETWEEN now() - interval '2 days' AND now() - interval '10 minutes'
      AND NOT EXISTS (
        SELECT 1 FROM procrastinate_jobs j
        WHERE j.task_name = :task AND j.args->>'delivery_id' = d.id::text
          AND j.status IN ('todo', 'doing'))
    ORDER BY d.created_at
    LIMIT 500
    FOR UPDATE OF d SKIP LOCKED
    """
)


def requeue_stuck(context: JobContext, timestamp: int) -> int:  # noqa: ARG001 - the tick, passed by procrastinate
    with unit_of_work(context) as session:
        ids = session.scalars(REQUEUE, {"task": DELIVER_TASK}).all()
        for delivery_id in ids:
            defer_in_transaction(
                session,
                DELIVER_TASK,
                {"delivery_id": str(delivery_id)},
                lock=f"notification-delivery:{delivery_id}",
            )
        return len(ids)


def register(app: procrastinate.App) -> None:
    retry = BackoffRetry()
    app.task(name=DELIVER_TASK, pass_context=True, retry=retry)(deliver_alert)
    app.task(name="notifications.send_message", pass_context=True, retry=retry)(send_message)
    task = app.task(
        name="notifications.requeue", queueing_lock="notifications-requeue", pass_context=True
    )(requeue_stuck)
    app.periodic(cron="*/10 * * * *", periodic_id="notifications-requeue")(task)
