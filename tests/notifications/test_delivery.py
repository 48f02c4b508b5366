"""Alerts reach an office's channels through a real worker: e-mail to a real SMTP server, signed
webhooks to a real HTTP server; retries, giving up, and what must send nothing."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pantau.accounts.services import AccountService
from pantau.alerts.models import Alert
from pantau.alerts.rules import Draft
from pantau.alerts.services import AlertService
from pantau.app import create_app
from pantau.notifications.models import Notification, NotificationDelivery
from pantau.notifications.notify import Message, OutboxNotifier
from pantau.notifications.services import ChannelInput, ChannelService
from pantau.wiring import alert_engine
from tests.factories import PASSWORD, TEST_ACTOR, make_account
from tests.notifications.conftest import World, free_port

PERSONAL = ("MARTIN", "C7654321", "Martin")  # a name and a passport number in the alert's summary


def add_channel(world: World, kind: str, target: str, **kw: Any) -> tuple[uuid.UUID, str | None]:
    with world.factory() as s, s.begin():
        admin = make_account(
            AccountService(s, settings=world.settings, cipher=world.cipher),
            f"admin{uuid.uuid4().hex[:6]}",
            role="admin",
            office="PST",
        )
        channel, secret = ChannelService(s, settings=world.settings, cipher=world.cipher).create(
            ChannelInput(kw.pop("office", "NGR"), "Kanim NGR", kind, target, **kw),
            officer=admin.officer,
            actor=TEST_ACTOR,
        )
        return channel.id, secret


def raise_alert(
    world: World, *, kind: str = "overstay", severity: str = "high", key: str | None = None
) -> uuid.UUID:
    with world.factory() as s, s.begin():
        alert = alert_engine(s, world.cipher).store(
            Draft(
                kind,
                severity,
                key or f"{kind}:{uuid.uuid4()}",
                f"{PERSONAL[0]} {PERSONAL[2]}, passport {PERSONAL[1]}, stays past the last day",
                office_code="NGR",
            )
        )
        return alert.id


def store_then_fail(world: World, session: Session) -> None:
    """A rule that stores an alert and then fails: its savepoint is rolled back."""
    with session.begin_nested():
        alert_engine(session, world.cipher).store(
            Draft("overstay", "high", "overstay:rolled-back", "x", office_code="NGR")
        )
        raise RuntimeError("the rule failed after storing")


def deliveries(world: World) -> list[NotificationDelivery]:
    with world.factory() as s:
        return list(s.scalars(sa.select(NotificationDelivery).order_by(NotificationDelivery.id)))


def check_signature(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (docs/supervision.md)."""
    ts = headers["X-Pantau-Timestamp"]
    expected = (
        "sha256=" + hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    )
    return hmac.compare_digest(expected, headers["X-Pantau-Signature"])


def test_email_reaches_the_smtp_server_without_personal_data(world, smtp_server):
    box, _ = smtp_server
    add_channel(world, "email", "kanim.ngurah-rai@imigrasi.example.go.id", min_severity="high")
    alert_id = raise_alert(world)
    world.work()
    assert [d.status for d in deliveries(world)] == ["sent"]
    assert box.recipients == [["kanim.ngurah-rai@imigrasi.example.go.id"]]
    mail = box.messages[0]
    body = mail.get_payload(decode=True).decode()
    assert "overstay" in mail["Subject"] and "NGR" in mail["Subject"]
    assert f"https://pantau.example.go.id/console/alerts?status=active#alert-{alert_id}" in body
    assert mail["Message-ID"] == f"<{deliveries(world)[0].id}@pantau>"
    for secret in PERSONAL:
        assert secret not in body and secret not in mail["Subject"]


