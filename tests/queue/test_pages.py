"""The public pages and the API, through the whole app: book, confirm with the code from the outbox,
see the booking and its QR, refusals in the citizen's language, rate limits."""

from __future__ import annotations

import re
from datetime import date

import pytest

from pantau.app import create_app
from pantau.db import utcnow
from pantau.notifications.notify import read_outbox
from pantau.queue.offices.availability import office_availability
from pantau.queue.settings import QueueSettings
from tests.queue.conftest import citizen


@pytest.fixture
def open_day(db, office, morning):
    days = office_availability(db, office, now=utcnow())
    day = next(d for d in days if d.state == "open")
    return day.day


def _form(who, day: date, session_id: int, **kw):
    data = {
        "office": "NGR", "day": day.isoformat(), "session": str(session_id), "service": "new",
        "nik": who.nik, "name": who.name, "birth_date": who.birth_date.isoformat(),
        "phone": who.phone, "email": who.email,
    }  # fmt: skip
    data.update(kw)
    return data


def _otp(db, cipher, to: str) -> str:
    body = read_outbox(db, cipher, to=to, limit=1)[0].body
    return re.search(r"kode verifikasi (\d{6})", body).group(1)


def test_home_office_and_schedule_pages(app_client, office, open_day):
    home = app_client.get("/antrean")
    assert home.status_code == 200 and "Pemesanan antrean paspor" in home.text
    assert "appapo_device" in home.cookies
    page = app_client.get("/antrean/kantor/NGR")
    assert page.status_code == 200 and open_day.strftime("%d-%m-%Y") in page.text
    assert app_client.get("/antrean/jadwal").status_code == 200
    assert app_client.get("/antrean/kantor/XXX").status_code == 404


def test_book_confirm_and_see_the_booking(app_client, db, cipher, morning, open_day):
    who = citizen(31)
    res = app_client.post(
        "/antrean/pesan", data=_form(who, open_day, morning.id), follow_redirects=False
    )
    assert res.status_code == 303, res.text
    confirm_url = res.headers["location"]
    wrong = app_client.post(confirm_url, data={"otp": "99999x"})
    assert wrong.status_code == 422 and "Kode tidak sesuai" in wrong.text
    res = app_client.post(
        confirm_url, data={"otp": _otp(db, cipher, who.email)}, follow_redirects=False
    )
    assert res.status_code == 303 and res.headers["location"] == "/antrean/pemesanan"
    page = app_client.get("/antrean/pemesanan")
    assert page.status_code == 200 and "<svg" in page.text and 'id="booking-code"' in page.text
    mine = app_client.get("/antrean/pemesanan/data")
    assert who.name in mine.text and "queue:booking:create" in mine.text
    assert who.nik not in mine.text  # masked even to its owner on screen


def test_refusals_speak_the_citizens_language(app_client, morning, open_day):
    bad = citizen(32)
    data = _form(bad, open_day, morning.id, birth_date="1990-05-18")
    res = app_client.post("/antrean/pesan", data=data)
    assert res.status_code == 422 and "Tanggal lahir tidak sesuai dengan NIK" in res.text
    app_client.get("/lang/en")
    res = app_client.post("/antrean/pesan", data=data)
    assert "The birth date does not match the NIK" in res.text
    res = app_client.post("/antrean/pesan", data=_form(bad, open_day, morning.id, nik="123"))
    assert "A NIK has exactly 16 digits" in res.text


def test_api_book_and_second_booking_refused(app_client, db, cipher, morning, open_day):
    who = citizen(33)
    body = {
        "office": "NGR", "day": open_day.isoformat(), "session_id": morning.id, "service": "new",
        "nik": who.nik, "name": who.name, "birth_date": who.birth_date.isoformat(),
        "phone": who.phone, "email": who.email,
    }  # fmt: skip
    res = app_client.post("/api/v1/queue/bookings", json=body)
    assert res.status_code == 201 and res.json()["status"] == "pending"
    bid = res.json()["id"]
    res = app_client.post(
        f"/api/v1/queue/bookings/{bid}/confirm", json={"otp": _otp(db, cipher, who.email)}
    )
    assert res.status_code == 200 and res.json()["status"] == "booked"
    again = app_client.post("/api/v1/queue/bookings", json=body, headers={"accept-language": "id"})
    assert again.status_code == 409
    assert again.json()["detail"]["code"] == "nik_has_booking"
    assert "NIK ini sudah memiliki" in again.json()["detail"]["message"]
    days = app_client.get("/api/v1/queue/offices/NGR/availability").json()
    assert any(d["state"] == "open" for d in days)


def test_rate_limit_per_address(app_client, morning, open_day):
    app_client.app.state.queue_settings = QueueSettings(per_address=3, per_device=100)
    codes = [
        app_client.post(
            "/antrean/pesan", data=_form(citizen(40 + i), open_day, morning.id, nik="1")
        ).status_code
        for i in range(5)
    ]
    assert codes[:3] == [422, 422, 422] and codes[3:] == [429, 429]


def test_outbox_page_only_when_the_demo_serves(app_client, settings, engine, cipher):
    """The outbox shows citizens' one-time codes, phones and e-mail: an app built as `pantau serve`
    builds it (no demo flag) does not serve it, whatever the environment; the demo's app does,
    except in production (issue #12)."""
    assert app_client.get("/antrean/kotak-keluar").status_code == 404
    app_client.app.state.demo = True
    assert app_client.get("/antrean/kotak-keluar").status_code == 200
    app_client.app.state.settings = settings.model_copy(update={"environment": "production"})
    assert app_client.get("/antrean/kotak-keluar").status_code == 404
    app_client.app.state.settings = settings
    production = settings.model_copy(update={"environment": "production"})
    assert create_app(production, engine=engine, cipher=cipher, demo=True).state.demo is False
