"""At the office: check-in with the code and the e-KTP's NIK, numbers per service, calls to
counters, no-shows after the session and the strikes they leave."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from pantau.audit.models import AuditEvent
from pantau.errors import PantauError
from pantau.queue.desk.services import DeskService, mark_no_shows
from pantau.queue.models import BookingStatus, QueueStrike
from tests.factories import TEST_ACTOR
from tests.queue.booking.test_booking import book
from tests.queue.conftest import NOW, citizen

ON_THE_DAY = datetime(2026, 3, 10, 1, 30, tzinfo=UTC)  # 09:30 in Bali on the visit day


@pytest.fixture
def desk(db, cipher):
    return DeskService(db, cipher=cipher, actor=TEST_ACTOR)


def test_check_in_numbers_and_calls(svc, desk, db, choice):
    a, b = citizen(200), citizen(201)
    first, second = book(svc, a, choice), book(svc, b, choice)
    view = desk.find("NGR", f"APPAPO:{first.code}")
    assert view.citizen.name == a.name
    assert (
        db.scalar(sa.select(AuditEvent.tag).order_by(AuditEvent.id.desc()).limit(1))
        == "queue:booking:read"
    )
    desk.check_in("NGR", first.pretty_code.lower(), a.nik, now=ON_THE_DAY)
    desk.check_in("NGR", second.code, b.nik, now=ON_THE_DAY + timedelta(minutes=1))
    assert (first.ticket, second.ticket) == ("A001", "A002")
    called = desk.call_next("NGR", 3, now=ON_THE_DAY)
    assert called is first and first.status is BookingStatus.CALLED and first.counter == 3
    assert [c.ticket for c in desk.board("NGR", now=ON_THE_DAY)] == ["A001"]
    desk.finish("NGR", first.id, now=ON_THE_DAY)
    assert first.status is BookingStatus.DONE


def test_check_in_refuses_another_nik_and_the_wrong_day(svc, desk, choice):
    booking = book(svc, citizen(210), choice)
    with pytest.raises(PantauError) as exc:
        desk.check_in("NGR", booking.code, citizen(211).nik, now=ON_THE_DAY)
    assert exc.value.code == "nik_mismatch"  # bookings cannot be transferred
    with pytest.raises(PantauError, match="is for 10-03-2026"):
        desk.check_in("NGR", booking.code, citizen(210).nik, now=NOW)
    with pytest.raises(PantauError):
        desk.find("DEN", booking.code)


def test_no_shows_after_the_session_leave_strikes(svc, db, desk, choice):
    came, stayed_away = book(svc, citizen(220), choice), book(svc, citizen(221), choice)
    desk.check_in("NGR", came.code, citizen(220).nik, now=ON_THE_DAY)
    assert mark_no_shows(db, now=ON_THE_DAY, actor=TEST_ACTOR) == 0  # session not over
    evening = ON_THE_DAY + timedelta(hours=10)
    assert mark_no_shows(db, now=evening, actor=TEST_ACTOR) == 1
    assert stayed_away.status is BookingStatus.NO_SHOW and came.status is BookingStatus.CHECKED_IN
    assert db.scalar(sa.select(sa.func.count()).select_from(QueueStrike)) == 1
