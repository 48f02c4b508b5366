"""No overbooking and one active booking per NIK under a burst, on the real PostgreSQL: hundreds of
confirmations released at once from threads with their own connections, each committing, many rounds.
The seat count is checked against the bookings themselves, not only against the counter."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from pantau.db import make_engine
from pantau.errors import PantauError
from pantau.notifications.notify import NullNotifier
from pantau.queue.booking.services import BookingService, Choice
from pantau.queue.models import (
    ACTIVE,
    SEATED,
    Booking,
    QueueOffice,
    QueueQuota,
    QueueSession,
    QueueSlot,
    ServiceKind,
)
from pantau.queue.settings import QueueSettings
from pantau.reference.services import ReferenceService
from tests.factories import TEST_ACTOR
from tests.queue.conftest import NOW, citizen

CAPACITY = 5
REQUESTS = 300  # per round
DISTINCT = 240  # the rest repeat a NIK already in the round (brokers' second tries)
THREADS = 40  # connections; the server allows 100 and the other tests hold some
ROUNDS = 5


@pytest.fixture(scope="module")
def factory(server):
    url = server.new_database()
    engine = make_engine(url, pool_size=THREADS + 2, max_overflow=0)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as s, s.begin():
        ReferenceService(s).load_shipped()
        s.add(QueueOffice(office_code="NGR"))
        sess = QueueSession(office_code="NGR", label="Pagi", starts=time(8), ends=time(12))
        s.add(sess)
        s.flush()
        s.add(QueueQuota(session_id=sess.id, service=ServiceKind.NEW, regular=CAPACITY, priority=0))
    yield factory
    engine.dispose()


def _service(session: Session, cipher) -> BookingService:
    return BookingService(
        session, cipher=cipher, notifier=NullNotifier(), settings=QueueSettings(), actor=TEST_ACTOR
    )


def _prepare(factory, cipher, day: date, rng: random.Random) -> list[tuple[object, str, str]]:
    """Confirmed-code requests for one day; some NIKs twice."""
    people = [citizen(rng.randrange(10**9)) for _ in range(DISTINCT)]
    people += [rng.choice(people) for _ in range(REQUESTS - DISTINCT)]
    out = []
    with factory() as s, s.begin():
        session_id = s.scalar(sa.select(QueueSession.id))
        svc = _service(s, cipher)
        for who in people:
            choice = Choice("NGR", day, session_id, ServiceKind.NEW, flexible=False)
            req = svc.request(who, choice, now=NOW)
            out.append((req.booking.id, req.otp, who.nik))
    rng.shuffle(out)
    return out


def _burst(factory, cipher, work) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def run(share) -> None:
        barrier.wait()
        for booking_id, otp, _nik in share:
            try:
                with factory() as s, s.begin():
                    _service(s, cipher).confirm(booking_id, otp, now=NOW)
                result = "booked"
            except PantauError as exc:
                result = exc.code
            with lock:
                outcomes[result] += 1

    threads = [threading.Thread(target=run, args=(work[i::THREADS],)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.slow
def test_burst_books_exactly_the_capacity(factory, cipher):
    rng = random.Random(7)
    day = date(2026, 3, 9)  # Monday; the rounds use the days after it
    for _round in range(ROUNDS):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        work = _prepare(factory, cipher, day, rng)
        outcomes = _burst(factory, cipher, work)
        assert sum(outcomes.values()) == REQUESTS
        assert outcomes["booked"] == CAPACITY, outcomes
        assert set(outcomes) <= {"booked", "session_full", "nik_has_booking"}, outcomes
        with factory() as s:
            slot = s.scalar(sa.select(QueueSlot).where(QueueSlot.day == day))
            seated = s.scalar(
                sa.select(sa.func.count()).where(
                    Booking.slot_id == slot.id, Booking.status.in_(SEATED)
                )
            )
            assert slot.booked == seated == CAPACITY
            per_nik = s.execute(
                sa.select(Booking.nik_hash, sa.func.count())
                .where(Booking.status.in_(ACTIVE))
                .group_by(Booking.nik_hash)
                .having(sa.func.count() > 1)
            ).all()
            assert per_nik == []
        day += timedelta(days=1)
