"""Booking: the request, its one-time code, one seat per NIK, rescheduling once, cancelling."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from pantau.errors import PantauError
from pantau.queue.models import Booking, BookingStatus, QueueSlot
from tests.queue.conftest import NOW, VISIT, citizen


def book(svc, who, choice, now=NOW):
    requested = svc.request(who, choice, now=now)
    return svc.confirm(requested.booking.id, requested.otp, now=now)


def seats(db, session_id, day=VISIT):
    slot = db.scalar(
        sa.select(QueueSlot).where(
            QueueSlot.session_id == session_id,
            QueueSlot.day == day,
            QueueSlot.priority.is_(False),
            QueueSlot.service == "new",
        )
    )
    db.refresh(slot)
    return slot.booked, slot.capacity


def test_request_sends_code_and_confirm_books_a_seat(svc, db, choice, notifier):
    requested = svc.request(citizen(1), choice, now=NOW)
    assert requested.booking.status is BookingStatus.PENDING
    assert {m.channel for m in notifier.sent} == {"sms", "email"}
    assert notifier.last_code() == requested.otp
    booking = svc.confirm(requested.booking.id, requested.otp, now=NOW)
    assert booking.status is BookingStatus.BOOKED and len(booking.code) == 8
    assert seats(db, choice.session_id) == (1, 2)
    assert notifier.sent[-1].purpose == "queue:booked"


def test_wrong_code_counts_and_locks(svc, choice):
    requested = svc.request(citizen(2), choice, now=NOW)
    for _ in range(5):
        with pytest.raises(PantauError) as exc:
            svc.confirm(
                requested.booking.id, "000000" if requested.otp != "000000" else "1", now=NOW
            )
        assert exc.value.code == "otp_wrong" and exc.value.keep_changes
    with pytest.raises(PantauError, match="Too many wrong codes"):
        svc.confirm(requested.booking.id, requested.otp, now=NOW)


def test_expired_code(svc, choice):
    requested = svc.request(citizen(3), choice, now=NOW)
    with pytest.raises(PantauError) as exc:
        svc.confirm(requested.booking.id, requested.otp, now=NOW + timedelta(minutes=11))
    assert exc.value.code == "otp_expired"
    assert exc.value.message("id") == "Kode sudah kedaluwarsa. Ulangi pemesanan."


@pytest.mark.parametrize(
    ("nik", "code", "id_text"),
    [
        ("12345", "nik_format", "NIK terdiri atas tepat 16 digit"),
        ("51710a1705900001", "nik_format", "16 digit"),
        ("9971011705900001", "nik_province", "kode provinsi"),
        ("5171013202900001", "nik_bad_date", "tanggal lahir yang benar"),
        ("5171011705910001", "nik_birth_date", "Tanggal lahir tidak sesuai"),
    ],
)
def test_bad_nik_refused_in_both_languages(svc, choice, nik, code, id_text):
    with pytest.raises(PantauError) as exc:
        svc.request(replace(citizen(4), nik=nik), choice, now=NOW)
    assert exc.value.code == code and exc.value.field == "nik"
    assert id_text in exc.value.message("id")
    assert exc.value.message("en") != exc.value.message("id")


def test_woman_has_forty_added_to_the_day(svc, choice):
    woman = citizen(5, birth=date(1992, 8, 3), sex="F")
    assert woman.nik[6:8] == "43"
    svc.request(woman, choice, now=NOW)
    with pytest.raises(PantauError, match="birth date does not match"):
        svc.request(replace(woman, birth_date=date(1992, 8, 4)), choice, now=NOW)


def test_second_booking_for_the_same_nik_is_refused(svc, choice, afternoon):
    book(svc, citizen(6), choice)
    with pytest.raises(PantauError) as exc:
        svc.request(citizen(6), replace(choice, session_id=afternoon.id), now=NOW)
    assert exc.value.code == "nik_has_booking"
    assert "sudah memiliki pemesanan aktif" in exc.value.message("id")


def test_second_booking_raced_past_the_check_is_refused_at_the_seat(svc, choice):
    first = svc.request(citizen(7), choice, now=NOW)
    second = svc.request(citizen(7), choice, now=NOW)  # both requested before either booked
    svc.confirm(first.booking.id, first.otp, now=NOW)
    with pytest.raises(PantauError, match="already has an active booking"):
        svc.confirm(second.booking.id, second.otp, now=NOW)


def test_full_session_is_refused(svc, choice):
    book(svc, citizen(10), choice)
    book(svc, citizen(11), choice)
    with pytest.raises(PantauError) as exc:
        svc.request(citizen(12), choice, now=NOW)
    assert exc.value.code == "session_full"
    assert exc.value.message("id").startswith("Sesi ini sudah penuh")


def test_flexible_request_takes_another_session(svc, db, choice, afternoon):
    book(svc, citizen(13), choice)
    book(svc, citizen(14), choice)
    other = book(svc, citizen(15), replace(choice, flexible=True))
    assert other.session_id == afternoon.id


@pytest.mark.parametrize(
    ("day", "code", "id_text"),
    [
        (date(2026, 3, 19), "office_closed", "Kantor tutup"),  # Nyepi
        (date(2026, 3, 14), "office_closed", "Tidak ada layanan"),  # a Saturday
        (date(2026, 3, 2), "day_past", "mulai besok"),
        (date(2026, 3, 30), "not_open_yet", "dibuka pada"),
    ],
)
def test_days_that_cannot_be_booked(svc, choice, day, code, id_text):
    with pytest.raises(PantauError) as exc:
        svc.request(citizen(16), replace(choice, day=day), now=NOW)
    assert exc.value.code == code and id_text in exc.value.message("id")


def test_office_closure_is_a_closed_day(svc, db, choice):
    from pantau.queue.booking.services import cancel_for_closure
    from pantau.queue.offices.calendar import close_day

    booked = book(svc, citizen(17), choice)
    close_day(db, "NGR", VISIT, "Perbaikan gedung")
    assert cancel_for_closure(svc, "NGR", VISIT, now=NOW) == 1
    assert booked.status is BookingStatus.CANCELLED
    with pytest.raises(PantauError, match="Perbaikan gedung"):
        svc.request(citizen(18), choice, now=NOW)


def test_reschedule_once_and_cancel_returns_the_seat(svc, db, choice, afternoon):
    booking = book(svc, citizen(19), choice)
    moved = svc.reschedule(booking, VISIT + timedelta(days=1), afternoon.id, now=NOW)
    assert moved.day == VISIT + timedelta(days=1) and moved.session_id == afternoon.id
    assert seats(db, choice.session_id) == (0, 2)
    assert seats(db, afternoon.id, VISIT + timedelta(days=1))[0] == 1
    with pytest.raises(PantauError, match="only once"):
        svc.reschedule(moved, VISIT, choice.session_id, now=NOW)
    svc.cancel(moved, now=NOW)
    assert seats(db, afternoon.id, VISIT + timedelta(days=1))[0] == 0
    again = book(svc, citizen(19), choice)  # the NIK may book again
    assert again.status is BookingStatus.BOOKED


def test_cancel_with_erase_forgets_the_citizen(svc, db, choice):
    booking = book(svc, citizen(20), choice)
    svc.cancel(booking, now=NOW, erase_data=True)
    db.refresh(booking)
    assert booking.nik is None and booking.nik_hash is None and booking.purged_at is not None


def test_priority_by_age(svc, choice):
    old = citizen(21, birth=date(1950, 1, 2))
    svc.request(old, replace(choice, priority_reason="elderly"), now=NOW)
    with pytest.raises(PantauError) as exc:
        svc.request(citizen(22), replace(choice, priority_reason="elderly"), now=NOW)
    assert exc.value.code == "priority_not_eligible"


def test_repeated_no_shows_delay_the_next_booking(svc, db, choice):
    from pantau.queue.models import QueueStrike
    from pantau.queue.privacy import nik_hash

    who = citizen(23)
    for day in (date(2026, 2, 2), date(2026, 2, 16)):
        db.add(QueueStrike(nik_hash=nik_hash(svc.cipher, who.nik), day=day))
    db.flush()
    with pytest.raises(PantauError) as exc:
        svc.request(who, choice, now=NOW)
    assert exc.value.code == "no_show_delay" and "18-03-2026" in exc.value.message("id")


def test_database_refuses_overbooking_and_a_second_active_booking(svc, db, choice):
    book(svc, citizen(24), choice)
    slot_id = db.scalar(sa.select(Booking.slot_id).where(Booking.status == "booked"))
    with pytest.raises(sa.exc.IntegrityError, match="booked_within_capacity"), db.begin_nested():
        db.execute(
            sa.text("UPDATE queue_slot SET booked = capacity + 1 WHERE id = :i"), {"i": slot_id}
        )
    row = (
        db.execute(sa.text("SELECT * FROM queue_booking WHERE slot_id = :i"), {"i": slot_id})
        .mappings()
        .one()
    )
    clone = {k: v for k, v in row.items() if k not in ("id", "code")}
    with (
        pytest.raises(sa.exc.IntegrityError, match="uq_queue_booking_active_nik"),
        db.begin_nested(),
    ):
        db.execute(
            sa.insert(Booking).values(id=sa.func.gen_random_uuid(), code="ZZZZ2222", **clone)
        )
