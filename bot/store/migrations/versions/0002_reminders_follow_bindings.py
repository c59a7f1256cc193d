"""reminders follow their channel's binding: removed with it (unlink)

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02 00:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FK = "fk_reminders_channel_id_bindings"


def upgrade() -> None:
    """Drop reminders of unbound channels, then tie each reminder to its binding row."""
    op.execute("DELETE FROM reminders WHERE channel_id NOT IN (SELECT channel_id FROM bindings)")
    with op.batch_alter_table("reminders") as batch:
        batch.create_foreign_key(
            _FK, "bindings", ["channel_id"], ["channel_id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    """Untie reminders from bindings."""
    with op.batch_alter_table("reminders") as batch:
        batch.drop_constraint(_FK, type_="foreignkey")
