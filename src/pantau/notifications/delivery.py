"""Sending: alert deliveries to e-mail (SMTP) and webhooks (signed JSON over HTTPS), and the outbox's
e-mail messages through the same SMTP sender.

Each delivery is sent by one job holding the delivery's row lock (`FOR UPDATE SKIP LOCKED`) from the
status check until the outcome is committed, so however many workers run, one delivery is being sent
by at most one of them, and a delivery that is sent or failed is never sent again. What cannot be
ruled out is a crash after the receiver got the message and before the commit: the row is still
pending and the retry sends it again. Receivers dedupe on the delivery id, sent in every attempt (the
`Idempotency-Key` and `X-Pantau-Delivery` headers of a webhook, the `Message-ID` of an e-mail).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from pantau import __version__
from pantau.accounts.services import SecretCipher
from pantau.alerts.models import OPEN_STATES, Alert
from pantau.config import Settings
from pantau.db import utcnow
from pantau.notifications.models import Notification, NotificationChannel, NotificationDelivery
from pantau.notifications.services import SECRET_CONTEXT

log = logging.getLogger(__name__)
MAX_ERROR = 500


class DeliveryError(Exception):
    """A try failed; `transient` failures (timeouts, 5xx, 429, SMTP 4xx) are tried again."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class RetryLater(Exception):
    """Raised by a job after it recorded a transient failure: procrastinate runs it again after
    `retry_in` seconds (see `tasks.BackoffRetry`)."""

    def __init__(self, reason: str, retry_in: float) -> None:
        super().__init__(reason)
        self.retry_in = retry_in


def backoff(settings: Settings, attempts: int) -> float:
    """Wait before the next try after `attempts` tries: the base, doubling, at most an hour."""
    return float(min(settings.notify_retry_seconds * 2 ** max(attempts - 1, 0), 3600))


# --- what is sent ------------------------------------------------------------------------------
def alert_link(settings: Settings, alert_id: uuid.UUID) -> str:
    return f"{settings.public_url.rstrip('/')}/console/alerts?status=active#alert-{alert_id}"


def payload(settings: Settings, delivery: NotificationDelivery, alert: Alert) -> dict[str, Any]:
    """The webhook document: what happened and where to look, never who (no names, passport
    numbers or summaries; the receiver follows the link and signs in)."""
    return {
        "delivery_id": str(delivery.id),
        "event": f"alert.{delivery.event}",
        "alert": {
            "id": str(alert.id),
            "kind": alert.kind,
            "severity": delivery.severity,
            "office": alert.office_code,
            "created_at": alert.created_at.isoformat(),
        },
        "url": alert_link(settings, alert.id),
    }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under the channel's secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def post_webhook(
    settings: Settings, url: str, secret: str, delivery_id: uuid.UUID, doc: dict[str, Any]
) -> int:
    body = json.dumps(doc, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"Pantau/{__version__}",
        "X-Pantau-Event": str(doc["event"]),
        "X-Pantau-Delivery": str(delivery_id),
        "Idempotency-Key": str(delivery_id),
        "X-Pantau-Timestamp": timestamp,
        "X-Pantau-Signature": sign(secret, timestamp, body),
    }
    limit = settings.notify_timeout_seconds
    try:
        response = httpx.post(
            url, content=body, headers=headers, timeout=httpx.Timeout(limit), follow_redirects=False
        )
    except httpx.TimeoutException:
        raise DeliveryError(f"no answer within {limit:g} s", transient=True) from None
    except httpx.HTTPError as exc:
        raise DeliveryError(f"could not reach the receiver: {exc}", transient=True) from None
    code = response.status_code
    if 200 <= code < 300:
        return code
    if code >= 500 or code in (408, 425, 429):
        raise DeliveryError(f"the receiver answered HTTP {code}", transient=True)
    if 300 <= code < 400:
        raise DeliveryError(
            f"the receiver redirected (HTTP {code}); redirects are not followed, set the final URL",
            transient=False,
        )
    raise DeliveryError(f"the receiver refused it with HTTP {code}", transient=False)


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str
    message_id: str  # the same in every try, so that receivers can drop a duplicate


