"""received_reactions: reactions acknowledged to Slack and not yet turned into an update

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the received_reactions table."""
    op.create_table(
        "received_reactions",
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("emoji", sa.String(100), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("message_ts", sa.String(32), nullable=False),
        sa.Column("bot_user_id", sa.String(32), nullable=True),
        sa.Column("item_user", sa.String(32), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_received_reactions"),
    )
    op.create_index("ix_received_reactions_due_at", "received_reactions", ["due_at"])


def downgrade() -> None:
    """Drop the received_reactions table."""
    op.drop_index("ix_received_reactions_due_at", table_name="received_reactions")
    op.drop_table("received_reactions")
