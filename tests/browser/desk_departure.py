"""The whole stay at a checkpoint desk (issue 11): the desk officer registers an arrival in the
console, later scans the same printed sticker with the scanner app in exit mode; the stay closes,
a sweep after the old last day raises nothing, the phone knows the departure offline, and the
hotel account's exit scan is refused.

Collected from test_scanner.py, so that it shares that module's live server (the demo data takes a
minute to load per module)."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import zxingcpp
from PIL import Image

from pantau.alerts.services import AlertEngine
from pantau.demo.load import DEMO_PASSWORD
from pantau.people.mrz import build_td3
from tests.browser.conftest_scanner import api_token, otp_for, phone_context, sign_in_app

# At the departure hall of Ngurah Rai (DPS).
DPS_DESK = {"latitude": -8.7480, "longitude": 115.1675, "accuracy": 20}


def console_sign_in(page, base: str, username: str) -> None:
    """The console form with a one-time code the scanner fixtures know is used (no replay)."""
    page.context.clear_cookies()
    page.goto(f"{base}/console")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.fill("#otp", otp_for(username))
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/console")


def read_label(base: str, serial: str, cookies: dict[str, str]) -> str:
    """The QR text as a camera reads it from the printed label's image."""
    png = httpx.get(f"{base}/api/v1/stickers/{serial}.png", cookies=cookies)
    assert png.status_code == 200
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert len(found) == 1
    return found[0].text


def test_desk_arrival_then_exit_scan_closes_the_stay(live_server, page, chromium):
    base = live_server.url
    # 1. Arrival at the desk, from the passport's MRZ.
    console_sign_in(page, base, "petugas.ngr")
    page.click("nav >> text=Kedatangan")
    number = f"D{uuid.uuid4().int % 10**8:08d}"
    page.fill(
        "#mrz",
        build_td3(
            surname="Lindqvist",
            given_names="Erik",
            number=number,
            nationality="SWE",
            birth_date=date(1979, 4, 2),
            sex="M",
            expiry_date=date(2034, 4, 2),
        ),
    )
    page.select_option("#permit", "visa-exemption")
    page.select_option("#checkpoint", "DPS")
    page.click("text=Catat dan terbitkan stiker")
    pretty = page.locator("#issued strong.mono").inner_text()
    serial = pretty.replace("-", "")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    qr_text = read_label(base, serial, cookies)

    # 2. Days later the same officer scans the sticker in exit mode at the departure desk.
    context = phone_context(chromium, DPS_DESK)
    phone = context.new_page()
    phone.set_default_timeout(15_000)
    try:
        sign_in_app(phone, base, "petugas.ngr")
        phone.click("#kinds button[data-kind=exit]")
        phone.evaluate("(text) => window.pantauScanner.handleText(text)", qr_text)
        assert phone.locator("#verdict").inner_text() == "BERLAKU"
        phone.wait_for_function(
            "() => document.querySelector('#sync-state').dataset.state === 'stored'"
        )
        assert "Keberangkatan dicatat" in phone.locator("#sync-state").inner_text()

        # 3. The phone learns the departure from the status list: offline, the sticker says so.
        phone.evaluate("() => window.pantauScanner.refreshLists()")
        phone.click("#kinds button[data-kind=check]")
        phone.evaluate("() => window.pantauScanner.state.seen.clear()")
        phone.evaluate("(text) => window.pantauScanner.handleText(text)", qr_text)
        assert phone.locator("#verdict").inner_text() == "SUDAH BERANGKAT"
    finally:
        context.close()

    # 4. The stay is closed; a sweep after its old last day raises nothing against the person.
    officer = api_token(base, "supervisor")
    view = httpx.get(f"{base}/api/v1/stickers/{serial}/view", headers=officer).json()
    assert view["stay_status"] == "departed"
    last_day = date.fromisoformat(view["last_day"])
    with live_server.factory() as s, s.begin():
        later = datetime.combine(last_day + timedelta(days=10), datetime.min.time(), UTC)
        AlertEngine(s).sweep(now=later)
    person_id = view["photo_ref"].removeprefix("person:")
    alerts = httpx.get(f"{base}/api/v1/alerts?person={person_id}", headers=officer).json()
    assert [a["kind"] for a in alerts if a["kind"] in ("overstay", "permit-ending")] == []

    # 5. The hotel's account cannot record a departure.
    hotel = api_token(base, "hotel.kuta")
    now = datetime.now(UTC).isoformat()
    refused = httpx.post(
        f"{base}/api/v1/scans",
        headers=hotel,
        json={
            "id": str(uuid.uuid4()),
            "qr_text": qr_text,
            "device_time": now,
            "kind": "exit",
            "device": "hotel-desk",
        },
    )
    assert refused.status_code == 403
    assert refused.json()["detail"]["code"] == "exit_not_allowed"
