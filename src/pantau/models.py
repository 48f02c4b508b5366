"""Every table, imported in one place so that Alembic and the tests see the whole schema.

A new domain adds its models module here."""

from pantau.accounts.models import Officer, OfficerSession
from pantau.alerts.geofence import Geofence
from pantau.alerts.models import Alert
from pantau.audit.models import AuditEvent
from pantau.cases.models import Action, Case, CaseEntry, Report, ReportPhoto
from pantau.cases.operations import Operation
from pantau.db import Base
from pantau.notifications.models import NotificationChannel, NotificationDelivery
from pantau.notify import Notification
from pantau.people.models import (
    BanEntry,
    Passport,
    Person,
    Refusal,
    StatusChange,
    Stay,
    Sticker,
)
from pantau.queue.models import (
    Booking,
    QueueClosure,
    QueueCounter,
    QueueOffice,
    QueueOpening,
    QueueQuota,
    QueueSession,
    QueueSlot,
    QueueStrike,
)
from pantau.ratelimit import RateLimitHit
from pantau.reference.models import Checkpoint, Office, OfficeRegion, Region
from pantau.scans.models import Scan
from pantau.stickers.models import SigningKey

__all__ = [
    "Action",
    "Alert",
    "AuditEvent",
    "BanEntry",
    "Base",
    "Booking",
    "Case",
    "CaseEntry",
    "Checkpoint",
    "Geofence",
    "Notification",
    "NotificationChannel",
    "NotificationDelivery",
    "Office",
    "OfficeRegion",
    "Officer",
    "OfficerSession",
    "Operation",
    "Passport",
    "Person",
    "QueueClosure",
    "QueueCounter",
    "QueueOffice",
    "QueueOpening",
    "QueueQuota",
    "QueueSession",
    "QueueSlot",
    "QueueStrike",
    "RateLimitHit",
    "Refusal",
    "Region",
    "Report",
    "ReportPhoto",
    "Scan",
    "SigningKey",
    "StatusChange",
    "Stay",
    "Sticker",
]
