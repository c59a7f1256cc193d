"""Operations: opening incidents, recovering them, editing and deleting published updates

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 00:00:01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_OLD_UNIQUE = "uq_deliveries_update_id_provider_incident_id"
_NEW_UNIQUE = "uq_deliveries_update_id_provider_incident_id_operation"


def upgrade() -> None:
    """What each update and delivery asks of its vendor, and what a delivery waits for."""
    with op.batch_alter_table("updates") as batch:
        batch.add_column(
            sa.Column("operation", sa.String(16), nullable=False, server_default="publish")
        )
        batch.add_column(sa.Column("details", sa.JSON(), nullable=True))
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(
            sa.Column("operation", sa.String(16), nullable=False, server_default="publish")
        )
        batch.add_column(sa.Column("subject_id", sa.String(128), nullable=True))
        batch.add_column(sa.Column("waits_for", _ID, nullable=True))
        batch.create_foreign_key(
            "fk_deliveries_waits_for_deliveries",
            "deliveries",
            ["waits_for"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index("ix_deliveries_waits_for", ["waits_for"])
        batch.drop_constraint(_OLD_UNIQUE, type_="unique")
        batch.create_unique_constraint(
            _NEW_UNIQUE, ["update_id", "provider", "incident_id", "operation"]
        )


def downgrade() -> None:
    """Back to updates only (rows of other operations are removed first)."""
    op.execute("DELETE FROM deliveries WHERE operation <> 'publish'")
    op.execute("DELETE FROM updates WHERE operation <> 'publish'")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint(_NEW_UNIQUE, type_="unique")
        batch.create_unique_constraint(_OLD_UNIQUE, ["update_id", "provider", "incident_id"])
        batch.drop_index("ix_deliveries_waits_for")
        batch.drop_constraint("fk_deliveries_waits_for_deliveries", type_="foreignkey")
        batch.drop_column("waits_for")
        batch.drop_column("subject_id")
        batch.drop_column("operation")
    with op.batch_alter_table("updates") as batch:
        batch.drop_column("details")
        batch.drop_column("operation")
