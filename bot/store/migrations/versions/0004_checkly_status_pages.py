"""Checkly status-page incidents: longer incident ids, notify subscribers per update

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 00:00:01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("binding_targets", "deliveries")


def upgrade() -> None:
    """Widen incident ids to hold `<page-uuid>/<incident-uuid>`; add notify_subscribers."""
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "incident_id", type_=sa.String(80), existing_type=sa.String(64), nullable=False
            )
    with op.batch_alter_table("updates") as batch:
        batch.add_column(sa.Column("notify_subscribers", sa.Boolean(), nullable=True))


def downgrade() -> None:
    """Drop notify_subscribers; narrow incident ids again."""
    with op.batch_alter_table("updates") as batch:
        batch.drop_column("notify_subscribers")
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "incident_id", type_=sa.String(64), existing_type=sa.String(80), nullable=False
            )
