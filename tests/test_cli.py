"""The command line, run as users run it (Typer's CliRunner), against a database of its own."""

from __future__ import annotations

import socket

import pyotp
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.db import make_engine

runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def cli_commands(typer_app=app, path=()):
    """Every command and group of the Typer app, found by walking it (a new command is covered
    without touching this test)."""
    for command in typer_app.registered_commands:
        yield (*path, command.name or command.callback.__name__.replace("_", "-"))
    for group in typer_app.registered_groups:
        yield (*path, group.name)
        yield from cli_commands(group.typer_instance, (*path, group.name))


def test_help_on_every_command():
    commands = [(), *cli_commands()]
    assert len(commands) > 25
    for args in commands:
        res = run(*args, "--help")
        assert res.exit_code == 0, args
        assert "Usage" in res.output, args


def test_db_upgrade_check_current(cli_env):
    res = run("db", "check")
    assert res.exit_code == 1 and "pantau db upgrade" in res.output
    assert run("db", "upgrade").exit_code == 0
    assert run("db", "current").exit_code == 0
    res = run("db", "check")
    assert res.exit_code == 0, res.output
    assert "matches" in res.output


def test_user_create_list_disable(cli_env):
    run("demo", "--no-serve")
    res = run(
        "user",
        "create",
        "--username",
        "petugas.baru",
        "--role",
        "officer",
        "--office",
        "ngr",
        "--no-show-qr",
        input="a good password\n",
    )
    assert res.exit_code == 0, res.output
    uri = next(line for line in res.output.splitlines() if line.startswith("otpauth://"))
    assert pyotp.parse_uri(uri).secret
    assert "petugas.baru" in run("user", "list").output
    assert run("user", "disable", "petugas.baru").exit_code == 0
    assert "disabled" in run("user", "list").output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "officer", "--office", "XXX"], "Unknown office"),
        (["--role", "wizard", "--office", "NGR"], "Unknown role"),
    ],
)
def test_user_create_bad_input(cli_env, args, message):
    run("db", "upgrade")
    res = run("user", "create", "--username", "petugas.x", *args, input="a good password\n")
    assert res.exit_code == 1
    assert message in res.output
    assert "Traceback" not in res.output


def test_user_create_short_password(cli_env):
    run("demo", "--no-serve")
    res = run(
        "user",
        "create",
        "--username",
        "petugas.y",
        "--role",
        "officer",
        "--office",
        "NGR",
        input="short\n",
    )
    assert res.exit_code == 1 and "at least 10" in res.output


def test_demo_is_idempotent_and_prints_accounts(cli_env):
    first = run("demo", "--no-serve")
    assert first.exit_code == 0, first.output
    assert "petugas.ngr" in first.output and "pantau-demo-2026" in first.output
    second = run("demo", "--no-serve")
    assert "nothing changed" in second.output
    code = run("demo", "otp", "admin")
    assert code.exit_code == 0 and code.output.strip().isdigit()


def test_audit_verify_detects_altered_row(cli_env):
    run("demo", "--no-serve")
    ok = run("audit", "verify")
    assert ok.exit_code == 0 and "intact" in ok.output
    eng = make_engine(cli_env)
    with eng.begin() as conn:
        conn.execute(sa.text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        row_id = conn.scalar(sa.text("SELECT min(id) + 1 FROM audit_event"))
        conn.execute(
            sa.text("UPDATE audit_event SET actor = 'mallory' WHERE id = :id"), {"id": row_id}
        )
        conn.execute(sa.text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
    eng.dispose()
    bad = run("audit", "verify")
    assert bad.exit_code == 1
    assert f"row {row_id}" in bad.output


def test_bad_database_url_message(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/x")
    res = run("db", "current")
    assert res.exit_code == 1 and "postgresql://" in res.output and "Traceback" not in res.output


def test_unreachable_database_message(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/x")
    res = run("db", "current")
    assert res.exit_code == 1 and "cannot connect" in res.output


def test_serve_on_occupied_port(cli_env):
    run("db", "upgrade")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        res = run("serve", "--port", str(port))
    assert res.exit_code == 1 and "cannot listen" in res.output


def test_only_pantau_demo_serves_the_demo_outbox(cli_env, monkeypatch):
    """`pantau demo` builds its app with the demo flag (the outbox of one-time codes);
    `pantau serve` never does (issue #12: it was public unless PANTAU_ENVIRONMENT=production)."""
    import uvicorn

    served = []
    monkeypatch.setattr(uvicorn, "run", lambda built, **kw: served.append(built))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert run("demo", "--port", str(port)).exit_code == 0
    assert run("serve", "--port", str(port)).exit_code == 0
    assert [built.state.demo for built in served] == [True, False]
    client = TestClient(served[1])
    assert client.get("/antrean/kotak-keluar").status_code == 404
    assert TestClient(served[0]).get("/antrean/kotak-keluar").status_code == 200


def test_unwritable_data_dir(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("PANTAU_DATA_DIR", str(blocker / "sub"))
    res = run("db", "current")
    assert res.exit_code == 1 and "not writable" in res.output


def test_user_errors_never_show_a_traceback(cli_env, tmp_path):
    """Every command is wrapped by one top-level handler (`make_friendly`): a user's mistake is a
    one-line message and exit 1. Bad inputs tried: a NUL byte in a user name (`user disable`), a key id that is not hex and a kid of 5,000 characters (`keys revoke`), an
    output file in a folder that does not exist and one whose name is too long (`keys
    export-trust-list`), a checkpoint code with a NUL byte (`keys rotate`)."""
    assert run("db", "upgrade").exit_code == 0
    assert run("keys", "init").exit_code == 0
    cases = [
        ["user", "disable", "petugas\x00ngr"],
        ["keys", "revoke", "not-hex", "--reason", "test"],
        ["keys", "revoke", "ab" * 2500, "--reason", "test"],
        ["keys", "rotate", "NG\x00R"],
        ["keys", "export-trust-list", str(tmp_path / "missing" / "trust.json")],
        ["keys", "export-trust-list", str(tmp_path / ("x" * 300))],
    ]
    for args in cases:
        res = runner.invoke(app, args)  # catching exceptions: a traceback would be one
        shown = [a[:20] for a in args]
        assert res.exception is None or isinstance(res.exception, SystemExit), (shown, res.output)
        assert res.exit_code == 1, (shown, res.output)
        assert "error:" in res.output and "Traceback" not in res.output, (shown, res.output)
