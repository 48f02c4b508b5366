"""A production install as README's "Production install" describes it, without `pantau demo`: a fresh
database, PANTAU_ENVIRONMENT=production with a real secret, `pantau db upgrade` (which loads the
shipped offices and checkpoints), `pantau keys init`, `pantau user create` for an administrator, and
sign-in over HTTP. No demo account and no demo outbox exist; `pantau demo` refuses to run."""

from __future__ import annotations

import secrets
import threading
import time

import httpx
import pyotp
import uvicorn
from typer.testing import CliRunner

from pantau.app import create_app
from pantau.cli.main import app as cli
from pantau.config import load_settings
from pantau.demo.load import DEMO_ACCOUNTS
from tests.browser.conftest import _free_port

runner = CliRunner()
PASSWORD = "a long production password"


def run(*args, input=None):
    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)


def test_production_install_without_the_demo(cli_env, monkeypatch):
    monkeypatch.setenv("PANTAU_ENVIRONMENT", "production")
    monkeypatch.setenv("PANTAU_SECRET_KEY", secrets.token_urlsafe(32))

    # Before: `pantau user create --office JKS` after `db upgrade` said "Unknown office".
    up = run("db", "upgrade")
    assert up.exit_code == 0, up.output
    assert "offices" in up.output and "checkpoints" in up.output
    again = run("db", "upgrade")  # idempotent: nothing added twice
    assert again.exit_code == 0 and "up to date" in again.output, again.output
    assert "up to date" in run("reference", "load").output

    # `pantau demo` (accounts with a published password) refuses in production, and so do its
    # subcommands; nothing of it is created.
    for args in (["demo", "--no-serve"], ["demo", "otp", "admin"], ["demo", "enrol"]):
        res = run(*args)
        assert res.exit_code == 1 and "production" in res.output, (args, res.output)

    assert run("keys", "init").exit_code == 0
    made = run(
        "user", "create", "--username", "admin.jks", "--role", "admin", "--office", "JKS",
        "--no-show-qr", input=PASSWORD + "\n",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    uri = next(line for line in made.output.splitlines() if line.startswith("otpauth://"))
    totp = pyotp.parse_uri(uri)

    rows = [line.split("│") for line in run("user", "list").output.splitlines() if "│" in line]
    names = {cells[1].strip() for cells in rows if len(cells) > 2}
    assert "admin.jks" in names
    assert not names & {acc.username for acc in DEMO_ACCOUNTS}

    # The server as `pantau serve` builds it (settings from the environment), over real HTTP.
    settings = load_settings()
    assert settings.environment == "production"
    app = create_app(settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as http:
            for acc in DEMO_ACCOUNTS:  # the demo's published password opens nothing
                res = http.post(
                    "/api/v1/auth/token",
                    data={"username": acc.username, "password": "pantau-demo-2026", "otp": ""},
                )
                assert res.status_code in (400, 401), (acc.username, res.status_code)
            res = http.post(
                "/api/v1/auth/token",
                data={"username": "admin.jks", "password": PASSWORD, "otp": totp.now()},
            )
            assert res.status_code == 200, res.text
            auth = {"Authorization": f"Bearer {res.json()['access_token']}"}
            me = http.get("/api/v1/auth/me", headers=auth)
            assert me.status_code == 200 and me.json()["office_code"] == "JKS"
            offices = http.get("/api/v1/offices", headers=auth).json()
            assert {"JKS", "NGR"} <= {o["code"] for o in offices}
            users = http.get("/api/v1/users", headers=auth).json()
            assert [u["username"] for u in users] == ["admin.jks"]
            # No demo outbox (it would show citizens' one-time codes).
            assert http.get("/antrean/kotak-keluar").status_code == 404
            assert http.get("/login").status_code == 200
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()
