"""The console in a real browser: sign in with password and one-time code, switch language, sign out."""

from __future__ import annotations

import pyotp

from pantau.demo.load import DEMO_PASSWORD, demo_account


def sign_in(page, base, username):
    page.goto(f"{base}/console")
    assert "/login" in page.url  # signed-out visitors are sent to the sign-in page
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    acc = demo_account(username)
    if acc and acc.role.second_factor_required:
        page.fill("#otp", pyotp.TOTP(acc.totp_secret).now())
    page.click("button[type=submit]")


def test_sign_in_switch_language_sign_out(live_server, page):
    sign_in(page, live_server.url, "admin")
    page.wait_for_url(f"{live_server.url}/console")
    assert page.locator("h1").inner_text().startswith("Selamat datang")
    assert page.locator("nav >> text=Akun").is_visible()
    page.click("text=English")
    assert page.locator("h1").inner_text().startswith("Welcome")
    page.click("nav >> text=Accounts")
    assert page.locator("td.mono", has_text="petugas.ngr").count() == 1
    page.click("header >> text=Sign out")
    page.wait_for_url("**/login")
    page.goto(f"{live_server.url}/console")
    assert "/login" in page.url


def test_wrong_code_is_refused_with_a_message(live_server, page):
    page.goto(f"{live_server.url}/login")
    page.fill("#username", "supervisor")
    page.fill("#password", DEMO_PASSWORD)
    page.fill("#otp", "000000")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").inner_text().startswith("Nama pengguna, kata sandi")
