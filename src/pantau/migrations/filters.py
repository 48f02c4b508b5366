"""Which database objects Alembic compares with the models."""

from __future__ import annotations

import re

_PARTITION = re.compile(r"^scan_(\d{4}_\d{2}|default)$")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:  # noqa: ARG001 - Alembic hook signature
    """procrastinate's tables come from its own schema (migration 0002_jobs), not from models."""
    if type_ != "table":
        return True
    # scan's monthly partitions are made by the migration and the worker (scans/partitions.py).
    return not (name or "").startswith("procrastinate_") and not _PARTITION.match(name or "")
