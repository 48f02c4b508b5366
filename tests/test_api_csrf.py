"""The JSON API takes a bearer token, or the console's session cookie only with the page's CSRF
token in X-CSRF-Token (issue #12): a cross-site page cannot make a signed-in officer's browser
change anything through the API."""

from __future__ import annotations

import pytest

from pantau.cases.models import Action
from pantau.stays.models import Stay, StayStatus
from pantau.stickers.models import Sticker, StickerStatus
from tests.world import build_world, console


@pytest.fixture
def world(db, accounts, cipher):
    return build_world(db, accounts, cipher, codes=("NGR",), roles=("officer", "supervisor"))


def test_the_api_takes_the_console_cookie_only_with_a_csrf_token(app_client, db, world):
    """Finding: a body-less cross-origin POST with only the session cookie approved a deportation.
    Tried: no token, a wrong token, the token in a form field (the API reads only the header)."""
    ngr = world["NGR"]
    second = ngr.logins["supervisor"]  # officer2 proposed it; a supervisor decides (issue 11)
    url = f"/api/v1/actions/{ngr.action.id}/approve"
    console(app_client, second)
    cross = {"Origin": "https://evil.example", "Referer": "https://evil.example/x"}
    for headers in (cross, {**cross, "X-CSRF-Token": "wrong"}):
        res = app_client.post(url, headers=headers)
        assert res.status_code == 403 and res.json()["detail"]["code"] == "csrf"
    res = app_client.post(url, headers=cross, data={"csrf_token": second.csrf})
    assert res.status_code == 403
    assert db.get(Action, ngr.action.id).status == "proposed"
    db.expire_all()
    assert db.get(Stay, ngr.stay.id).status is StayStatus.ACTIVE
    assert db.get(Sticker, ngr.sticker.serial).status is StickerStatus.ACTIVE
    # Reads with the cookie still work (the console's map fetches its data this way) ...
    assert app_client.get("/api/v1/actions").status_code == 200
    # ... and so does a change with the page's token, or with a bearer token.
    res = app_client.post(url, headers={"X-CSRF-Token": second.csrf})
    assert res.status_code == 200 and res.json()["status"] == "executed"
