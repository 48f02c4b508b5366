"""Every table, imported in one place so that Alembic and the tests see the whole schema.

A new domain adds its models module here."""

from pantau.accounts.models import Officer, OfficerSession
from pantau.alerts.geofence import Geofence
from pantau.alerts.models import Alert
from pantau.audit.models import AuditEvent
from pantau.bans.models import BanEntry
from pantau.cases.models import Action, Case, CaseEntry
from pantau.db import Base
from pantau.notifications.models import Notification, NotificationChannel, NotificationDelivery
from pantau.operations.models import Operation
from pantau.people.models import Passport, Person
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
from pantau.reports.models import Report, ReportPhoto
from pantau.scans.models import Scan
from pantau.stays.models import Refusal, Stay
from pantau.stickers.models import SigningKey, StatusChange, Sticker

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
