"""Sign-in over HTTP: the token API and the web pages."""

from __future__ import annotations

import pyotp

from tests.accounts.test_accounts_service import _just_failed
from tests.factories import PASSWORD, TEST_ACTOR, make_account


def _token(client, acc, otp=None):
    return client.post(
        "/api/v1/auth/token",
        data={"username": acc.officer.username, "password": PASSWORD, "otp": otp or acc.code()},
    )


def test_token_round_trip(app_client, accounts):
    acc = make_account(accounts)
    res = _token(app_client, acc)
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["token_type"] == "bearer" and len(body["access_token"]) > 30
    me = app_client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200 and me.json()["username"] == "petugas1"
    out = app_client.post(
        "/api/v1/auth/logout", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert out.status_code == 204
    again = app_client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert again.status_code == 401


def test_bad_credentials_and_inputs(app_client, accounts):
    acc = make_account(accounts)
    wrong = app_client.post(
        "/api/v1/auth/token",
        data={"username": "petugas1", "password": "nope nope nope", "otp": acc.code()},
    )
    assert wrong.status_code == 401
    assert wrong.json()["detail"]["code"] == "bad_credentials"
    missing = app_client.post("/api/v1/auth/token", data={"username": "petugas1"})
    assert missing.status_code == 422  # says which field is missing
    assert "password" in missing.text
    bad_otp = _token(app_client, acc, otp="12ab56")
    assert bad_otp.status_code == 401


def test_error_language_follows_accept_language(app_client, accounts):
    make_account(accounts)
    data = {"username": "petugas1", "password": "wrong wrong wrong", "otp": "000000"}
    res = app_client.post("/api/v1/auth/token", data=data, headers={"Accept-Language": "id-ID"})
    assert "salah" in res.json()["detail"]["message"]
    res = app_client.post("/api/v1/auth/token", data=data, headers={"Accept-Language": "en"})
    assert "Wrong" in res.json()["detail"]["message"]


def test_malformed_tokens_get_401(app_client):
    for header in ["Bearer", "Bearer not-a-token", "Basic abc", "Bearer " + "x" * 5000]:
        res = app_client.get("/api/v1/auth/me", headers={"Authorization": header})
        assert res.status_code == 401, header


def test_throttling_over_http_is_429_with_retry_after_and_committed(
    app_client, accounts, db, settings
):
    """Failures are committed although the sign-in fails; the try after them waits, told how long
    by Retry-After (API and sign-in form)."""
    acc = make_account(accounts)
    wrong = {"username": "petugas1", "password": "wrong wrong wrong", "otp": "000000"}
    for _ in range(settings.login_free_failures):
        assert app_client.post("/api/v1/auth/token", data=wrong).status_code == 401
    _just_failed(db)  # hashing the passwords took time that would eat the 1 s wait
    res = _token(app_client, acc)
    assert res.status_code == 429 and res.headers["retry-after"] == "1"
    assert res.json()["detail"]["code"] == "throttled"
    _just_failed(db)
    page = app_client.post("/login", data={**wrong, "next": "/console"})
    assert page.status_code == 429 and page.headers["retry-after"] == "1"
    assert "coba lagi dalam 1 detik" in page.text


def test_web_sign_in_sign_out_and_csrf(app_client, accounts):
    acc = make_account(accounts, "admin1", role="admin", office="PST")
    page = app_client.get("/console", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    res = app_client.post(
        "/login",
        data={
            "username": "admin1",
            "password": PASSWORD,
            "otp": acc.code(),
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert res.status_code == 303 and res.headers["location"] == "/console"  # no open redirect
    home = app_client.get("/console")
    assert home.status_code == 200 and "Admin1" in home.text
    # A form posted without the CSRF token is refused.
    forged = app_client.post("/console/users/admin1/disable", follow_redirects=False)
    assert forged.status_code == 403
    users = app_client.get("/console/users")
    assert users.status_code == 200 and "admin1" in users.text


def test_web_sign_in_failure_rerenders_form(app_client, accounts):
    make_account(accounts)
    res = app_client.post("/login", data={"username": "petugas1", "password": "x" * 12, "otp": "1"})
    assert res.status_code == 401
    assert 'name="password"' in res.text and "salah" in res.text  # Bahasa Indonesia by default


def test_console_pages_need_the_right_role(app_client, accounts):
    acc = make_account(accounts, "petugas9")
    app_client.post(
        "/login", data={"username": "petugas9", "password": PASSWORD, "otp": acc.code()}
    )
    assert app_client.get("/console").status_code == 200
    assert app_client.get("/console/users").status_code == 403


def test_admin_creates_account_and_sees_enrolment_qr(app_client, accounts):
    acc = make_account(accounts, "admin1", role="admin", office="PST")
    token = _token(app_client, acc).json()["access_token"]
    res = app_client.post(
        "/api/v1/users",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "username": "hotel.sanur",
            "password": "a long password",
            "role": "accommodation",
            "office": "DEN",
            "with_otp": False,
        },
    )
    assert res.status_code == 201, res.text
    assert res.json()["otpauth_uri"] is None
    res = app_client.post(
        "/api/v1/users",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "username": "petugas.den",
            "password": "a long password",
            "role": "officer",
            "office": "DEN",
        },
    )
    uri = res.json()["otpauth_uri"]
    assert uri.startswith("otpauth://totp/")
    secret = pyotp.parse_uri(uri).secret
    ok = app_client.post(
        "/api/v1/auth/token",
        data={
            "username": "petugas.den",
            "password": "a long password",
            "otp": pyotp.TOTP(secret).now(),
        },
    )
    assert ok.status_code == 200
    bad = app_client.post(
        "/api/v1/users",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "username": "petugas.x",
            "password": "a long password",
            "role": "officer",
            "office": "ZZZ",
        },
    )
    assert bad.status_code == 404
    assert bad.json()["detail"]["field"] == "office"


def test_device_token_lives_longer_and_ends_with_the_account(app_client, accounts, settings):
    acc = make_account(accounts)
    res = app_client.post(
        "/api/v1/auth/device-token",
        data={"username": "petugas1", "password": PASSWORD, "otp": acc.code()},
    )
    assert res.status_code == 200
    body = res.json()
    assert body["role"] == "officer" and body["office"] == "NGR"
    api = _token(app_client, make_account(accounts, "petugas2")).json()
    assert body["expires_at"] > api["expires_at"]  # days, not hours
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert app_client.get("/api/v1/auth/me", headers=headers).status_code == 200
    accounts.disable("petugas1", actor=TEST_ACTOR)
    assert app_client.get("/api/v1/auth/me", headers=headers).status_code == 401
