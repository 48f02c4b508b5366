"""The `pantau` command line."""

from __future__ import annotations

import os
import socket
import sys

import typer
from rich.table import Table

from pantau import __version__, migrate
from pantau.cli import audit, db, keys, queue, reference, sticker, user
from pantau.cli import seed as seed_cli
from pantau.cli.common import (
    app_engine,
    engine,
    fail,
    friendly,
    make_friendly,
    out,
    settings,
    unit_of_work,
)
from pantau.cli.db import grant_privileges

app = typer.Typer(
    help="Pantau: supervision of foreign nationals with signed QR stickers, and APPAPO queue booking.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(reference.app, name="reference")
app.add_typer(user.app, name="user")
app.add_typer(audit.app, name="audit")
app.add_typer(keys.app, name="keys")
app.add_typer(sticker.app, name="sticker")
app.add_typer(queue.app, name="queue")
app.add_typer(seed_cli.app, name="seed")
demo_app = typer.Typer(help="Demo data and demo accounts.", invoke_without_command=True)
app.add_typer(demo_app, name="demo")


@app.command()
def version() -> None:
    """Print Pantau's version."""
    out.print(__version__)


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            fail(
                f"cannot listen on {host}:{port}: {exc.strerror}. Is Pantau already running? "
                "Choose another port with --port or PANTAU_PORT."
            )


def _serve(host: str | None, port: int | None, workers: int, *, demo: bool = False) -> None:
    import uvicorn

    from pantau.app import create_app
    from pantau.db import app_database_url, web_engine

    s = settings()
    host, port = host or s.host, port or s.port
    _check_port_free(host, port)
    eng = engine(s)
    have, want = set(migrate.current(eng)), set(migrate.heads())
    if have != want:
        fail("the database schema is not current: run `pantau db upgrade` first")
    app_engine(s)  # the app role, not the owner (pantau.dbroles): made if embedded, checked
    out.print(f"Pantau {__version__} serving http://{host}:{port}  (Ctrl+C stops)")
    from pantau.gate import serving_process

    serving_process()
    if workers > 1:
        # uvicorn's supervisor spawns each worker from a fresh interpreter; started from this
        # console script, the spawned workers died silently (every one restarted forever), so the
        # supervisor is run as `python -m uvicorn` in this process's place. Each worker builds its
        # app from the environment (app_from_environment), as the settings here were.
        sys.stdout.flush()
        os.execv(  # noqa: S606 - a fixed argument list, no shell
            sys.executable,
            [
                sys.executable,
                "-m",
                "uvicorn",
                "pantau.app:app_from_environment",
                "--factory",
                "--host",
                host,
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--proxy-headers",
            ],
        )
    else:
        # The server's own engine, its pool sized to its concurrency (not the CLI's small pool).
        app = create_app(s, engine=web_engine(app_database_url(s), s), demo=demo)
        uvicorn.run(app, host=host, port=port, log_level="warning")


@app.command()
@friendly
def serve(
    host: str = typer.Option(None, help="Address to listen on (default PANTAU_HOST, 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default PANTAU_PORT, 8000)."),
    workers: int = typer.Option(1, min=1, max=64, help="Worker processes."),
) -> None:
    """Serve the console, public pages and API."""
    _serve(host, port, workers)


@app.command()
@friendly
def worker(
    concurrency: int = typer.Option(2, min=1, max=64, help="Tasks run at the same time."),
    once: bool = typer.Option(False, help="Run what is queued, then stop (for cron or tests)."),
) -> None:
    """Run background tasks (sweeps, notifications, retention). Start as many as you like, on as
    many machines: they share the queue in PostgreSQL."""
    from sqlalchemy.orm import sessionmaker

    from pantau.jobs import JobEnv, run_worker
    from pantau.keys import pii_cipher

    s = settings()
    eng = app_engine(s)
    env = JobEnv(s, sessionmaker(bind=eng, expire_on_commit=False), pii_cipher(s))
    out.print("worker started" + (" (until the queue is empty)" if once else " (Ctrl+C stops)"))
    run_worker(env, eng, concurrency=concurrency, once=once)


@demo_app.callback()
@friendly
def demo(
    ctx: typer.Context,
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve after loading."),
    port: int = typer.Option(None, help="Port to serve on."),
) -> None:
    """Migrate, load reference and demo data (idempotent), print the demo accounts, then serve."""
    s = settings()
    if s.environment == "production":
        fail(
            "`pantau demo` does not run with PANTAU_ENVIRONMENT=production: it makes accounts "
            "with a published password. Install with `pantau db upgrade` and `pantau user create` "
            "(README, Production install)."
        )
    if ctx.invoked_subcommand is not None:
        return
    from pantau.demo.load import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
    from pantau.keys import pii_cipher

    migrate.upgrade(engine(s))
    grant_privileges()  # the app role's, as `pantau db upgrade` does (pantau.dbroles)
    with unit_of_work(s) as session:
        created = load_demo(session, s, pii_cipher(s))
    out.print(
        "demo data: " + (", ".join(created) if created else "already loaded, nothing changed")
    )
    table = Table("username", "role", "office", title="Demo accounts")
    for acc in DEMO_ACCOUNTS:
        table.add_row(acc.username, acc.role.value, acc.office)
    out.print(table)
    out.print(f"Password for every demo account: [bold]{DEMO_PASSWORD}[/]")
    out.print(
        "Second factor: add the demo seeds to an authenticator app (`pantau demo enrol`), "
        "or print the current code with `pantau demo otp USERNAME`."
    )
    if serve_after:
        _demo_worker()
        _serve(None, port, 1, demo=True)


def _demo_worker() -> None:
    """The demo runs one background worker beside the server, as production runs `pantau worker`:
    scan rules, sweeps and notifications are jobs, so without it no alert would appear."""
    import atexit
    import subprocess

    code = "import sys; from pantau.cli.main import app; sys.argv = ['pantau', 'worker']; app()"
    proc = subprocess.Popen([sys.executable, "-c", code])  # noqa: S603 - fixed argument list
    atexit.register(proc.terminate)
    out.print("background worker started (scan rules, sweeps, notifications)")


@demo_app.command("otp")
@friendly
def demo_otp(username: str = typer.Argument(..., help="A demo account.")) -> None:
    """Print the current one-time code of a demo account (demo accounts only)."""
    from pantau.accounts.services import AccountService
    from pantau.demo.load import current_code
    from pantau.keys import pii_cipher

    s = settings()
    with unit_of_work(s) as session:
        accounts = AccountService(session, settings=s, cipher=pii_cipher(s))
        officer = accounts.by_username(username)
        code = current_code(accounts, officer) if officer else None
    if code is None:
        fail(f"{username!r} is not a demo account with a published second factor")
    typer.echo(code)


@demo_app.command("enrol")
def demo_enrol() -> None:
    """Print the otpauth:// URIs of the demo accounts' second factors."""
    from pantau.demo.load import DEMO_ACCOUNTS, otpauth_uri

    for acc in DEMO_ACCOUNTS:
        if acc.role.second_factor_required:
            typer.echo(f"{acc.username}: {otpauth_uri(acc)}")


# Last: every command registered above shows user errors as one line, never a traceback.
make_friendly(app)
