"""Background tasks run by a real procrastinate worker on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from pantau.accounts.models import OfficerSession
from pantau.accounts.services import AccountService
from pantau.db import make_engine, utcnow
from pantau.jobs import JobEnv, job_app, run_worker
from pantau.reference.services import ReferenceService
from tests.factories import make_account


def test_session_sweep_task_runs_in_a_worker_and_removes_expired_sessions(server, settings, cipher):
    engine = make_engine(server.new_database())
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as s, s.begin():
        ReferenceService(s).load_shipped()
        accounts = AccountService(s, settings=settings, cipher=cipher)
        acc = make_account(accounts)
        _, old = accounts.start_session(acc.officer, kind="web", origin=None, user_agent=None)
        old.expires_at = utcnow() - timedelta(minutes=1)
        accounts.start_session(acc.officer, kind="web", origin=None, user_agent=None)

    app = job_app(engine)
    with app.open():
        task = app.tasks["maintenance.remove_expired_sessions"]
        task.defer(timestamp=1)
    run_worker(JobEnv(settings, factory, cipher), engine, once=True)

    with Session(engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(OfficerSession)) == 1
        # Only the job this test deferred: the worker's periodic deferrer may queue this tick's
        # runs of every periodic task beside it, and stop before they run.
        status = (
            s.execute(
                sa.text(
                    "SELECT status FROM procrastinate_jobs WHERE task_name = "
                    "'maintenance.remove_expired_sessions' AND args->>'timestamp' = '1'"
                )
            )
            .scalars()
            .all()
        )
    assert status == ["succeeded"]
    engine.dispose()
