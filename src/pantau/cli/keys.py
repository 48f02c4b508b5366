"""`pantau keys ...`: the national root and the document signers."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
import typer
from cryptography.hazmat.primitives import serialization
from rich.table import Table

from pantau.audit.services import Actor
from pantau.cli.common import friendly, out, settings, unit_of_work
from pantau.db import utcnow
from pantau.keys import pii_cipher
from pantau.reference.models import Checkpoint, Office
from pantau.stickers.keys import KeyService

app = typer.Typer(help="Sticker signing keys: root and document signers.", no_args_is_help=True)
CLI_ACTOR = Actor("cli", origin="cli")


@app.command()
@friendly
def init() -> None:
    """Create the national root (once) and a signer for every checkpoint and office lacking one."""
    s = settings()
    with unit_of_work(s) as db:
        codes = list(db.scalars(sa.select(Checkpoint.code))) + list(
            db.scalars(sa.select(Office.code))
        )
        made = KeyService(db, cipher=pii_cipher(s)).init(codes, actor=CLI_ACTOR)
    out.print(f"created {len(made)} key(s)" if made else "keys already in place, nothing changed")


@app.command()
@friendly
def rotate(code: str = typer.Argument(..., help="Checkpoint or office code, e.g. DPS.")) -> None:
    """Give CODE a new signer; stickers from the old one keep verifying."""
    s = settings()
    with unit_of_work(s) as db:
        row = KeyService(db, cipher=pii_cipher(s)).rotate(code.upper(), actor=CLI_ACTOR)
        out.print(f"new signer for {row.code}: kid {row.kid.hex()}")


@app.command()
@friendly
def revoke(
    kid: str = typer.Argument(..., help="Key id in hex (see `pantau keys list`)."),
    reason: str = typer.Option(..., help="Why, for the audit log."),
) -> None:
    """Revoke a signer: every sticker it signed stops verifying once scanners refresh."""
    s = settings()
    with unit_of_work(s) as db:
        row = KeyService(db, cipher=pii_cipher(s)).revoke(
            kid.lower(), reason=reason, actor=CLI_ACTOR
        )
        out.print(f"revoked {row.kid.hex()} ({row.code})")


@app.command("list")
@friendly
def list_() -> None:
    """List keys: kind, code, kid, signing period, state."""
    s = settings()
    table = Table("kind", "code", "kid", "created", "signs until", "state")
    now = utcnow()
    with unit_of_work(s) as db:
        for r in KeyService(db, cipher=pii_cipher(s)).list():
            state = (
                "revoked" if r.revoked_at else ("signs" if r.use_until > now else "verifies only")
            )
            table.add_row(
                r.kind,
                r.code,
                r.kid.hex(),
                f"{r.created_at:%Y-%m-%d}",
                f"{r.use_until:%Y-%m-%d}",
                state,
            )
    out.print(table)


@app.command("export-trust-list")
@friendly
def export_trust_list(
    output: Path = typer.Argument(..., help="File to write (JSON)."),
) -> None:
    """Write the signed trust list, the status list and the root certificate to one file, for
    verifying stickers on a machine with no network (`pantau sticker verify --trust-list`)."""
    s = settings()
    with unit_of_work(s) as db:
        keys = KeyService(db, cipher=pii_cipher(s))
        bundle = {
            "root_pem": keys.root_cert().public_bytes(serialization.Encoding.PEM).decode(),
            "trust_list": keys.trust_list(),
            "status_list": keys.status_list(0),
        }
    output.write_text(json.dumps(bundle, indent=1))
    out.print(f"wrote {output}")
