"""On the demo, an office officer sees the office's overstay alert, opens the person (track map) and
resolves the alert; an officer of another office does not see it."""

from __future__ import annotations


def test_officer_sees_and_resolves_the_overstay(live_server, page, login):
    login("petugas.mdn")
    page.goto(f"{live_server.url}/console/alerts")
    assert page.locator("tr[id^=alert-]", has_text="Overstay").count() == 0  # not Medan's

    login("petugas.ngr")
    page.goto(f"{live_server.url}/console/alerts")
    row = page.locator("tr[id^=alert-]", has_text="Overstay").first
    assert "Rp" in row.inner_text()  # days over and the fee due
    row.locator("text=Halaman orang").click()
    assert "IVANOV" in page.locator("h1").inner_text()
    page.wait_for_selector("#track-map.leaflet-container")
    page.go_back()
    page.locator("tr[id^=alert-]", has_text="Overstay").first.locator(
        "button", has_text="Selesaikan"
    ).click()
    page.goto(f"{live_server.url}/console/alerts?status=resolved")
    assert page.locator("tr[id^=alert-]", has_text="Overstay").count() == 1
