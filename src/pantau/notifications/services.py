"""Channels managed by administrators, and deliveries queued with the alerts that cause them."""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from pantau.accounts.models import Officer
from pantau.accounts.services import SecretCipher
from pantau.alerts.models import SEVERITY_RANK, Alert
from pantau.audit.services import Actor, record_event
from pantau.config import Settings
from pantau.db import utcnow
from pantau.errors import NotFound, PantauError
from pantau.jobs import defer_in_transaction
from pantau.notifications.models import NotificationChannel, NotificationDelivery
from pantau.reference.models import Office

log = logging.getLogger(__name__)
DELIVER_TASK = "notifications.deliver"
SECRET_CONTEXT = "notification_channel.secret"  # noqa: S105 - the encryption context, not a secret
# A deliberately plain check (an address an office types): one @, no spaces, a dotted domain.
EMAIL = re.compile(
    r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def alert_kinds() -> list[str]:
    """Every kind the rules raise (a channel may name only these)."""
    from pantau.alerts.rules import VerdictRule, default_rules

    kinds = {r.kind for r in default_rules() if not isinstance(r, VerdictRule)}
    kinds.update(kind for kind, _, _ in VerdictRule.FINDINGS.values())
    return sorted(kinds)


# --- alert hook --------------------------------------------------------------------------------
def alert_stored(session: Session, alert: Alert, event: str) -> None:
    """The alert engine's hook (pantau.wiring.alert_engine): an alert was raised or escalated, in
    the engine's transaction.

    Queueing runs in a savepoint of its own: should it fail, the alert is still stored (and shown
    in the inbox) and the failure is logged; an alert matters more than its e-mail."""
    try:
        with session.begin_nested():
            queue_deliveries(session, alert, event)
    except Exception:
        log.exception("notifications of alert %s could not be queued", alert.id)


def queue_deliveries(session: Session, alert: Alert, event: str) -> list[uuid.UUID]:
    """One delivery per enabled channel of the alert's office that wants it, each with its job,
    written in the caller's transaction (a rolled-back alert notifies no one)."""
    channels = session.scalars(
        sa.select(NotificationChannel).where(
            NotificationChannel.office_code == alert.office_code, NotificationChannel.enabled
        )
    )
    queued = []
    for channel in channels:
        if not channel.wants(alert.kind, alert.severity):
            continue
        delivery_id = session.scalar(
            insert(NotificationDelivery)
            .values(
                id=uuid.uuid4(),
                channel_id=channel.id,
                alert_id=alert.id,
                event=event,
                severity=alert.severity,
                status="pending",
                attempts=0,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["channel_id", "alert_id", "event", "severity"])
            .returning(NotificationDelivery.id)
        )
        if delivery_id is None:  # this event was already announced to this channel
            continue
        defer_in_transaction(
            session,
            DELIVER_TASK,
            {"delivery_id": str(delivery_id)},
            lock=f"notification-delivery:{delivery_id}",
        )
        queued.append(delivery_id)
    return queued


# --- channels ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ChannelInput:
    office: str
    name: str
    kind: str
    target: str
    min_severity: str = "medium"
    kinds: Sequence[str] = ()
    enabled: bool = True


def _bad(code: str, en: str, id_: str, field: str) -> PantauError:
    return PantauError(code, en, id_, field=field)


def check_email(address: str) -> str:
    address = address.strip()
    if len(address) > 254 or not EMAIL.match(address):
        raise _bad(
            "bad_email",
            f"{address!r} is not an e-mail address (name@example.go.id).",
            f"{address!r} bukan alamat e-mail (nama@contoh.go.id).",
            "target",
        )
    return address


def check_webhook_url(url: str, settings: Settings) -> str:
    """https:// with a host; http:// only to this machine and never in production."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # raises on a malformed port
    except ValueError:
        parts, host = None, ""
    if parts is None or not host or parts.scheme not in ("https", "http") or len(url) > 2000:
        raise _bad(
            "bad_webhook_url",
            "The webhook URL must be an https:// address with a host.",
            "URL webhook harus berupa alamat https:// dengan nama host.",
            "target",
        )
    if parts.username or parts.password:
        raise _bad(
            "bad_webhook_url",
            "Put no user name or password in the webhook URL; receivers check the signature.",
            "Jangan cantumkan nama pengguna atau kata sandi di URL webhook; penerima memeriksa tanda tangan.",
            "target",
        )
    if parts.scheme == "http":
        local = host in LOCAL_HOSTS or _is_loopback(host)
        if settings.environment == "production" or not local:
            raise _bad(
                "webhook_needs_https",
                "The webhook URL must use https:// (plain http:// is allowed only to localhost "
                "outside production).",
                "URL webhook harus memakai https:// (http:// biasa hanya untuk localhost di luar "
                "produksi).",
                "target",
            )
    return url


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ChannelService:
    def __init__(self, session: Session, *, settings: Settings, cipher: SecretCipher) -> None:
        self.session = session
        self.settings = settings
        self.cipher = cipher

    def channels(self, office: str | None = None) -> list[NotificationChannel]:
        q = sa.select(NotificationChannel).order_by(
            NotificationChannel.office_code, NotificationChannel.created_at
        )
        if office:
            q = q.where(NotificationChannel.office_code == office.upper())
        return list(self.session.scalars(q))

    def get(self, channel_id: uuid.UUID) -> NotificationChannel:
        channel = self.session.get(NotificationChannel, channel_id)
        if channel is None:
            raise NotFound(
                "unknown_channel",
                "No such notification channel.",
                "Saluran notifikasi tidak ditemukan.",
            )
        return channel

    def deliveries(self, channel_id: uuid.UUID, *, limit: int = 50) -> list[NotificationDelivery]:
        return list(
            self.session.scalars(
                sa.select(NotificationDelivery)
                .where(NotificationDelivery.channel_id == channel_id)
                .order_by(NotificationDelivery.created_at.desc())
                .limit(limit)
            )
        )

    def _check(self, data: ChannelInput) -> tuple[str, str, str, list[str]]:
        office = data.office.strip().upper()
        if not office or self.session.get(Office, office) is None:
            raise _bad(
                "unknown_office",
                f"No office with code {office!r}.",
                f"Tidak ada kantor dengan kode {office!r}.",
                "office",
            )
        if data.kind == "email":
            target = check_email(data.target)
        elif data.kind == "webhook":
            target = check_webhook_url(data.target, self.settings)
        else:
            raise _bad(
                "bad_channel_kind",
                "kind is email or webhook.",
                "kind: email atau webhook.",
                "kind",
            )
        severity = self._check_severity(data.min_severity)
        kinds = self._check_kinds(data.kinds)
        return office, target, severity, kinds

    def _check_severity(self, severity: str) -> str:
        if severity not in SEVERITY_RANK:
            raise _bad(
                "bad_severity",
                "min_severity is low, medium or high.",
                "min_severity: low, medium, atau high.",
                "min_severity",
            )
        return severity

    def _check_kinds(self, kinds: Sequence[str]) -> list[str]:
        known = alert_kinds()
        unknown = sorted({k for k in kinds if k not in known})
        if unknown:
            raise _bad(
                "unknown_alert_kind",
                f"Unknown alert kind {', '.join(unknown)}; known: {', '.join(known)}.",
                f"Jenis peringatan tidak dikenal {', '.join(unknown)}; yang dikenal: "
                f"{', '.join(known)}.",
                "kinds",
            )
        return sorted(set(kinds))

    def create(
        self, data: ChannelInput, *, officer: Officer, actor: Actor
    ) -> tuple[NotificationChannel, str | None]:
        """The new channel and, for a webhook, its signing secret (shown this once)."""
        office, target, severity, kinds = self._check(data)
        name = data.name.strip() or target
        secret = secrets.token_urlsafe(32) if data.kind == "webhook" else None
        channel = NotificationChannel(
            office_code=office,
            name=name[:200],
            kind=data.kind,
            target=target,
            secret=self.cipher.encrypt(secret, SECRET_CONTEXT) if secret else None,
            min_severity=severity,
            kinds=kinds,
            enabled=data.enabled,
            created_by=officer.id,
        )
        self.session.add(channel)
        self.session.flush()
        record_event(
            self.session,
            "notifications:channel:create",
            actor=actor,
            target=f"notification_channel:{channel.id}",
            details={"office": office, "kind": data.kind, "target": target, "kinds": kinds},
        )
        return channel, secret

    def update(
        self,
        channel_id: uuid.UUID,
        *,
        actor: Actor,
        enabled: bool | None = None,
        min_severity: str | None = None,
        kinds: Sequence[str] | None = None,
    ) -> NotificationChannel:
        channel = self.get(channel_id)
        changes: dict[str, object] = {}
        if min_severity is not None:
            channel.min_severity = changes["min_severity"] = self._check_severity(min_severity)
        if kinds is not None:
            channel.kinds = self._check_kinds(kinds)
            changes["kinds"] = channel.kinds
        if enabled is not None:
            channel.enabled = changes["enabled"] = enabled
        channel.updated_at = utcnow()
        record_event(
            self.session,
            "notifications:channel:update",
            actor=actor,
            target=f"notification_channel:{channel.id}",
            details=changes,
        )
        return channel

    def rotate_secret(
        self, channel_id: uuid.UUID, *, actor: Actor
    ) -> tuple[NotificationChannel, str]:
        channel = self.get(channel_id)
        if channel.kind != "webhook":
            raise _bad(
                "no_secret",
                "Only webhooks have a signing secret.",
                "Hanya webhook yang memiliki rahasia penandatanganan.",
                "kind",
            )
        secret = secrets.token_urlsafe(32)
        channel.secret = self.cipher.encrypt(secret, SECRET_CONTEXT)
        channel.updated_at = utcnow()
        record_event(
            self.session,
            "notifications:channel:rotate-secret",
            actor=actor,
            target=f"notification_channel:{channel.id}",
        )
        return channel, secret
