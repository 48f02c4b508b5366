"""Issue #6's chain in real browsers, on the demo: a reporter sends /lapor from a phone (in English),
the Ngurah Rai officer (not Medan's) opens a case from it in the console, scans the overstayer's
printed sticker with the scanner app's camera and links him to the case, proposes a deportation
that only a supervisor, never the proposer, can approve, the scanner then refuses the sticker after refreshing its
status list, and the reporter's tracking page says the report is closed."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from pantau.cases.models import Action
from pantau.demo.load import DEMO_PASSWORD, demo_account
from pantau.people.models import Person
from pantau.people.services import SURNAME
from pantau.stays.models import Refusal, Stay
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.conftest_scanner import otp_for, phone_context, sign_in_app, write_mjpeg

# Kuta, Kabupaten Badung: Kanim Ngurah Rai's working area (Kota Denpasar itself is Kanim Denpasar's).
KUTA = {"latitude": -8.7180, "longitude": 115.1686, "accuracy": 15}


@pytest.fixture(scope="module")
def overstayer(live_server, cipher) -> dict[str, str]:
    """The demo's overstayer (IVANOV) and his sticker as printed."""
    with live_server.factory() as s:
        for person in s.scalars(sa.select(Person).where(Person.nationality == "RUS")):
            if cipher.decrypt(person.surname, SURNAME) == "IVANOV":
                stay = s.scalars(
                    sa.select(Stay).where(Stay.person_id == person.id).order_by(Stay.arrived_at)
                ).one()
                sticker = stay.stickers[0]
                return {"person": str(person.id), "serial": sticker.serial, "qr": sticker.qr_text}
    raise AssertionError("the demo has no IVANOV")


@pytest.fixture(scope="module")
def field_camera(playwright_driver, overstayer, tmp_path_factory):
    """A Chromium whose camera films IVANOV's sticker."""
    video: Path = write_mjpeg(tmp_path_factory.mktemp("chain") / "ivanov.mjpeg", [overstayer["qr"]])
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=args, headless=True)
    yield browser
    browser.close()


