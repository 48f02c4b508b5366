"""Health check, migrations in step with the models, and configuration errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from pantau import migrate
from pantau.app import create_app
from pantau.config import ConfigError, Settings, load_settings
from pantau.db import check_connection, make_engine, start_embedded


def test_healthz_ok(app_client):
    res = app_client.get("/healthz")
    assert res.status_code == 200 and res.json()["database"] == "ok"


def test_healthz_503_when_database_is_gone(settings, cipher):
    dead = make_engine(
        "postgresql://nobody@127.0.0.1:1/none",
        pool_pre_ping=False,
        connect_args={"connect_timeout": 2},
    )
    with TestClient(create_app(settings, engine=dead, cipher=cipher)) as client:
        res = client.get("/healthz")
    assert res.status_code == 503 and res.json()["database"] == "unreachable"


def test_models_and_migrations_agree(engine):
    assert set(migrate.current(engine)) == set(migrate.heads())
    with engine.connect() as conn:
        assert migrate.differences(conn) == []


@pytest.mark.parametrize("url", ["mysql://x@y/z", "sqlite:///pantau.db", "not a url"])
def test_bad_database_url_is_a_clear_error(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError, match="postgresql://"):
        load_settings()


def test_unreachable_database_is_a_clear_error():
    eng = make_engine("postgresql://pantau@127.0.0.1:1/pantau", connect_args={"connect_timeout": 2})
    with pytest.raises(ConfigError, match="cannot connect to the database"):
        check_connection(eng)


def test_production_refuses_placeholder_secret(monkeypatch):
    monkeypatch.setenv("PANTAU_ENVIRONMENT", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings()


def test_unwritable_data_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ConfigError, match="not writable"):
        start_embedded(Settings(data_dir=blocker / "data"))


def test_security_headers_and_openapi(app_client):
    res = app_client.get("/api/v1/openapi.json")
    assert res.status_code == 200
    assert "/api/v1/auth/token" in res.json()["paths"]
    assert "default-src 'self'" in res.headers["content-security-policy"]


def test_hsts_only_with_secure_cookies(engine, settings, cipher):
    """Secure cookies mean Pantau is served over HTTPS: browsers are told to keep to HTTPS
    (Strict-Transport-Security) on pages, the API and static files. Without them (plain HTTP in
    development) the header would be ignored or lock a developer out, so it is not sent."""
    secure = settings.model_copy(update={"secure_cookies": True})
    with TestClient(create_app(secure, engine=engine, cipher=cipher)) as client:
        for path in ("/healthz", "/login", "/api/v1/openapi.json", "/static/favicon.svg"):
            res = client.get(path)
            assert res.headers.get("strict-transport-security", "").startswith("max-age="), path
            assert int(res.headers["strict-transport-security"].split("=")[1].split(";")[0]) >= (
                180 * 86400
            )
    with TestClient(create_app(settings, engine=engine, cipher=cipher)) as client:
        assert "strict-transport-security" not in client.get("/healthz").headers
