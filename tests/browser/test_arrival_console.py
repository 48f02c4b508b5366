"""An officer registers an arrival from an MRZ in the console and prints the sticker."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import httpx

from pantau.people.mrz import build_td3


def test_officer_registers_arrival_and_prints_sticker(live_server, page, login):
    login("petugas.ngr")
    page.click("nav >> text=Kedatangan")
    mrz = build_td3(
        surname="Okafor",
        given_names="Chidi",
        number="A09876543",
        nationality="NGA",
        birth_date=date(1985, 3, 9),
        sex="M",
        expiry_date=date(2030, 3, 9),
    )
    page.fill("#mrz", mrz)
    page.select_option("#permit", "visit-visa")
    page.select_option("#checkpoint", "DPS")
    page.click("text=Catat dan terbitkan stiker")
    issued = page.locator("#issued")
    assert issued.locator("svg").count() == 1  # the QR code, drawn by the server
    serial = issued.locator("strong.mono").inner_text()
    assert serial.startswith("ID-")
    pdf_href = issued.locator("text=Cetak label (PDF)").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    pdf = httpx.get(live_server.url + pdf_href, cookies=cookies)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page.click("text=Halaman orang")
    assert "OKAFOR" in page.locator("h1").inner_text()
    assert page.locator("td.mono", has_text="A09876543").count() == 1
    page.wait_for_selector(
        "#track-map.leaflet-container"
    )  # the track map is drawn (Leaflet, served locally)
    page.screenshot(path=str(Path(tempfile.gettempdir()) / "pantau-person.png"), full_page=True)


def test_bad_mrz_says_which_field(live_server, page, login):
    login("petugas.ngr")
    page.goto(f"{live_server.url}/console/arrivals")
    mrz = build_td3(
        surname="Okafor",
        given_names="Chidi",
        number="A09876543",
        nationality="NGA",
        birth_date=date(1985, 3, 9),
        sex="M",
        expiry_date=date(2030, 3, 9),
    )
    page.fill("#mrz", mrz.replace("A09876543", "A09876549"))
    page.click("text=Catat dan terbitkan stiker")
    assert "nomor dokumen" in page.locator("[role=alert]").inner_text()


def test_live_map_draws_without_internet_tiles(live_server, page, login):
    login("supervisor")
    page.goto(f"{live_server.url}/console/map")
    page.wait_for_selector("#live-map.leaflet-container")
    assert page.locator("#live-map.base-map").count() == 1  # no tile server: Pantau's base map
    page.wait_for_function("document.getElementById('live-map').dataset.cells !== undefined")
    assert page.locator("#live-map canvas").count() >= 1  # checkpoints and cells drawn on a canvas
