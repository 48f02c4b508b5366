"""jobs: procrastinate's queue tables, functions and triggers

Revision ID: 0002_jobs
Revises: 0001
Create Date: 2026-11-28

procrastinate's schema is applied as the library ships it (pinned to 3.10 in pyproject). Upgrading
procrastinate to a release with schema changes needs a migration here running its SQL migration files.
"""

from collections.abc import Sequence

from alembic import op
from procrastinate.schema import SchemaManager

revision: str = "0002_jobs"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Executed on the raw psycopg connection: the SQL contains '%' and ':' that SQLAlchemy's text()
    # would take for parameters.
    op.get_bind().connection.driver_connection.execute(SchemaManager.get_schema())  # type: ignore[union-attr]


def downgrade() -> None:
    op.execute(
        "DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, "
        "procrastinate_jobs, procrastinate_workers CASCADE"
    )
    op.execute(
        "DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type, "
        "procrastinate_job_status CASCADE"
    )
