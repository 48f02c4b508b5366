"""`pantau db ...`: migrations (Alembic inside the package)."""

from __future__ import annotations

import typer

from pantau import migrate
from pantau.cli.common import engine, fail, friendly, out

app = typer.Typer(
    help="Database schema: apply migrations, check they match the code.", no_args_is_help=True
)


@app.command()
@friendly
def upgrade(revision: str = typer.Argument("heads", help="Target revision.")) -> None:
    """Apply migrations up to the newest (or REVISION)."""
    eng = engine()
    migrate.upgrade(eng, revision)
    out.print(f"database at {', '.join(migrate.current(eng)) or 'base'}")


@app.command()
@friendly
def current() -> None:
    """Print the revision the database is at."""
    revs = migrate.current(engine())
    out.print(", ".join(revs) if revs else "base (no migrations applied)")


@app.command()
@friendly
def check() -> None:
    """Exit non-zero when the database is behind, or when the models and migrations disagree."""
    eng = engine()
    have, want = set(migrate.current(eng)), set(migrate.heads())
    if have != want:
        fail(
            f"database at {sorted(have) or 'base'}, code expects {sorted(want)}: run `pantau db upgrade`"
        )
    with eng.connect() as conn:
        diff = migrate.differences(conn)
    if diff:
        for d in diff:
            out.print(f"  {d}")
        fail(f"models and migrations disagree in {len(diff)} place(s): add a migration")
    out.print("database schema matches the code")