def console_sign_in(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/console")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    acc = demo_account(username)
    if acc and acc.role.second_factor_required:
        page.fill("#otp", otp_for(username))  # never a code already used in this run
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/console")


def png_photo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def test_report_to_deportation_in_the_browser(
    live_server, chromium, field_camera, page, overstayer
):
    base = live_server.url

    # 1. A reporter on a phone, in English, pins the place with the phone's location.
    reporter_ctx = chromium.new_context(
        locale="en-US",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation=KUTA,
        permissions=["geolocation"],
    )
    reporter = reporter_ctx.new_page()
    reporter.set_default_timeout(30_000)
    reporter.goto(f"{base}/lapor")
    reporter.click("header >> text=English")
    assert reporter.locator("h1").inner_text() == "Report a foreigner"
    reporter.fill(
        "#description", "A foreign man has been renting out scooters in Kuta for weeks, no permit"
    )
    reporter.click("#here")
    reporter.wait_for_function("() => document.querySelector('#lat').value !== ''")
    assert abs(float(reporter.input_value("#lat")) - KUTA["latitude"]) < 1e-4
    reporter.fill("#address", "Jl. Pantai Kuta, near the beach market")
    reporter.set_input_files(
        "#photos", files=[{"name": "scooters.png", "mimeType": "image/png", "buffer": png_photo()}]
    )
    reporter.click("#report-form button[type=submit]")  # solves the proof of work, then sends
    code = reporter.locator("#tracking-code").inner_text().strip()
    assert len(code) == 10

    # 2. Medan's officer does not see it; Ngurah Rai's does and opens a case from it.
    console_sign_in(page, base, "petugas.mdn")
    page.goto(f"{base}/console/cases")
    assert "scooters in Kuta" not in page.content()
    console_sign_in(page, base, "petugas.ngr")
    page.goto(f"{base}/console/cases")
    row = page.locator("tr", has_text="scooters in Kuta")
    assert row.count() == 1
    row.locator("button", has_text="Buka kasus").click()
    page.wait_for_url(f"{base}/console/cases/*")
    case_url = page.url
    assert "NGR" in page.locator("p.muted").first.inner_text()
    title = page.locator("h1").inner_text().split(": ", 1)[1]
    assert code in title  # the case is named after the report
    for step in ("verified", "in-operation"):
        page.select_option("#status", step)
        with page.expect_navigation():
            page.click("form[action$='/status'] button[type=submit]")
    assert reporter.goto(f"{base}/lapor/{code}") is not None
    assert reporter.locator("#report-status").get_attribute("data-status") == "in-progress"

    # 3. In the field: the scanner app films IVANOV's sticker and links him to the case.
    phone_ctx = phone_context(field_camera, KUTA)
    phone = phone_ctx.new_page()
    phone.set_default_timeout(30_000)
    sign_in_app(phone, base, "petugas.ngr")
    phone.click("#camera")
    phone.wait_for_function(
        "() => document.querySelector('#verdict').dataset.verdict === 'overstay'"
    )
    phone.click("#camera")  # stop
    phone.wait_for_selector("#case-box:not([hidden])")
    phone.select_option(
        "#case-select",
        label=next(
            o for o in phone.locator("#case-select option").all_inner_texts() if o.endswith(title)
        ),
    )
    phone.click("#case-link")
    phone.wait_for_function("() => !!document.querySelector('#case-result').dataset.linked")
    assert phone.locator("#case-result").inner_text().startswith("Ditautkan ke kasus")

    # 4. The officer proposes a deportation from the case page; they cannot approve it themselves.
    page.goto(case_url)
    person_link = page.locator(f"a[href='/console/people/{overstayer['person']}']")
    assert person_link.count() == 1
    facts = page.locator(".person-facts").inner_text()
    serial = overstayer["serial"]
    pretty = f"{serial[:2]}-{serial[2:7]}-{serial[7:]}"
    assert facts.startswith("RUS · visa-exemption · active") and f"{pretty} (active)" in facts
    assert "sticker scanned in the field" in page.locator("table").last.inner_text()
    page.select_option("select[name=kind]", "deportation")
    page.fill(
        "form[action$='/action'] input[name=text]",
        "Overstay and work without a permit, UU 6/2011 Pasal 75 and 78",
    )
    with page.expect_navigation():
        page.click("button:has-text('Usulkan tindakan')")
    page.goto(f"{base}/console/cases")
    pending = page.locator("tr", has_text="deportasi")
    pending.locator("button", has_text="Setujui").click()
    assert "harus disetujui petugas kedua" in page.locator("[role=alert]").inner_text()

    # The national centre's supervisor approves: the stay ends, the sticker is revoked, and an
    # entry ban is proposed in the proposer's name, which a supervisor (not an officer) decides.
    console_sign_in(page, base, "supervisor")
    page.goto(f"{base}/console/cases")
    page.locator("tr", has_text="deportasi").locator("button", has_text="Setujui").click()
    page.wait_for_url(f"{base}/console/cases")
    ban = page.locator("tr", has_text="After deportation")
    assert ban.count() == 1
    ban.locator("button", has_text="Setujui").click()
    page.wait_for_url(f"{base}/console/cases")
    assert page.locator("tr", has_text="After deportation").count() == 0

    # 5. The scanner refreshes its status list and refuses the sticker.
    phone.reload()
    phone.wait_for_selector("#scanner:not([hidden])")
    phone.click("#refresh")
    phone.wait_for_function(
        "(s) => window.pantauScanner.state.status.revoked.has(s)", arg=overstayer["serial"]
    )
    phone.click("#camera")
    phone.wait_for_function(
        "() => document.querySelector('#verdict').dataset.verdict === 'revoked'"
    )
    assert phone.locator("#verdict").inner_text() == "DICABUT"
    phone.click("#camera")
    phone_ctx.close()

    # 6. The officer closes the case; the reporter's page says so, in English, and nothing else.
    page.goto(case_url)
    page.select_option("#status", "closed")
    page.fill("#outcome", "Deported, entry ban of six years")
    with page.expect_navigation():
        page.click("form[action$='/status'] button[type=submit]")
    assert "Deported" in page.locator("p.muted").first.inner_text()
    facts = page.locator(".person-facts").inner_text()
    assert "cancelled" in facts and f"{pretty} (revoked)" in facts
    reporter.goto(f"{base}/lapor")
    reporter.fill("#track-code", code.lower())
    reporter.click("button:has-text('Follow the status')")
    reporter.wait_for_url(f"{base}/lapor/{code}")
    status = reporter.locator("#report-status")
    assert status.get_attribute("data-status") == "closed"
    assert status.inner_text() == "Handled and closed"
    assert "IVANOV" not in reporter.content() and "Deported" not in reporter.content()
    reporter_ctx.close()

    # 7. The statistics page on the demo: by nationality, the same counts as the records.
    with live_server.factory() as s:
        refusals = Counter(s.scalars(sa.select(Refusal.nationality)))
        deportations = Counter(
            s.scalars(
                sa.select(Person.nationality)
                .join(Action, Action.person_id == Person.id)
                .where(Action.kind == "deportation", Action.status == "executed")
            )
        )
    assert deportations == Counter({"RUS": 1}) and refusals["CHN"] >= 1
    page.goto(f"{base}/console/statistics")
    for table, expected in (
        ("refusals-by-nationality", refusals),
        ("deportations-by-nationality", deportations),
    ):
        cells = page.locator(f"#{table} tbody tr").evaluate_all(
            "rows => rows.map(r => [...r.cells].map(c => c.innerText))"
        )
        assert {nat: int(n) for nat, n in cells} == dict(expected), table
    reports = page.locator("#reports tbody tr[data-outcome=deportation]")
    assert reports.count() == 1 and reports.locator("td").nth(1).inner_text() == "NGR"


def test_bad_reports_in_the_browser_keep_the_form_and_say_why(live_server, chromium, tmp_path):
    """A file that is not an image, and a place abroad: the page says what is wrong, keeps what was
    typed, and nothing is stored."""
    from pantau.reports.models import Report

    with live_server.factory() as s:
        before = s.scalar(sa.select(sa.func.count()).select_from(Report))
    ctx = chromium.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/lapor")
    text = "Orang asing berjualan tanpa izin di pasar Sukawati setiap pagi"
    page.fill("#description", text)
    page.fill("#lat", "-8.5960")
    page.fill("#lon", "115.2860")
    fake = tmp_path / "foto.jpg"
    fake.write_bytes(b"MZ\x90\x00 this is a program, not a photo")
    page.set_input_files("#photos", str(fake))
    page.click("#report-form button[type=submit]")
    alert = page.locator("[role=alert]")
    assert alert.inner_text() == "Foto harus berupa gambar JPEG, PNG, atau WebP."
    assert page.input_value("#description") == text
    page.fill("#lat", "-12.4634")  # Darwin
    page.fill("#lon", "130.8456")
    page.click("#report-form button[type=submit]")
    assert page.locator("[role=alert]").inner_text() == "Tempat kejadian harus di Indonesia."
    ctx.close()
    with live_server.factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Report)) == before