def test_webhook_from_the_api_is_signed_and_carries_no_personal_data(world, receivers):
    """An administrator adds the webhook over the API (the secret comes back once); the worker
    posts the alert; the receiver checks the signature with that secret."""
    receiver = receivers([200])
    app = create_app(world.settings, engine=world.engine, cipher=world.cipher)
    with world.factory() as s, s.begin():
        acc = make_account(
            AccountService(s, settings=world.settings, cipher=world.cipher),
            "admin.api",
            role="admin",
            office="PST",
        )
    with TestClient(app) as client:
        token = client.post(
            "/api/v1/auth/token",
            data={"username": "admin.api", "password": PASSWORD, "otp": acc.code()},
        ).json()["access_token"]
        h = {"Authorization": f"Bearer {token}"}
        made = client.post(
            "/api/v1/notification-channels",
            json={
                "office": "ngr",
                "kind": "webhook",
                "target": receiver.url,
                "kinds": ["overstay"],
            },
            headers=h,
        )
        assert made.status_code == 201, made.text
        secret = made.json()["secret"]
        assert len(secret) >= 40
        listed = client.get("/api/v1/notification-channels?office=NGR", headers=h).json()
        assert len(listed) == 1 and "secret" not in listed[0]

        raise_alert(world, kind="not-seen", severity="high")  # not a kind this channel wants
        alert_id = raise_alert(world)
        world.work()

        sent = client.get(
            f"/api/v1/notification-channels/{listed[0]['id']}/deliveries", headers=h
        ).json()
    assert [d["status"] for d in sent] == ["sent"]
    (got,) = receiver.requests
    assert got.path == "/hooks/pantau"
    assert check_signature(secret, got.headers, got.body)
    assert not check_signature("another secret", got.headers, got.body)
    assert got.headers["Idempotency-Key"] == got.headers["X-Pantau-Delivery"] == sent[0]["id"]
    doc = got.json()
    assert doc == {
        "delivery_id": sent[0]["id"],
        "event": "alert.raised",
        "alert": {
            "id": str(alert_id),
            "kind": "overstay",
            "severity": "high",
            "office": "NGR",
            "created_at": doc["alert"]["created_at"],
        },
        "url": f"https://pantau.example.go.id/console/alerts?status=active#alert-{alert_id}",
    }
    for value in PERSONAL:
        assert value.encode() not in got.body
    with world.factory() as s:  # the secret is stored encrypted, and the creation audited
        stored = s.scalar(sa.text("SELECT secret FROM notification_channel"))
        assert secret.encode() not in stored
        tags = s.scalars(sa.text("SELECT tag FROM audit_event")).all()
        assert "notifications:channel:create" in tags


def test_a_500_then_200_is_retried_and_sent_once(world, receivers):
    receiver = receivers([500, 200])
    _, secret = add_channel(world, "webhook", receiver.url)
    raise_alert(world)
    world.work()
    (d,) = deliveries(world)
    assert d.status == "sent" and d.attempts == 2 and d.last_error is None
    assert len(receiver.requests) == 2
    first, second = receiver.requests
    # The same delivery id and body in both tries: the receiver can drop a duplicate.
    assert first.headers["Idempotency-Key"] == second.headers["Idempotency-Key"] == str(d.id)
    assert first.body == second.body
    assert secret and check_signature(secret, second.headers, second.body)
    with world.factory() as s:
        job = s.execute(
            sa.text(
                "SELECT status, attempts FROM procrastinate_jobs "
                "WHERE task_name = 'notifications.deliver'"
            )
        ).one()
    assert tuple(job) == ("succeeded", 2)  # one job, run twice: procrastinate retried it
    world.work()  # nothing more to do: a sent delivery is never sent again
    assert len(receiver.requests) == 2


def test_an_unreachable_receiver_ends_failed_with_the_reason(world):
    add_channel(world, "webhook", f"http://127.0.0.1:{free_port()}/nobody-listens")
    raise_alert(world)
    world.work()
    (d,) = deliveries(world)
    assert d.status == "failed" and d.attempts == 3
    assert d.last_error.startswith("gave up after 3 tries: could not reach the receiver")


