"""Every table, imported in one place so that Alembic and the tests see the whole schema.

A new domain adds its models module here."""

from pantau.accounts.models import Officer, OfficerSession
from pantau.audit.models import AuditEvent
from pantau.db import Base
from pantau.reference.models import Checkpoint, Office

__all__ = ["AuditEvent", "Base", "Checkpoint", "Office", "Officer", "OfficerSession"]
