"""The application's database role: the server connects as a role that owns nothing it must not change.

Migrations run as the owner of the schema (`pantau db upgrade`, with DATABASE_OWNER_URL or else
DATABASE_URL). After them, `grant_app_role` makes the group role `pantau_app` (NOLOGIN) and grants it
what the running application needs and no more: SELECT, INSERT, UPDATE, DELETE on the tables, the
sequences, the job queue's functions - and on the audit log only SELECT and INSERT. Not being the
owner, it cannot ALTER the audit table (so cannot disable its append-only trigger), and it cannot
UPDATE, DELETE or TRUNCATE audit rows. A login role made by the administrator is put in the group:
`CREATE ROLE pantau_web LOGIN PASSWORD '...' IN ROLE pantau_app;` and DATABASE_URL names it.

The embedded server needs none of this by hand: `grant_app_role(..., login=EMBEDDED_LOGIN)` also
makes the login role `pantau_server` (local trust authentication), and `pantau serve` / `pantau
worker` connect as it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

APP_ROLE = "pantau_app"
EMBEDDED_LOGIN = "pantau_server"
APPEND_ONLY = ("audit_event",)  # the app may add rows, never change or remove them


def _create_role(conn: sa.Connection, name: str, options: str) -> None:
    exists = conn.scalar(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    if not exists:
        try:
            with conn.begin_nested():
                conn.execute(sa.text(f'CREATE ROLE "{name}" {options}'))
        except sa.exc.ProgrammingError:  # made meanwhile by another process (roles are global)
            pass


def grant_app_role(owner: Engine, *, login: str | None = None) -> None:
    """Create (if missing) the group role and grant it the application's privileges on every table
    now in the schema; idempotent, run after each upgrade. `login`: also a login role in the group
    (the embedded server's)."""
    with owner.begin() as conn:
        _create_role(conn, APP_ROLE, "NOLOGIN")
        if login:
            _create_role(conn, login, f'LOGIN IN ROLE "{APP_ROLE}"')
        schemas = [
            r[0]
            for r in conn.execute(
                sa.text(
                    "SELECT DISTINCT schemaname FROM pg_tables WHERE tableowner = current_user "
                    "AND schemaname NOT IN ('pg_catalog', 'information_schema')"
                )
            )
        ] or ["public"]
        for schema in schemas:
            q = f'"{schema}"'
            conn.execute(sa.text(f'GRANT USAGE ON SCHEMA {q} TO "{APP_ROLE}"'))
            conn.execute(
                sa.text(
                    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {q} "
                    f'TO "{APP_ROLE}"'
                )
            )
            conn.execute(
                sa.text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {q} TO "{APP_ROLE}"')
            )
            conn.execute(sa.text(f'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {q} TO "{APP_ROLE}"'))
        for table in APPEND_ONLY:
            if conn.scalar(sa.text("SELECT to_regclass(:t)"), {"t": table}) is not None:
                conn.execute(
                    sa.text(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{table}" FROM "{APP_ROLE}"')
                )


def as_role(url: str, role: str) -> str:
    """The same server and database, connecting as `role` (no password: local trust)."""
    return make_url(url).set(username=role, password=None).render_as_string(hide_password=False)
