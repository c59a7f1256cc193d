"""initial tables

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "bindings",
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("card_ts", sa.String(length=32), nullable=True),
        sa.Column("current_state", sa.String(length=16), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_bindings")),
    )
    op.create_table(
        "reminders",
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("snoozed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_reminders")),
    )
    op.create_index(op.f("ix_reminders_due_at"), "reminders", ["due_at"], unique=False)

    op.create_table(
        "seen_events",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_seen_events")),
    )
    op.create_index(op.f("ix_seen_events_expires_at"), "seen_events", ["expires_at"], unique=False)

    op.create_table(
        "updates",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("author", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("thread_ts", sa.String(length=32), nullable=True),
        sa.Column("dedup_key", sa.String(length=255), nullable=True),
        sa.Column("announced", sa.Boolean(), nullable=False),
        sa.Column("announce_after", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_updates")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_updates_dedup_key")),
    )
    op.create_index(op.f("ix_updates_channel_id_id"), "updates", ["channel_id", "id"], unique=False)

    op.create_table(
        "binding_targets",
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["bindings.channel_id"],
            name=op.f("fk_binding_targets_channel_id_bindings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel_id", "provider", name=op.f("pk_binding_targets")),
    )
    op.create_table(
        "deliveries",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "update_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("incident_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.String(length=128), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("needs_reconcile", sa.Boolean(), nullable=False),
        sa.Column("provider_update_id", sa.String(length=128), nullable=True),
        sa.Column("outcome_kind", sa.String(length=16), nullable=True),
        sa.Column("error_text", sa.Text(), nullable=True),
        sa.Column("error_status", sa.Integer(), nullable=True),
        sa.Column("field_errors", sa.JSON(), nullable=True),
        sa.Column("retry_after_seconds", sa.Float(), nullable=True),
        sa.Column("skipped_reason", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_seq", sa.Integer(), nullable=False),
        sa.Column("reported_seq", sa.Integer(), nullable=False),
        sa.Column("reported_status", sa.String(length=16), nullable=True),
        sa.Column("report_after", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["updates.id"],
            name=op.f("fk_deliveries_update_id_updates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint(
            "update_id",
            "provider",
            "incident_id",
            name=op.f("uq_deliveries_update_id_provider_incident_id"),
        ),
    )
    op.create_index(
        op.f("ix_deliveries_provider_incident_id_provider_update_id"),
        "deliveries",
        ["provider", "incident_id", "provider_update_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_deliveries_status_lease_expires_at"),
        "deliveries",
        ["status", "lease_expires_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_deliveries_status_next_attempt_at"),
        "deliveries",
        ["status", "next_attempt_at"],
        unique=False,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_deliveries_status_next_attempt_at"), table_name="deliveries")
    op.drop_index(op.f("ix_deliveries_status_lease_expires_at"), table_name="deliveries")
    op.drop_index(
        op.f("ix_deliveries_provider_incident_id_provider_update_id"), table_name="deliveries"
    )

    op.drop_table("deliveries")
    op.drop_table("binding_targets")
    op.drop_index(op.f("ix_updates_channel_id_id"), table_name="updates")

    op.drop_table("updates")
    op.drop_index(op.f("ix_seen_events_expires_at"), table_name="seen_events")

    op.drop_table("seen_events")
    op.drop_index(op.f("ix_reminders_due_at"), table_name="reminders")

    op.drop_table("reminders")
    op.drop_table("bindings")
