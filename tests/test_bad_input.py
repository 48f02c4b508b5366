"""Bad input the API fuzzer found reaching PostgreSQL as a 500 (issue #12): a NUL character in any
text, and an integer beyond bigint. Each is now a 422 in Pantau's error envelope, with the message in
Bahasa Indonesia and English and the field named, and nothing is stored.

Bad inputs tried: NUL in a query parameter (`/api/v1/scans?sticker=`), in a path parameter
(`/api/v1/stickers/{serial}/view`), in a form field (sign-in user name), in a JSON string (a case
title, a ban's name), in a JSON key, in a console form field (`/login`); `since` of 2**63 and of 30
digits on `/api/v1/status-list`, a negative one beyond bigint; a malformed JSON body and a missing
field (the 422 of validation has the same envelope)."""

from __future__ import annotations

import sqlalchemy as sa

from pantau.stickers.keys import KeyService
from tests.factories import PASSWORD, TEST_ACTOR, make_account

ID = {"Accept-Language": "id"}


def _token(app_client, accounts):
    acc = make_account(accounts, "bad.input", role="supervisor", office="NGR")
    res = app_client.post(
        "/api/v1/auth/token",
        data={"username": "bad.input", "password": PASSWORD, "otp": acc.code()},
    )
    return {"Authorization": f"Bearer {res.json()['access_token']}"}


def _refused(res, code, field=None):
    assert res.status_code == 422, (res.status_code, res.text)
    detail = res.json()["detail"]
    assert detail["code"] == code, detail
    assert detail["message"] and detail["message_en"] and detail["message"] != detail["message_en"]
    if field is not None:
        assert detail["field"] == field, detail
    return detail


def test_nul_characters_are_refused_everywhere(app_client, accounts, db):
    h = _token(app_client, accounts) | ID
    cases_before = db.scalar(sa.text("SELECT count(*) FROM case_file"))
    _refused(app_client.get("/api/v1/scans?sticker=AB%00CD", headers=h), "nul_character", "sticker")
    _refused(app_client.get("/api/v1/stickers/AB%00CD/view", headers=h), "nul_character", "serial")
    _refused(
        app_client.post(
            "/api/v1/auth/token",
            data={"username": "bad\x00input", "password": PASSWORD, "otp": "123456"},
            headers=ID,
        ),
        "nul_character",
        "username",
    )
    _refused(
        app_client.post("/api/v1/cases", json={"title": "Kasus \x00 baru"}, headers=h),
        "nul_character",
        "body.title",
    )
    _refused(
        app_client.post("/api/v1/cases", json={"title": "Kasus baru", "x\x00": 1}, headers=h),
        "nul_character",
    )
    assert db.scalar(sa.text("SELECT count(*) FROM case_file")) == cases_before
    # A console form: the error page, not a 500.
    page = app_client.post(
        "/login", data={"username": "a\x00b", "password": "x", "otp": "1"}, headers=ID
    )
    assert page.status_code == 422 and "NUL" in page.text


def test_integers_beyond_bigint_are_refused(app_client, db, cipher):
    KeyService(db, cipher=cipher).init(["DPS"], actor=TEST_ACTOR)
    assert app_client.get("/api/v1/status-list?since=0").status_code == 200
    for since in (str(2**63), "9" * 30):
        _refused(
            app_client.get(f"/api/v1/status-list?since={since}", headers=ID),
            "out_of_range",
            "since",
        )
    assert app_client.get(f"/api/v1/status-list?since={-(2**63) - 1}").status_code == 422


def test_validation_errors_use_the_envelope(app_client, accounts):
    h = _token(app_client, accounts)
    res = app_client.post(
        "/api/v1/cases", content=b"{not json", headers=h | {"content-type": "application/json"}
    )
    detail = _refused(res, "invalid")
    assert detail["errors"] and {"loc", "msg", "type"} <= set(detail["errors"][0])
    detail = _refused(app_client.post("/api/v1/cases", json={}, headers=h | ID), "invalid")
    assert detail["field"] == "title" and "title" in detail["message"]
