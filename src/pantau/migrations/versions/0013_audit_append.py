"""audit_append(): one round trip appends a chained audit event

Revision ID: 0013_audit_append
Revises: 0012_low_s_stickers
Create Date: 2026-11-29 20:00:00

The chain link is computed inside the database, under the same transaction-scoped advisory lock as
before: the function takes the lock, reads the last hash (a VOLATILE function's statements each
take a fresh snapshot, so it sees the event committed by whoever held the lock before), and inserts
the row with hash = sha256(prev_hash || payload). The payload is the canonical JSON the
application builds and `pantau audit verify` rebuilds from the stored row, so verification is
unchanged. Three statements and their round trips (lock, read, insert) become one.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_audit_append"
down_revision: str | None = "0012_low_s_stickers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LOCK_KEY = 0x50414E544155  # pantau.audit.services._LOCK_KEY


def upgrade() -> None:
    op.execute(
        f"""
        CREATE FUNCTION audit_append(
            p_occurred_at timestamptz, p_actor_id uuid, p_actor text, p_tag text, p_target text,
            p_origin text, p_details jsonb, p_payload bytea,
            OUT id bigint, OUT prev_hash bytea, OUT hash bytea
        ) LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock({LOCK_KEY});
            SELECT e.hash INTO prev_hash FROM audit_event e ORDER BY e.id DESC LIMIT 1;
            prev_hash := coalesce(prev_hash, decode(repeat('00', 32), 'hex'));
            hash := sha256(prev_hash || p_payload);
            INSERT INTO audit_event AS e
                (occurred_at, actor_id, actor, tag, target, origin, details, prev_hash, hash)
            VALUES (p_occurred_at, p_actor_id, p_actor, p_tag, p_target, p_origin, p_details,
                    prev_hash, hash)
            RETURNING e.id INTO id;
        END
        $$
        """
    )


def downgrade() -> None:
    op.execute("DROP FUNCTION audit_append")