def test_a_slow_receiver_times_out_and_a_4xx_is_not_retried(world, receivers):
    slow = receivers([200], delay=1.5)
    refusing = receivers([403])
    add_channel(world, "webhook", slow.url)
    add_channel(world, "webhook", refusing.url)
    raise_alert(world)
    settings = world.settings.model_copy(
        update={"notify_timeout_seconds": 0.5, "notify_max_attempts": 2}
    )
    world.work(settings)
    reasons = sorted(d.last_error for d in deliveries(world))
    assert reasons == [
        "gave up after 2 tries: no answer within 0.5 s",
        "the receiver refused it with HTTP 403",
    ]
    assert len(refusing.requests) == 1


def test_a_failure_shows_on_the_channel_page(world):
    add_channel(world, "email", "kanim@imigrasi.example.go.id")
    raise_alert(world)
    world.work(world.settings.model_copy(update={"smtp_host": None}))
    app = create_app(world.settings, engine=world.engine, cipher=world.cipher)
    with world.factory() as s, s.begin():
        acc = make_account(
            AccountService(s, settings=world.settings, cipher=world.cipher),
            "admin.page",
            role="admin",
            office="PST",
        )
    with TestClient(app) as client:
        client.post(
            "/login", data={"username": "admin.page", "password": PASSWORD, "otp": acc.code()}
        )
        page = client.get("/console/notifications")
    assert page.status_code == 200
    assert "e-mail is not set up (PANTAU_SMTP_HOST is empty)" in page.text
    assert "delivery-failed" in page.text


def test_repeats_dismissed_and_rolled_back_alerts_send_nothing(world, smtp_server, receivers):
    box, _ = smtp_server
    receiver = receivers([200])
    add_channel(world, "email", "kanim@imigrasi.example.go.id", min_severity="low")
    add_channel(world, "webhook", receiver.url, min_severity="high")
    # A repeat of an open alert (deduplicated: more evidence) announces nothing.
    raise_alert(world, severity="low", key="overstay:same")
    raise_alert(world, severity="low", key="overstay:same")
    with world.factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Alert)) == 1
    assert [d.event for d in deliveries(world)] == ["raised"]  # e-mail only: low < high
    # A rolled-back alert leaves no delivery and no job.
    with world.factory() as s, s.begin(), pytest.raises(RuntimeError):
        store_then_fail(world, s)
    assert len(deliveries(world)) == 1
    # An alert dismissed before the worker ran is not announced.
    dismissed = raise_alert(world, severity="medium")
    with world.factory() as s, s.begin():
        officer = make_account(
            AccountService(s, settings=world.settings, cipher=world.cipher), "petugas.x"
        ).officer
        AlertService(s).act(
            dismissed, "dismiss", officer=officer, actor=TEST_ACTOR, reason="duplicate report"
        )
    world.work()
    by_alert = {d.alert_id: d for d in deliveries(world)}
    assert by_alert[dismissed].status == "skipped"
    assert by_alert[dismissed].last_error == "the alert was dismissed before it went out"
    assert len(box.messages) == 1 and receiver.requests == []
    with world.factory() as s:
        jobs = s.scalar(
            sa.text(
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'notifications.deliver'"
            )
        )
    assert jobs == 2


def test_an_escalation_is_announced_once(world, receivers):
    receiver = receivers([200])
    add_channel(world, "webhook", receiver.url, min_severity="high")
    alert_id = raise_alert(world, severity="medium", key="restricted-zone:p1")
    raise_alert(world, severity="high", key="restricted-zone:p1")
    raise_alert(world, severity="high", key="restricted-zone:p1")  # still high: a plain repeat
    world.work()
    (got,) = receiver.requests
    doc = got.json()
    assert doc["event"] == "alert.escalated" and doc["alert"]["severity"] == "high"
    assert doc["alert"]["id"] == str(alert_id)
    with world.factory() as s:
        assert s.get(Alert, alert_id).severity == "high"


