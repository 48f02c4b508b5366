"""Test fixtures: real PostgreSQL servers, a migrated database per server and worker, a savepoint
rolled back after each test (warehouse's tests/conftest.py), and apps built per test.

Database tests run once per server: the embedded PostgreSQL that users get by default, and the
external server named by PANTAU_TEST_EXTERNAL_URL when it is set (CI sets it to the machine's
PostgreSQL 15)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from pantau import migrate
from pantau.accounts.services import AccountService
from pantau.app import create_app
from pantau.config import Settings
from pantau.db import make_engine, start_embedded
from pantau.keys import pii_cipher
from pantau.pii import PiiCipher
from pantau.reference.services import ReferenceService


def _backends() -> list[str]:
    found = ["embedded"]
    if os.environ.get("PANTAU_TEST_EXTERNAL_URL"):
        found.append("external")
    return found


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pantau")


@pytest.fixture(scope="session")
def embedded_url(tmp_root: Path) -> str:
    settings = Settings(environment="test", data_dir=tmp_root / "embedded")
    return start_embedded(settings)


class Server:
    """One PostgreSQL server; makes fresh, migrated databases on it."""

    def __init__(self, name: str, admin_url: str) -> None:
        self.name = name
        self.admin_url = admin_url
        self.admin = make_engine(admin_url, isolation_level="AUTOCOMMIT", pool_size=1)

    def new_database(self, *, migrated: bool = True) -> str:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"pantau_t_{worker}_{secrets.token_hex(4)}"
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)
        if migrated:
            eng = make_engine(url, pool_size=1)
            migrate.upgrade(eng)
            eng.dispose()
        return url


@pytest.fixture(scope="session", params=_backends())
def server(request: pytest.FixtureRequest) -> Server:
    if request.param == "embedded":
        return Server("embedded", request.getfixturevalue("embedded_url"))
    return Server("external", os.environ["PANTAU_TEST_EXTERNAL_URL"])


@pytest.fixture(scope="session")
def database_url(server: Server) -> str:
    """A migrated database holding the shipped reference data, shared by the savepoint tests."""
    url = server.new_database()
    eng = make_engine(url, pool_size=1)
    with Session(eng) as s, s.begin():
        ReferenceService(s).load_shipped()
    eng.dispose()
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[sa.Connection]:
    with engine.connect() as conn:
        trans = conn.begin()
        yield conn
        trans.rollback()


@pytest.fixture
def db(connection: sa.Connection) -> Iterator[Session]:
    """A session whose commits are savepoints inside a transaction rolled back after the test."""
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        yield session


@pytest.fixture(scope="session")
def settings(tmp_root: Path) -> Settings:
    return Settings(environment="test", data_dir=tmp_root / "data", secret_key="test-secret")


@pytest.fixture(scope="session")
def cipher(settings: Settings) -> PiiCipher:
    return pii_cipher(settings)


@pytest.fixture
def accounts(db: Session, settings: Settings, cipher: PiiCipher) -> AccountService:
    return AccountService(db, settings=settings, cipher=cipher)


@pytest.fixture
def app_client(
    connection: sa.Connection, engine: Engine, settings: Settings, cipher: PiiCipher
) -> Iterator[TestClient]:
    """The whole app, its requests inside the test's transaction."""
    app = create_app(settings, engine=engine, cipher=cipher)
    app.state.session_factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    with TestClient(app, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def cli_env(server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Environment for CLI tests: a fresh, unmigrated database and a data folder of their own."""
    url = server.new_database(migrated=False)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PANTAU_DATA_DIR", str(tmp_path / "data"))
    return url
