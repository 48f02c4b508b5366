"""The heat map by regency in a real Chromium: boundaries and counts come from Pantau alone (every
request to another host is refused and recorded), and regencies with scans are coloured."""

from __future__ import annotations

import time


def _wait_regions(page, want=None) -> int:
    """Poll the map's count of coloured regencies (wait_for_function would need eval, which the
    console's CSP refuses)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        got = page.eval_on_selector("#live-map", "el => el.dataset.regions")
        if got is not None and (want is None or got == want):
            return int(got)
        time.sleep(0.1)
    raise AssertionError(f"the heat map did not draw (regions={got!r}, wanted {want!r})")


def test_heat_map_by_regency_draws_offline(live_server, page, login):
    outside: list[str] = []

    def only_pantau(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_pantau)
    login("supervisor")
    page.goto(f"{live_server.url}/console/map")
    page.wait_for_selector("#live-map.leaflet-container")
    with page.expect_response("**/api/v1/map/regions.geojson") as geo:
        page.select_option("#view", "regions")
    assert geo.value.status == 200
    placed = _wait_regions(page)
    assert placed > 0  # the demo crowd's scans, placed in their regencies
    # A filter that matches nobody empties the counts; the boundaries are not fetched again.
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    with page.expect_response("**/api/v1/map/regions?*") as counts:
        page.fill("#nationality", "ZZZ")
        page.dispatch_event("#nationality", "change")
    assert counts.value.json()["regions"] == {}
    _wait_regions(page, "0")
    assert not any("regions.geojson" in u for u in fetched)
    assert outside == []
    assert "GADM 4.1" in page.locator("main").inner_text()


def test_officer_ties_a_kitas_to_a_regency_in_the_console(live_server, page, login):
    from datetime import date

    import sqlalchemy as sa

    from pantau.people.mrz import build_td3
    from pantau.stays.models import Stay
    from pantau.stickers.models import Sticker

    login("petugas.ngr")
    page.goto(f"{live_server.url}/console/arrivals")
    mrz = build_td3(
        surname="Hansen",
        given_names="Ida",
        number="N55512345",
        nationality="NOR",
        birth_date=date(1987, 6, 1),
        sex="F",
        expiry_date=date(2031, 6, 1),
    )
    page.fill("#mrz", mrz)
    page.select_option("#permit", "kitas")
    page.fill("#months", "12")
    page.select_option("#checkpoint", "DPS")
    page.fill("#allowed_regions", "5103, 9999")  # one real code, one that does not exist
    page.click("text=Catat dan terbitkan stiker")
    alert = page.locator("[role=alert]").inner_text()
    assert "9999" in alert  # the bad code is named; nothing is stored
    assert page.locator("#allowed_regions").input_value() == "5103, 9999"  # kept to correct
    page.fill("#allowed_regions", "5103")
    page.click("text=Catat dan terbitkan stiker")
    serial = page.locator("#issued strong.mono").inner_text().replace("-", "")  # shown grouped
    with live_server.factory() as s:
        stay = s.scalar(sa.select(Stay).join(Sticker).where(Sticker.serial == serial))
        assert stay is not None and stay.allowed_regions == ["5103"]
