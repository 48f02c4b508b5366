"""Managing channels: who may, what is checked (each bad input a 4xx naming the field, nothing
stored), audit, the secret shown once, the console page.

Bad inputs tried: an invalid e-mail address, a plain-http webhook to another host, a plain-http
webhook to localhost in production, a URL with credentials, an unknown office, an unknown alert
kind, an unknown kind of channel, an unknown severity; an officer's role; an unknown channel."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from pantau.errors import PantauError
from pantau.notifications.models import NotificationChannel
from pantau.notifications.services import ChannelInput, ChannelService, check_webhook_url
from tests.factories import PASSWORD, TEST_ACTOR, make_account


def token_for(app_client, accounts, username, role):
    acc = make_account(accounts, username, role=role, office="PST" if role != "officer" else "NGR")
    token = app_client.post(
        "/api/v1/auth/token",
        data={"username": username, "password": PASSWORD, "otp": acc.code()},
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}, acc


def count(db, table):
    return db.scalar(sa.text(f"SELECT count(*) FROM {table}"))


def test_bad_input_is_refused_with_a_clear_4xx_and_nothing_stored(app_client, db, accounts):
    h, _ = token_for(app_client, accounts, "admin.bad", "admin")
    audits = count(db, "audit_event")
    cases = [
        ({"kind": "email", "target": "not-an-address"}, "bad_email", "target"),
        ({"kind": "email", "target": "kanim@localhost"}, "bad_email", "target"),
        (
            {"kind": "webhook", "target": "http://example.go.id/hook"},
            "webhook_needs_https",
            "target",
        ),
        (
            {"kind": "webhook", "target": "https://user:pw@example.go.id/"},
            "bad_webhook_url",
            "target",
        ),
        ({"kind": "webhook", "target": "ftp://example.go.id/"}, "bad_webhook_url", "target"),
        (
            {"kind": "webhook", "target": "https://ok.example/", "office": "XXX"},
            "unknown_office",
            "office",
        ),
        (
            {"kind": "email", "target": "a@b.example", "kinds": ["overstay", "parking"]},
            "unknown_alert_kind",
            "kinds",
        ),
        ({"kind": "sms", "target": "0812"}, "bad_channel_kind", "kind"),
        (
            {"kind": "email", "target": "a@b.example", "min_severity": "urgent"},
            "bad_severity",
            "min_severity",
        ),
    ]
    for body, code, field in cases:
        r = app_client.post(
            "/api/v1/notification-channels", json={"office": "NGR", **body}, headers=h
        )
        assert r.status_code == 400, (body, r.text)
        detail = r.json()["detail"]
        assert (detail["code"], detail["field"]) == (code, field), body
    unknown_kind = app_client.post(
        "/api/v1/notification-channels",
        json={"office": "NGR", "kind": "email", "target": "a@b.example", "kinds": ["parking"]},
        headers={**h, "Accept-Language": "en"},
    ).json()["detail"]["message"]
    assert (
        unknown_kind.startswith("Unknown alert kind parking; known: ")
        and "overstay" in unknown_kind
    )
    assert count(db, "notification_channel") == 0
    assert count(db, "audit_event") == audits  # nothing recorded for refused input
    missing = app_client.patch(
        f"/api/v1/notification-channels/{uuid.uuid4()}", json={"enabled": False}, headers=h
    )
    assert missing.status_code == 404


def test_http_webhook_only_to_localhost_and_never_in_production(settings):
    assert check_webhook_url("http://127.0.0.1:9000/h", settings) == "http://127.0.0.1:9000/h"
    assert check_webhook_url("http://localhost/h", settings) == "http://localhost/h"
    production = settings.model_copy(update={"environment": "production"})
    assert check_webhook_url("https://siem.example.go.id/h", production)
    with pytest.raises(PantauError) as refused:
        check_webhook_url("http://127.0.0.1:9000/h", production)
    assert refused.value.code == "webhook_needs_https" and refused.value.status == 400


def test_roles_audit_update_and_secret_rotation(app_client, db, accounts):
    officer_h, _ = token_for(app_client, accounts, "petugas.n", "officer")
    body = {"office": "NGR", "kind": "webhook", "target": "https://siem.example.go.id/pantau"}
    assert (
        app_client.post("/api/v1/notification-channels", json=body, headers=officer_h).status_code
        == 403
    )
    assert app_client.get("/api/v1/notification-channels", headers=officer_h).status_code == 403

    h, _ = token_for(app_client, accounts, "supervisor.s", "supervisor")
    made = app_client.post("/api/v1/notification-channels", json=body, headers=h).json()
    first = made["secret"]
    again = app_client.post(
        f"/api/v1/notification-channels/{made['id']}/rotate-secret", headers=h
    ).json()["secret"]
    assert again and again != first
    off = app_client.patch(
        f"/api/v1/notification-channels/{made['id']}",
        json={"enabled": False, "min_severity": "high", "kinds": ["overstay"]},
        headers=h,
    ).json()
    assert (off["enabled"], off["min_severity"], off["kinds"]) == (False, "high", ["overstay"])
    bad = app_client.patch(
        f"/api/v1/notification-channels/{made['id']}", json={"kinds": ["nope"]}, headers=h
    )
    assert bad.status_code == 400 and bad.json()["detail"]["field"] == "kinds"
    tags = db.scalars(
        sa.text("SELECT tag FROM audit_event WHERE target = :t ORDER BY id"),
        {"t": f"notification_channel:{made['id']}"},
    ).all()
    assert tags == [
        "notifications:channel:create",
        "notifications:channel:rotate-secret",
        "notifications:channel:update",
    ]


def test_console_page_adds_a_webhook_and_shows_the_secret_once(app_client, db, accounts):
    acc = make_account(accounts, "admin.console", role="admin", office="PST")
    app_client.post(
        "/login", data={"username": "admin.console", "password": PASSWORD, "otp": acc.code()}
    )
    page = app_client.get("/console/notifications")
    assert page.status_code == 200 and "overstay" in page.text
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"csrf_token": csrf, "office": "NGR", "kind": "webhook", "name": "SIEM"}
    refused = app_client.post(
        "/console/notifications", data={**form, "target": "http://siem.example.go.id/"}
    )
    assert refused.status_code == 400 and "https://" in refused.text
    made = app_client.post(
        "/console/notifications",
        data={**form, "target": "https://siem.example.go.id/", "kinds": ["overstay", "not-seen"]},
    )
    assert made.status_code == 201
    secret = made.text.split('id="secret" style="word-break:break-all">')[1].split("<")[0]
    assert len(secret) >= 40
    channel = db.scalar(sa.select(NotificationChannel))
    assert channel.kinds == ["not-seen", "overstay"]
    assert secret not in app_client.get("/console/notifications").text  # shown once only


def test_service_requires_a_real_office(db, settings, cipher, accounts):
    admin = make_account(accounts, "admin.svc", role="admin", office="PST")
    service = ChannelService(db, settings=settings, cipher=cipher)
    with pytest.raises(PantauError) as exc:
        service.create(
            ChannelInput("", "x", "email", "a@b.example"), officer=admin.officer, actor=TEST_ACTOR
        )
    assert exc.value.code == "unknown_office"
