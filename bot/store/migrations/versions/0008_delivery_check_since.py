"""deliveries.check_since: a retry of an unclear delivery looks for the update from then on

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add deliveries.check_since (none: look from the delivery's own first attempt)."""
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("check_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop deliveries.check_since."""
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("check_since")
