"""Background work (sweeps, notifications, retention) queued in PostgreSQL with procrastinate.

Several `pantau worker` processes on several machines share the queue with no other broker; periodic
tasks are deferred once per tick however many workers run (procrastinate records each periodic defer
under a unique key). Domains write plain functions in `<domain>/tasks.py` and a `register(app)` that declares them on a
given app (procrastinate binds blueprints to one app for good; registering per app keeps apps, and
tests, independent).
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import procrastinate
import sqlalchemy as sa
from procrastinate import JobContext
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from pantau.accounts.services import SecretCipher
from pantau.config import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")

# Modules with `register(app: procrastinate.App)`. A new domain adds one line here.
TASK_MODULES: list[str] = [
    "pantau.maintenance",
    "pantau.alerts.tasks",
    "pantau.queue.tasks",
    "pantau.notifications.tasks",
    "pantau.scans.tasks",
]


@dataclass(frozen=True)
class JobEnv:
    """What a task needs, built once per worker process and passed in the job context."""

    settings: Settings
    session_factory: sessionmaker[Session]
    cipher: SecretCipher


def env_of(context: JobContext) -> JobEnv:
    env: JobEnv = context.additional_context["env"]
    return env


@contextmanager
def unit_of_work(context: JobContext) -> Iterator[Session]:
    """One transaction for a task: committed when the task returns, rolled back when it raises."""
    with env_of(context).session_factory() as session, session.begin():
        yield session


def libpq_url(engine: Engine) -> str:
    url = engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def job_app(engine: Engine, *, for_worker: bool = False) -> procrastinate.App:
    """The job app: the synchronous connector defers jobs from web requests and commands; the
    worker needs the asynchronous one (it listens for new jobs)."""
    conninfo = libpq_url(engine)
    connector: procrastinate.BaseConnector = (
        procrastinate.PsycopgConnector(conninfo=conninfo)
        if for_worker
        else procrastinate.SyncPsycopgConnector(conninfo=conninfo)
    )
    app = procrastinate.App(connector=connector)
    for name in TASK_MODULES:
        importlib.import_module(name).register(app)
    return app


def run_worker(
    env: JobEnv, engine: Engine, *, concurrency: int = 2, once: bool = False, **options: Any
) -> None:
    """Run tasks until stopped (or, with once=True, until the queue is empty)."""
    app = job_app(engine, for_worker=True)
    with app.open():
        app.run_worker(
            concurrency=concurrency,
            wait=not once,
            additional_context={"env": env},
            install_signal_handlers=not once,
            **options,
        )


def defer_in_transaction(
    session: Session,
    task_name: str,
    args: dict[str, Any],
    *,
    lock: str | None = None,
    queue: str = "default",
    priority: int = 0,
) -> int:
    """Queue a job in the session's own transaction (the outbox pattern): the job exists exactly
    when the change that asks for it commits, and a rolled-back change queues nothing.

    procrastinate's `defer` uses a connection of its own, so it would queue a job for a change that
    is later rolled back (or lose it in a crash between commit and defer). This calls the same SQL
    function its defer calls (`procrastinate_defer_jobs_v1`, from the schema of migration 0002;
    the dependency is pinned to the minor that ships it) on the session's connection; its insert
    trigger notifies listening workers when the transaction commits."""
    job_id = session.scalar(
        sa.text(
            "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, :priority,"
            " :lock, NULL, CAST(:args AS jsonb), NULL)::procrastinate_job_to_defer_v1]))"
        ),
        {
            "queue": queue,
            "task": task_name,
            "priority": priority,
            "lock": lock,
            "args": json.dumps(args),
        },
    )
    return int(job_id)


def guarded(name: str, fn: Callable[[], T]) -> T | None:
    """Run one unit of a sweep; log and swallow its failure so the others still run."""
    try:
        return fn()
    except Exception:
        log.exception("task step %s failed", name)
        return None
