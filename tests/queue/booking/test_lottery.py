"""The waiting room and its draw: same chance for everyone in the window, one ticket per NIK, the
draw runs once, bookings after it get the seats left."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest

from pantau.errors import PantauError
from pantau.queue.booking.lottery import draw_order, ensure_drawn, run_draw
from pantau.queue.models import BookingStatus, QueueOffice, QueueOpening
from pantau.queue.offices.calendar import publish_day
from pantau.reference.models import Office
from tests.queue.conftest import NOW, citizen


@pytest.fixture
def window(db, office, choice):
    """VISIT's quota opens 'now': the waiting room is open for ten minutes."""
    qo = db.get(QueueOffice, office)
    qo.days_ahead = (choice.day - (NOW + timedelta(hours=8)).date()).days
    qo.opening_time = (NOW + timedelta(hours=8) - timedelta(minutes=1)).time()  # WITA clock
    publish_day(db, qo, db.get(Office, office), choice.day)
    opening = db.get(QueueOpening, (office, choice.day))
    assert opening.opens_at <= NOW < opening.draw_at
    return opening


def test_confirmations_in_the_window_wait_then_the_draw_gives_the_seats(svc, db, window, choice):
    entrants = []
    for i in range(12):
        req = svc.request(citizen(100 + i), choice, now=NOW)
        entrants.append(svc.confirm(req.booking.id, req.otp, now=NOW))
    assert {b.status for b in entrants} == {BookingStatus.WAITING}
    assert run_draw(svc, "NGR", choice.day, now=NOW) is None  # not due yet
    result = run_draw(svc, "NGR", choice.day, now=window.draw_at)
    assert result.entrants == 12 and result.winners == 2  # two regular seats in the morning
    statuses = Counter(b.status for b in entrants)
    assert statuses == {BookingStatus.BOOKED: 2, BookingStatus.LOST: 10}
    assert window.drawn_at is not None and window.seed == result.seed
    assert run_draw(svc, "NGR", choice.day, now=window.draw_at) is None  # once only


def test_one_ticket_per_nik_in_the_waiting_room(svc, window, choice):
    first = svc.request(citizen(120), choice, now=NOW)
    second = svc.request(citizen(120), choice, now=NOW)
    svc.confirm(first.booking.id, first.otp, now=NOW)
    with pytest.raises(PantauError) as exc:
        svc.confirm(second.booking.id, second.otp, now=NOW)
    assert exc.value.code == "already_waiting"


def test_booking_after_the_window_runs_the_draw_first(svc, window, choice):
    waiting = svc.request(citizen(130), choice, now=NOW)
    svc.confirm(waiting.booking.id, waiting.otp, now=NOW)
    late = svc.request(citizen(131), replace(choice, flexible=True), now=NOW)
    after = window.draw_at + timedelta(seconds=1)
    booked = svc.confirm(late.booking.id, late.otp, now=after)
    assert booked.status is BookingStatus.BOOKED
    assert waiting.booking.status is BookingStatus.BOOKED  # the draw ran before the late one
    assert window.entrants == 1
    ensure_drawn(svc, "NGR", choice.day, now=after)  # nothing left to do


def test_draw_order_ignores_arrival_order():
    """Over many draws, the first to arrive is first in the order about 1/n of the time."""
    ids = [i.to_bytes(16, "big") for i in range(20)]
    firsts = Counter(draw_order(os.urandom(32), ids)[0] for _ in range(4000))
    assert len(firsts) == 20
    assert max(firsts.values()) < 4000 / 20 * 1.6 and min(firsts.values()) > 4000 / 20 * 0.5
