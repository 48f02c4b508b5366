"""The application connects as a role that owns nothing it must not change (issue #12: it was the
database superuser, so the process writing the audit log could disable its trigger and rewrite it).

On each server (embedded and external): migrations as the owner, `grant_app_role`, then a login
role in the `pantau_app` group. Tried as that role: ALTER TABLE audit_event DISABLE TRIGGER, UPDATE,
DELETE and TRUNCATE of audit rows, dropping the trigger, being superuser - all refused; and the app
served under it signs in, reads, writes a case, records audit events, with the chain intact."""

from __future__ import annotations

import secrets

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from pantau.accounts.services import AccountService
from pantau.app import create_app
from pantau.audit.services import verify_chain
from pantau.db import make_engine
from pantau.dbroles import APP_ROLE, grant_app_role
from pantau.reference.services import ReferenceService
from tests.factories import PASSWORD, make_account


@pytest.fixture
def app_role_urls(server):
    url = server.new_database()
    owner = make_engine(url, pool_size=1)
    with Session(owner) as s, s.begin():
        ReferenceService(s).load_shipped()
    grant_app_role(owner)
    login, password = f"pantau_t_{secrets.token_hex(4)}", secrets.token_hex(8)
    with owner.begin() as conn:
        conn.execute(sa.text(f"CREATE ROLE {login} LOGIN PASSWORD '{password}' IN ROLE {APP_ROLE}"))
    app_url = (
        make_url(url).set(username=login, password=password).render_as_string(hide_password=False)
    )
    yield owner, app_url
    with owner.begin() as conn:
        conn.execute(sa.text(f"REASSIGN OWNED BY {login} TO CURRENT_USER"))
        conn.execute(sa.text(f"DROP OWNED BY {login}"))
    owner.dispose()
    with server.admin.connect() as conn:
        conn.execute(sa.text(f"DROP ROLE IF EXISTS {login}"))


REFUSED = [
    "ALTER TABLE audit_event DISABLE TRIGGER USER",
    "ALTER TABLE audit_event DISABLE TRIGGER ALL",
    "UPDATE audit_event SET actor = 'mallory'",
    "DELETE FROM audit_event",
    "TRUNCATE audit_event",
    "DROP TABLE audit_event",
    "CREATE TABLE mine (x int)",
]


def test_app_role_cannot_change_the_audit_trail_and_the_app_works(app_role_urls, settings, cipher):
    owner, app_url = app_role_urls
    app_engine = make_engine(app_url, pool_size=2)
    try:
        with app_engine.connect() as conn:
            assert (
                conn.scalar(sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
                is False
            )
            conn.rollback()
            for statement in REFUSED:
                with (
                    pytest.raises(ProgrammingError, match=r"(?i)permission denied|must be owner"),
                    conn.begin(),
                ):
                    conn.execute(sa.text(statement))

        with Session(owner) as s, s.begin():
            accounts = AccountService(s, settings=settings, cipher=cipher)
            acc = make_account(accounts, "role.ngr", role="supervisor", office="NGR")
            code = acc.code()
        app = create_app(settings, engine=app_engine, cipher=cipher)
        with TestClient(app) as client:
            assert client.get("/healthz").status_code == 200
            res = client.post(
                "/api/v1/auth/token",
                data={"username": "role.ngr", "password": PASSWORD, "otp": code},
            )
            assert res.status_code == 200, res.text
            h = {"Authorization": f"Bearer {res.json()['access_token']}"}
            assert client.get("/api/v1/auth/me", headers=h).json()["username"] == "role.ngr"
            made = client.post("/api/v1/cases", json={"title": "Kasus peran aplikasi"}, headers=h)
            assert made.status_code == 201, made.text
        with Session(owner) as s:
            tags = set(s.scalars(sa.text("SELECT tag FROM audit_event")))
            assert "auth:officer:login" in tags and "cases:case:open" in tags
            assert verify_chain(s).ok
    finally:
        app_engine.dispose()


def test_db_upgrade_grants_the_app_role(cli_env):
    """`pantau db upgrade` (as the owner) gives `pantau_app` DML on the tables, and on the audit
    log only SELECT and INSERT."""
    from typer.testing import CliRunner

    from pantau.cli.main import app as cli

    res = CliRunner().invoke(cli, ["db", "upgrade"], catch_exceptions=False)
    assert res.exit_code == 0 and APP_ROLE in res.output, res.output
    owner = make_engine(cli_env, pool_size=1)
    with owner.connect() as conn:

        def may(table, privilege):
            return conn.scalar(
                sa.text("SELECT has_table_privilege(:r, :t, :p)"),
                {"r": APP_ROLE, "t": table, "p": privilege},
            )

        assert may("audit_event", "INSERT") and may("audit_event", "SELECT")
        for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
            assert not may("audit_event", privilege), privilege
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            assert may("case_file", privilege), privilege
        owner_name = conn.scalar(
            sa.text("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_event'")
        )
        assert owner_name != APP_ROLE
    owner.dispose()


def test_serve_on_the_embedded_server_connects_as_the_app_role(embedded_url, tmp_root, monkeypatch):
    """With no DATABASE_URL, `pantau serve` and `pantau worker` take `app_engine`: the login
    `pantau_server` in the group `pantau_app`, made on the spot - not the superuser."""
    from pantau.cli.common import app_engine
    from pantau.config import Settings
    from pantau.dbroles import EMBEDDED_LOGIN

    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = Settings(environment="test", data_dir=tmp_root / "embedded")
    with app_engine(settings).connect() as conn:
        who, superuser = conn.execute(
            sa.text("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        ).one()
        member = conn.scalar(
            sa.text("SELECT pg_has_role(current_user, :g, 'MEMBER')"), {"g": APP_ROLE}
        )
    assert (who, superuser, member) == (EMBEDDED_LOGIN, False, True)
