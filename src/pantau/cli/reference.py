"""`pantau reference load`: the shipped offices, checkpoints and regencies (also run by `pantau db
upgrade`), for a production database that never sees `pantau demo`."""

from __future__ import annotations

import typer

from pantau import migrate
from pantau.cli.common import engine, fail, friendly
from pantau.cli.db import load_reference

app = typer.Typer(help="Reference data shipped with Pantau.", no_args_is_help=True)


@app.callback()
def reference() -> None:
    """Reference data shipped with Pantau."""


@app.command()
@friendly
def load() -> None:
    """Add the shipped offices, checkpoints and regencies that are missing (idempotent; `pantau db
    upgrade` runs it too)."""
    eng = engine()
    if set(migrate.current(eng)) != set(migrate.heads()):
        fail("the database schema is not current: run `pantau db upgrade` first")
    load_reference()
