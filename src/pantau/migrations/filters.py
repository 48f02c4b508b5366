"""Which database objects Alembic compares with the models."""

from __future__ import annotations


def include_name(name: str | None, type_: str, parent_names: object) -> bool:  # noqa: ARG001 - Alembic hook signature
    """procrastinate's tables come from its own schema (migration 0002_jobs), not from models."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))