def send_mail(settings: Settings, mail: Mail) -> None:
    if not settings.smtp_host:
        raise DeliveryError("e-mail is not set up (PANTAU_SMTP_HOST is empty)", transient=False)
    msg = EmailMessage()
    msg["From"] = settings.smtp_from
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Message-ID"] = mail.message_id
    msg.set_content(mail.body)
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.notify_timeout_seconds
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [c for c, _ in exc.recipients.values()]
        raise DeliveryError(
            f"the SMTP server refused the recipient ({codes[0] if codes else '?'})",
            transient=all(400 <= c < 500 for c in codes),
        ) from None
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(
            f"the SMTP server answered {exc.smtp_code}: {_text(exc.smtp_error)}",
            transient=400 <= exc.smtp_code < 500,
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(
            f"could not reach the SMTP server: {exc or type(exc).__name__}", transient=True
        ) from None


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def alert_mail(settings: Settings, delivery: NotificationDelivery, alert: Alert, to: str) -> Mail:
    """A short bilingual note with the link (no personal data, as in the webhook)."""
    link = alert_link(settings, alert.id)
    verb_id, verb_en = (
        ("naik tingkat menjadi", "escalated to")
        if delivery.event == "escalated"
        else ("baru, tingkat", "raised, severity")
    )
    when = alert.created_at.strftime("%Y-%m-%d %H:%M UTC")
    body = (
        f"Peringatan {alert.kind} untuk kantor {alert.office_code} ({verb_id} {delivery.severity}).\n"
        f"Dibuat {when}. Buka Pantau untuk rinciannya:\n{link}\n\n"
        f"Alert {alert.kind} for office {alert.office_code} ({verb_en} {delivery.severity}).\n"
        f"Created {when}. Open Pantau for the details:\n{link}\n"
    )
    subject = f"[Pantau] {delivery.severity.upper()} {alert.kind} ({alert.office_code})"
    return Mail(to, subject, body, f"<{delivery.id}@pantau>")


# --- jobs --------------------------------------------------------------------------------------
def deliver(
    settings: Settings,
    factory: sessionmaker[Session],
    cipher: SecretCipher,
    delivery_id: uuid.UUID,
) -> str:
    """Try one delivery; returns its status (or `busy` when another worker holds it). Raises
    RetryLater after recording a transient failure that has tries left."""
    retry: RetryLater | None = None
    with factory() as session, session.begin():
        delivery = session.scalar(
            sa.select(NotificationDelivery)
            .where(NotificationDelivery.id == delivery_id)
            .with_for_update(skip_locked=True)
        )
        if delivery is None:
            busy = session.get(NotificationDelivery, delivery_id) is not None
            return "busy" if busy else "gone"
        if delivery.status != "pending":
            return delivery.status  # already done by an earlier run
        channel = session.get(NotificationChannel, delivery.channel_id)
        alert = session.get(Alert, delivery.alert_id)
        assert channel is not None  # foreign keys
        assert alert is not None
        if alert.status not in OPEN_STATES:
            delivery.status = "skipped"
            delivery.last_error = f"the alert was {alert.status} before it went out"
            return delivery.status
        delivery.attempts += 1
        delivery.last_attempt_at = utcnow()
        try:
            if not channel.enabled:
                raise DeliveryError("the channel was disabled", transient=False)
            if channel.kind == "webhook":
                assert channel.secret is not None
                secret = cipher.decrypt(channel.secret, SECRET_CONTEXT)
                doc = payload(settings, delivery, alert)
                post_webhook(settings, channel.target, secret, delivery.id, doc)
            else:
                send_mail(settings, alert_mail(settings, delivery, alert, channel.target))
        except DeliveryError as exc:
            reason = exc.reason[:MAX_ERROR]
            if exc.transient and delivery.attempts < settings.notify_max_attempts:
                delivery.last_error = reason
                retry = RetryLater(reason, backoff(settings, delivery.attempts))
            else:
                delivery.status = "failed"
                delivery.last_error = (
                    f"gave up after {delivery.attempts} tries: {reason}"
                    if exc.transient
                    else reason
                )
                log.warning("notification %s failed: %s", delivery.id, delivery.last_error)
        else:
            delivery.status = "sent"
            delivery.sent_at = utcnow()
            delivery.last_error = None
        status = delivery.status
    if retry is not None:  # the failed try is committed; procrastinate schedules the next
        raise retry
    return status


def send_outbox_mail(
    settings: Settings,
    factory: sessionmaker[Session],
    cipher: SecretCipher,
    notification_id: uuid.UUID,
) -> str:
    """Send one e-mail of the outbox (the queue's one-time codes and confirmations)."""
    retry: RetryLater | None = None
    return_status = "pending"
    with factory() as session, session.begin():
        row = session.scalar(
            sa.select(Notification)
            .where(Notification.id == notification_id)
            .with_for_update(skip_locked=True)
        )
        if row is None:
            return "busy-or-gone"
        if row.sent_at is not None or row.channel != "email":
            return "nothing-to-do"
        if not settings.smtp_host:
            return "not-configured"  # it stays in the outbox (the demo reads it there)
        if row.attempts >= settings.notify_max_attempts:
            return "failed"
        dec = cipher.decrypt
        mail = Mail(
            dec(row.recipient, "notification.recipient"),
            dec(row.subject, "notification.subject"),
            dec(row.body, "notification.body"),
            f"<{row.id}@pantau>",
        )
        row.attempts += 1
        try:
            send_mail(settings, mail)
        except DeliveryError as exc:
            row.last_error = exc.reason[:MAX_ERROR]
            if exc.transient and row.attempts < settings.notify_max_attempts:
                retry = RetryLater(exc.reason, backoff(settings, row.attempts))
            else:
                row.attempts = max(row.attempts, settings.notify_max_attempts)
                log.warning("outbox message %s not sent: %s", row.id, exc.reason)
                return_status = "failed"
        else:
            row.sent_at = utcnow()
            row.last_error = None
            return_status = "sent"
    if retry is not None:
        raise retry
    return return_status
