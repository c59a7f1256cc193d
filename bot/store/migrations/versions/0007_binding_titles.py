"""bindings.title: the title of the incident the bot opened for the channel, kept on its card

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add bindings.title (none for incidents linked, or opened before this)."""
    with op.batch_alter_table("bindings") as batch:
        batch.add_column(sa.Column("title", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop bindings.title."""
    with op.batch_alter_table("bindings") as batch:
        batch.drop_column("title")