def test_outbox_email_goes_through_the_same_smtp_sender(world, smtp_server):
    """The queue's one-time codes by e-mail: queued with the message, sent by the worker."""
    box, _ = smtp_server
    with world.factory() as s, s.begin():
        OutboxNotifier(s, cipher=world.cipher).send(
            Message(
                "email", "warga1@contoh.id", "Kode APPAPO", "kode verifikasi 123456", "queue:otp"
            )
        )
        OutboxNotifier(s, cipher=world.cipher).send(
            Message("sms", "081234567890", "", "kode verifikasi 654321", "queue:otp")
        )
    world.work()
    assert box.recipients == [["warga1@contoh.id"]]
    assert "123456" in box.messages[0].get_payload(decode=True).decode()
    with world.factory() as s:
        rows = {n.channel: n for n in s.scalars(sa.select(Notification))}
    assert rows["email"].sent_at is not None and rows["email"].attempts == 1
    assert rows["sms"].sent_at is None  # no SMS gateway yet: it stays in the outbox
    world.work()
    assert len(box.messages) == 1


def test_two_workers_at_once_send_each_delivery_once(world, receivers):
    """Two worker processes' worth of concurrency on ten deliveries: each arrives once."""
    receiver = receivers([200])
    add_channel(world, "webhook", receiver.url, min_severity="low")
    for _ in range(10):
        raise_alert(world)
    # The same deliveries queued a second time, as a requeue racing the first jobs would.
    from pantau.jobs import defer_in_transaction

    with world.factory() as s, s.begin():
        for d in s.scalars(sa.select(NotificationDelivery)):
            defer_in_transaction(s, "notifications.deliver", {"delivery_id": str(d.id)})
    import threading

    threads = [threading.Thread(target=world.work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    world.work()
    ids = [r.headers["X-Pantau-Delivery"] for r in receiver.requests]
    assert len(ids) == 10 and len(set(ids)) == 10
    assert {d.status for d in deliveries(world)} == {"sent"}


def test_an_alert_is_stored_even_when_its_notifications_cannot_be_queued(world):
    """The job queue broken (its defer function gone): the alert still reaches the inbox."""
    add_channel(world, "email", "kanim@imigrasi.example.go.id")
    with world.factory() as s, s.begin():
        s.execute(sa.text("ALTER FUNCTION procrastinate_defer_jobs_v1 RENAME TO broken_defer"))
    try:
        alert_id = raise_alert(world)
    finally:
        with world.factory() as s, s.begin():
            s.execute(sa.text("ALTER FUNCTION broken_defer RENAME TO procrastinate_defer_jobs_v1"))
    with world.factory() as s:
        assert s.get(Alert, alert_id) is not None
    assert deliveries(world) == []


def test_a_delivery_left_without_a_job_is_queued_again(world, receivers):
    """Its job gone (failed on a bug, or lost): the periodic requeue gives it a new one."""
    from pantau.jobs import job_app

    receiver = receivers([200])
    add_channel(world, "webhook", receiver.url)
    raise_alert(world)
    with world.factory() as s, s.begin():
        s.execute(
            sa.text("DELETE FROM procrastinate_jobs WHERE task_name = 'notifications.deliver'")
        )
        s.execute(
            sa.text("UPDATE notification_delivery SET created_at = now() - interval '1 hour'")
        )
    # No worker runs here: a worker's periodic deferrer may queue the requeue itself, at any
    # ten-minute tick, which made "nothing is sent without a job" depend on the clock.
    with world.factory() as s:
        jobs = s.scalar(
            sa.text(
                "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'notifications.deliver'"
            )
        )
    assert jobs == 0 and receiver.requests == [] and deliveries(world)[0].status == "pending"
    app = job_app(world.engine)
    with app.open():
        app.tasks["notifications.requeue"].defer(timestamp=1)
    world.work()
    assert len(receiver.requests) == 1 and deliveries(world)[0].status == "sent"
