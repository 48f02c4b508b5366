"""APPAPO in a real browser: a citizen books on a phone-sized screen with the one-time code from the
outbox, reschedules; on the visit day an officer reads the QR, checks the citizen in with the e-KTP's
NIK and calls the number, and the hall display shows it."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import zxingcpp
from PIL import Image

from pantau.notifications.notify import read_outbox
from pantau.queue.models import Booking
from tests.queue.conftest import citizen

PHONE = {"width": 390, "height": 844}


def _otp(live_server, cipher, email: str) -> str:
    with live_server.factory() as s:
        body = read_outbox(s, cipher, to=email, limit=1)[0].body
    return re.search(r"kode verifikasi (\d{6})", body).group(1)


def _book(phone_page, base: str, cipher, live_server, who) -> str:
    phone_page.goto(f"{base}/antrean/kantor/NGR")
    phone_page.locator("section.day-open a.button").first.click()
    phone_page.fill("#nik", who.nik)
    phone_page.fill("#name", who.name)
    phone_page.fill("#birth_date", who.birth_date.isoformat())
    phone_page.fill("#phone", who.phone)
    phone_page.fill("#email", who.email)
    phone_page.click("form[method=post] button[type=submit]")
    phone_page.wait_for_url(re.compile(r".*/antrean/konfirmasi/.*"))
    phone_page.fill("#otp", _otp(live_server, cipher, who.email))
    phone_page.click("button[type=submit]")
    phone_page.wait_for_url(f"{base}/antrean/pemesanan")
    return phone_page.locator("#booking-code").inner_text().strip()


def _read_qr(phone_page, tmp_path) -> str:
    shot = tmp_path / "qr.png"
    phone_page.locator(".qr svg").screenshot(path=str(shot))
    found = zxingcpp.read_barcodes(Image.open(shot), formats=zxingcpp.BarcodeFormat.QRCode)
    assert found, "the booking page's QR code does not decode"
    return found[0].text


def test_book_reschedule_check_in_and_call(live_server, chromium, page, login, cipher, tmp_path):
    base = live_server.url
    who = citizen(777)
    phone = chromium.new_context(locale="id-ID", viewport=PHONE, is_mobile=True)
    citizen_page = phone.new_page()
    citizen_page.set_default_timeout(10_000)
    code = _book(citizen_page, base, cipher, live_server, who)
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code)

    first_day = citizen_page.locator("#booking-day").inner_text()
    options = citizen_page.locator("#slot option")
    citizen_page.select_option("#slot", options.nth(options.count() - 1).get_attribute("value"))
    citizen_page.click("text=Pindahkan pemesanan saya")
    citizen_page.wait_for_url(re.compile(r".*done=rescheduled"))
    assert "dipindahkan" in citizen_page.content()
    assert citizen_page.locator("#slot").count() == 0  # once only
    qr_text = _read_qr(citizen_page, tmp_path)
    assert qr_text == "APPAPO:" + code.replace("-", "")
    assert first_day  # the page showed a day before the move

    # The visit day comes (the office is in Bali).
    today = datetime.now(ZoneInfo("Asia/Makassar")).date()
    with live_server.factory() as s, s.begin():
        s.execute(sa.update(Booking).where(Booking.code == code.replace("-", "")).values(day=today))

    display = chromium.new_context(locale="id-ID").new_page()
    display.goto(f"{base}/antrean/layar/NGR")
    assert "Belum ada nomor yang dipanggil" in display.content()

    login("petugas.ngr")
    page.goto(f"{base}/console/antrean")
    page.fill("#code", qr_text)  # a QR scanner types what it reads, then Enter
    page.press("#code", "Enter")
    assert page.locator("#found-name").inner_text() == who.name
    page.fill("#desk-nik", who.nik)
    page.click("text=Daftarkan dan beri nomor antrean")
    ticket = page.locator("#ticket-number").inner_text().strip()
    assert re.fullmatch(r"A\d{3}", ticket)

    page.select_option("#counter", "2")
    page.click("text=Panggil berikutnya")
    assert page.locator("#called-ticket").inner_text() == ticket
    display.locator("#now-number").wait_for(timeout=10_000)  # htmx polls every 3 s
    assert display.locator("#now-number").inner_text() == ticket
    assert display.locator("#now-counter").inner_text() == "2"

    citizen_page.goto(f"{base}/antrean/pemesanan")
    assert "dipanggil" in citizen_page.locator("#booking-status").inner_text()
    phone.close()
