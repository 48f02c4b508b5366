"""Every table, imported in one place so that Alembic and the tests see the whole schema.

A new domain adds its models module here."""

from pantau.accounts.models import Officer, OfficerSession
from pantau.alerts.models import Alert
from pantau.audit.models import AuditEvent
from pantau.db import Base
from pantau.people.models import (
    BanEntry,
    Passport,
    Person,
    Refusal,
    StatusChange,
    Stay,
    Sticker,
)
from pantau.reference.models import Checkpoint, Office
from pantau.scans.models import Scan
from pantau.stickers.models import SigningKey

__all__ = [
    "Alert",
    "AuditEvent",
    "BanEntry",
    "Base",
    "Checkpoint",
    "Office",
    "Officer",
    "OfficerSession",
    "Passport",
    "Person",
    "Refusal",
    "Scan",
    "SigningKey",
    "StatusChange",
    "Stay",
    "Sticker",
]
