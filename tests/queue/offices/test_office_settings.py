"""An office sets its opening rules, sessions and quotas; quota changes reach days not open yet."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from pantau.errors import PantauError
from pantau.queue.models import QueueSlot, ServiceKind
from pantau.queue.offices.calendar import publish
from pantau.queue.offices.services import add_session, set_quota
from tests.factories import PASSWORD, TEST_ACTOR, make_account
from tests.queue.conftest import NOW


def test_quota_change_resizes_only_days_not_open(db, office, morning):
    publish(db, office, now=NOW)
    resized = set_quota(
        db, office, morning.id, ServiceKind.NEW, regular=9, priority=1, now=NOW, actor=TEST_ACTOR
    )
    assert resized >= 1
    slots = db.scalars(
        sa.select(QueueSlot).where(
            QueueSlot.session_id == morning.id, QueueSlot.service == ServiceKind.NEW,
            QueueSlot.priority.is_(False),
        ).execution_options(populate_existing=True)
    ).all()  # fmt: skip
    assert {s.capacity for s in slots if s.day > (NOW + timedelta(days=14)).date()} == {9}
    assert {s.capacity for s in slots if s.day <= (NOW + timedelta(days=10)).date()} == {2}


def test_a_session_needs_a_real_time_range(db, office):
    with pytest.raises(PantauError) as exc:
        add_session(db, office, "Sore", time(15), time(14), 0b11111, actor=TEST_ACTOR)
    assert "jam mulai sebelum jam selesai" in exc.value.message("id")


def test_officer_sets_a_quota_in_the_console(app_client, accounts, office, morning):
    acc = make_account(accounts, "petugas.q", office="NGR")
    app_client.post(
        "/login", data={"username": "petugas.q", "password": PASSWORD, "otp": acc.code()}
    )
    page = app_client.get("/console/antrean/pengaturan")
    assert page.status_code == 200 and "Sesi dan kuota" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    res = app_client.post(
        "/console/antrean/pengaturan/kuota",
        data={
            "csrf_token": token,
            "session_id": morning.id,
            "service": "renewal",
            "regular": 7,
            "priority": 2,
        },
    )
    assert res.status_code == 200 and "Tersimpan." in res.text
    desk = app_client.get("/console/antrean")
    assert desk.status_code == 200 and "Panggil berikutnya" in desk.text
    assert app_client.get("/antrean/layar/NGR").status_code == 200
