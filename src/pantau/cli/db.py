"""`pantau db ...`: migrations (Alembic inside the package)."""

from __future__ import annotations

import typer

from pantau import migrate
from pantau.audit.services import Actor
from pantau.cli.common import engine, fail, friendly, out, unit_of_work

app = typer.Typer(
    help="Database schema: apply migrations, check they match the code.", no_args_is_help=True
)


CLI_ACTOR = Actor("cli", origin="cli")


def load_reference() -> None:
    """The shipped reference data (offices, checkpoints, regencies): what is missing is added,
    nothing existing is changed, so it is safe to run on every upgrade."""
    from pantau.reference.services import ReferenceService

    with unit_of_work() as session:
        reference = ReferenceService(session)
        offices, checkpoints = reference.load_shipped_audited(CLI_ACTOR)
        regions = reference.regions_added
    if offices or checkpoints or regions:
        out.print(
            f"reference data: added {offices} offices, {checkpoints} checkpoints, "
            f"{regions} regencies"
        )
    else:
        out.print("reference data: up to date")


@app.command()
@friendly
def upgrade(revision: str = typer.Argument("heads", help="Target revision.")) -> None:
    """Apply migrations up to the newest (or REVISION), then load the shipped reference data
    (offices, checkpoints; idempotent) when the schema is current."""
    eng = engine()
    migrate.upgrade(eng, revision)
    now = migrate.current(eng)
    out.print(f"database at {', '.join(now) or 'base'}")
    if set(now) == set(migrate.heads()):
        load_reference()
        grant_privileges()


def grant_privileges() -> None:
    """The app role's privileges on the tables now in the schema (pantau.dbroles)."""
    from pantau.cli.common import settings
    from pantau.dbroles import APP_ROLE, EMBEDDED_LOGIN, grant_app_role

    embedded = not settings().database_url
    grant_app_role(engine(), login=EMBEDDED_LOGIN if embedded else None)
    out.print(
        f"privileges granted to the role {APP_ROLE}" + (f" ({EMBEDDED_LOGIN})" if embedded else "")
    )


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
