"""scan partitioned by month (device_time), scan_key for client-UUID idempotency

Revision ID: 0014_scan_partitions
Revises: 0013_audit_append
Create Date: 2026-11-29 21:00:00

The table is rebuilt as a partitioned one (PostgreSQL cannot convert in place): the old table is
renamed, the new one created with its indexes on the parent (so on every partition), monthly
partitions made for every month holding data and for this month and the next two, plus a default
partition; rows and their keys are copied and the old table dropped. See scans/partitions.py for
why the dedup table.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from pantau.scans import partitions

revision: str = "0014_scan_partitions"
down_revision: str | None = "0013_audit_append"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    "id, serial, stay_id, person_id, verdict, kind, device_time, fix_time, received_at, lat, lon, "
    "accuracy_m, device, scanner_id, scanner_role, scanner_office, flags, qr_text, result, "
    "region_code"
)
INDEXES = {
    "ix_scan_person_time": ["person_id", "device_time"],
    "ix_scan_serial": ["serial"],
    "ix_scan_stay_time": ["stay_id", "device_time"],
    "ix_scan_region_time": ["region_code", "device_time"],
}


def _columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("serial", sa.String(length=24), nullable=True),
        sa.Column("stay_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fix_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("accuracy_m", sa.Double(), nullable=True),
        sa.Column("device", sa.String(length=100), nullable=False),
        sa.Column("scanner_id", sa.Uuid(), nullable=False),
        sa.Column("scanner_role", sa.String(length=16), nullable=False),
        sa.Column("scanner_office", sa.String(length=8), nullable=False),
        sa.Column("flags", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("qr_text", sa.Text(), nullable=True),
        sa.Column("result", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("region_code", sa.String(length=4), nullable=True),
    ]


def _rebuild(partitioned: bool) -> None:
    conn = op.get_bind()
    for name in INDEXES:
        op.drop_index(name, table_name="scan")
    op.rename_table("scan", "scan_old")
    op.execute("ALTER TABLE scan_old RENAME CONSTRAINT pk_scan TO pk_scan_old")
    for fk in ("fk_scan_person_id_person", "fk_scan_scanner_id_officer", "fk_scan_stay_id_stay"):
        op.execute(f"ALTER TABLE scan_old RENAME CONSTRAINT {fk} TO {fk}_old")
    op.create_table(
        "scan",
        *_columns(),
        sa.CheckConstraint("kind IN ('check','check-in','check-out','exit')", name="ck_scan_kind"),
        sa.CheckConstraint("accuracy_m IS NULL OR accuracy_m >= 0", name="ck_scan_accuracy"),
        sa.CheckConstraint("lat IS NULL OR lat BETWEEN -90 AND 90", name="ck_scan_lat"),
        sa.CheckConstraint("lon IS NULL OR lon BETWEEN -180 AND 180", name="ck_scan_lon"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name="fk_scan_person_id_person"),
        sa.ForeignKeyConstraint(["scanner_id"], ["officer.id"], name="fk_scan_scanner_id_officer"),
        sa.ForeignKeyConstraint(["stay_id"], ["stay.id"], name="fk_scan_stay_id_stay"),
        sa.PrimaryKeyConstraint(
            *(("id", "device_time") if partitioned else ("id",)), name="pk_scan"
        ),
        **({"postgresql_partition_by": "RANGE (device_time)"} if partitioned else {}),
    )
    for name, cols in INDEXES.items():
        op.create_index(name, "scan", cols, unique=False)
    if partitioned:
        op.execute(f"CREATE TABLE {partitions.DEFAULT} PARTITION OF scan DEFAULT")
        first, last = conn.execute(
            sa.text("SELECT min(device_time), max(device_time) FROM scan_old")
        ).one()
        now = datetime.now(UTC).date()
        partitions.ensure(
            conn, min(first.date(), now) if first else now, max(last.date(), now) if last else now
        )
        partitions.ensure_ahead(conn, now)
    op.execute(f"INSERT INTO scan ({COLUMNS}) SELECT {COLUMNS} FROM scan_old")
    op.drop_table("scan_old")


def upgrade() -> None:
    op.create_table(
        "scan_key",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scan_key"),
    )
    _rebuild(partitioned=True)
    op.execute("INSERT INTO scan_key (id, device_time) SELECT id, device_time FROM scan")


def downgrade() -> None:
    _rebuild(partitioned=False)
    op.drop_table("scan_key")
