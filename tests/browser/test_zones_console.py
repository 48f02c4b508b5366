"""Restricted zones in the console (issue 14): a supervisor draws a polygon and a circle on the map,
renames one, removes one; every change is in the audit log and the zones raise alerts as before.
Bad inputs tried: a polygon of two corners, a zone without a name (refused, nothing stored)."""

from __future__ import annotations

import time

import sqlalchemy as sa


def _count(page, want: str) -> None:
    deadline = time.monotonic() + 10
    got = None
    while time.monotonic() < deadline:
        got = page.eval_on_selector("#zones-map", "el => el.dataset.count")
        if got == want:
            return
        time.sleep(0.1)
    status = page.inner_text("#zone-status")
    points = page.eval_on_selector("#zones-map", "el => el.dataset.points")
    raise AssertionError(f"zones listed: {got!r}, wanted {want!r} ({status!r}, {points} points)")


def test_draw_edit_and_remove_zones_on_the_map(live_server, page, login):
    from pantau.alerts.geofence import Geofence
    from pantau.audit.models import AuditEvent

    outside: list[str] = []
    page.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(live_server.url)
            else (outside.append(r.request.url), r.abort())
        ),
    )
    login("supervisor")
    page.goto(f"{live_server.url}/console/zones")
    page.wait_for_selector("#zones-map.leaflet-container")
    _count(page, "0")

    def centre() -> tuple[float, float]:
        """The map's centre on screen (clicking the form's buttons scrolls the page)."""
        page.locator("#zones-map").scroll_into_view_if_needed()
        box = page.locator("#zones-map").bounding_box()
        return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    cx, cy = centre()

    # Two corners are not a polygon: refused with the reason, nothing stored.
    page.fill("#zone-name", "Pelabuhan gelap")
    page.mouse.click(cx, cy)
    page.mouse.click(cx + 40, cy)
    page.click("#zone-save")
    page.wait_for_selector("#zone-status.error")
    assert "tiga titik" in page.inner_text("#zone-status") or "three" in page.inner_text(
        "#zone-status"
    )
    page.click("#zone-clear")

    cx, cy = centre()
    page.mouse.click(cx, cy)
    page.mouse.click(cx + 40, cy)
    page.mouse.click(cx + 20, cy + 40)
    page.click("#zone-save")
    _count(page, "1")

    page.select_option("#zone-kind", "circle")
    page.fill("#zone-name", "Tambang liar")
    cx, cy = centre()
    page.mouse.click(cx - 100, cy)
    page.mouse.click(cx - 80, cy)
    page.click("#zone-save")
    _count(page, "2")

    # Edit the polygon's name; remove the circle.
    page.locator("#zone-list tr", has_text="Pelabuhan gelap").locator("[data-action=edit]").click()
    page.fill("#zone-name", "Pelabuhan gelap utara")
    page.click("#zone-save")
    page.wait_for_selector("#zone-list tr:has-text('Pelabuhan gelap utara')")
    page.once("dialog", lambda d: d.accept())
    page.locator("#zone-list tr", has_text="Tambang liar").locator("[data-action=remove]").click()
    _count(page, "1")

    with live_server.factory() as s:
        zones = {z.name: z for z in s.scalars(sa.select(Geofence))}
        actions = list(
            s.scalars(sa.select(AuditEvent.tag).where(AuditEvent.tag.like("alerts:geofence:%")))
        )
    assert (
        zones["Pelabuhan gelap utara"].active and zones["Pelabuhan gelap utara"].kind == "polygon"
    )
    assert len(zones["Pelabuhan gelap utara"].polygon or []) == 3
    circle = zones["Tambang liar"]
    assert not circle.active and circle.kind == "circle" and (circle.radius_m or 0) > 1000
    assert sorted(actions) == sorted(
        ["alerts:geofence:create"] * 2 + ["alerts:geofence:update", "alerts:geofence:remove"]
    )
    assert outside == []
