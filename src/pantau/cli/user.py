"""`pantau user ...`: officer accounts."""

from __future__ import annotations

import segno
import typer
from rich.table import Table

from pantau.accounts.services import AccountService
from pantau.audit.services import Actor
from pantau.cli.common import friendly, out, read_secret, settings, unit_of_work
from pantau.keys import pii_cipher

app = typer.Typer(help="Officer accounts: create, disable, list.", no_args_is_help=True)
CLI_ACTOR = Actor("cli", origin="cli")


@app.command()
@friendly
def create(
    username: str = typer.Option(..., help="Lower-case login name."),
    role: str = typer.Option(..., help="admin, supervisor, officer, partner or accommodation."),
    office: str = typer.Option(..., help="Office code, e.g. NGR."),
    full_name: str = typer.Option("", help="Name shown in the console."),
    no_otp: bool = typer.Option(False, help="No second factor (accommodation providers only)."),
    show_qr: bool = typer.Option(True, help="Also draw the enrolment QR code in the terminal."),
) -> None:
    """Create an account. The password is read from standard input; the second factor's
    otpauth:// URI is printed once, for enrolment in an authenticator app."""
    password = read_secret("Password")
    s = settings()
    with unit_of_work(s) as db:
        new = AccountService(db, settings=s, cipher=pii_cipher(s)).create(
            username=username,
            password=password,
            role=role,
            office_code=office,
            full_name=full_name,
            with_otp=not no_otp,
            actor=CLI_ACTOR,
        )
    out.print(
        f"created {new.officer.username} ({new.officer.role.value}, {new.officer.office_code})"
    )
    if new.otpauth_uri:
        out.print("second factor (shown once, enrol it now):")
        typer.echo(new.otpauth_uri)
        if show_qr:
            segno.make(new.otpauth_uri, error="m").terminal(compact=True)


@app.command()
@friendly
def disable(username: str = typer.Argument(..., help="The account to disable.")) -> None:
    """Disable an account and end all its sessions at once."""
    s = settings()
    with unit_of_work(s) as db:
        officer = AccountService(db, settings=s, cipher=pii_cipher(s)).disable(
            username, actor=CLI_ACTOR
        )
    out.print(f"disabled {officer.username}; its sessions are ended")


@app.command("list")
@friendly
def list_() -> None:
    """List accounts."""
    s = settings()
    table = Table("username", "name", "role", "office", "status", "2FA", "last sign-in")
    with unit_of_work(s) as db:
        for o in AccountService(db, settings=s, cipher=pii_cipher(s)).list():
            table.add_row(
                o.username,
                o.full_name,
                o.role.value,
                o.office_code,
                "active" if o.active else "disabled",
                "yes" if o.totp_secret else "no",
                o.last_login_at.strftime("%Y-%m-%d %H:%M") if o.last_login_at else "-",
            )
    out.print(table)
