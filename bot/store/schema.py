"""The tables: bindings, updates, deliveries, seen_events, reminders, workers, reactions."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from bot.store.timeutil import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_Id = BigInteger().with_variant(Integer(), "sqlite")
# `<status-page-uuid>/<incident-uuid>` (73 characters) is the longest incident id.
INCIDENT_ID_LENGTH = 80

bindings = Table(
    "bindings",
    metadata,
    Column("channel_id", String(32), primary_key=True),
    Column("card_ts", String(32)),
    Column("current_state", String(16)),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("title", Text),
)

binding_targets = Table(
    "binding_targets",
    metadata,
    Column(
        "channel_id",
        String(32),
        ForeignKey("bindings.channel_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("provider", String(16), primary_key=True),
    Column("incident_id", String(INCIDENT_ID_LENGTH), nullable=False),
)

updates = Table(
    "updates",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("author", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("content", Text, nullable=False),
    Column("published_at", UtcDateTime),
    Column("notify_subscribers", Boolean),
    Column("source", String(16), nullable=False),
    Column("channel_id", String(32)),
    Column("thread_ts", String(32)),
    Column("dedup_key", String(255), unique=True),
    Column("announced", Boolean, nullable=False),
    Column("announce_after", UtcDateTime),
    Column("operation", String(16), nullable=False, server_default="publish"),
    Column("details", JSON),
    Index(None, "channel_id", "id"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("update_id", _Id, ForeignKey("updates.id", ondelete="CASCADE"), nullable=False),
    Column("provider", String(16), nullable=False),
    Column("incident_id", String(INCIDENT_ID_LENGTH), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("first_attempt_at", UtcDateTime),
    Column("lease_owner", String(128)),
    Column("lease_expires_at", UtcDateTime),
    Column("needs_reconcile", Boolean, nullable=False),
    Column("provider_update_id", String(128)),
    Column("outcome_kind", String(16)),
    Column("error_text", Text),
    Column("error_status", Integer),
    Column("field_errors", JSON),
    Column("retry_after_seconds", Float),
    Column("skipped_reason", Text),
    Column("finished_at", UtcDateTime),
    Column("outcome_seq", Integer, nullable=False),
    Column("reported_seq", Integer, nullable=False),
    Column("reported_status", String(16)),
    Column("report_after", UtcDateTime),
    Column("operation", String(16), nullable=False, server_default="publish"),
    Column("subject_id", String(128)),
    Column("waits_for", _Id, ForeignKey("deliveries.id", ondelete="SET NULL")),
    # A retry of a delivery whose end was unclear looks for the update from this time on.
    Column("check_since", UtcDateTime),
    UniqueConstraint("update_id", "provider", "incident_id", "operation"),
    Index(None, "waits_for"),
    Index(None, "status", "next_attempt_at"),
    Index(None, "status", "lease_expires_at"),
    Index(None, "provider", "incident_id", "provider_update_id"),
)

seen_events = Table(
    "seen_events",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("expires_at", UtcDateTime, nullable=False),
    Index(None, "expires_at"),
)

# Reactions Slack was told were received, until one has been turned into an update (or into
# the reason it publishes nothing); a row still here once `due_at` has passed is taken over.
received_reactions = Table(
    "received_reactions",
    metadata,
    Column("event_id", String(255), primary_key=True),
    Column("user_id", String(32), nullable=False),
    Column("emoji", String(100), nullable=False),
    Column("channel_id", String(32), nullable=False),
    Column("message_ts", String(32), nullable=False),
    Column("bot_user_id", String(32)),
    Column("item_user", String(32)),
    Column("due_at", UtcDateTime, nullable=False),
    Index(None, "due_at"),
)

reminders = Table(
    "reminders",
    metadata,
    Column(
        "channel_id",
        String(32),
        ForeignKey("bindings.channel_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("due_at", UtcDateTime, nullable=False),
    Column("snoozed_until", UtcDateTime),
    Column("last_fired_at", UtcDateTime),
    Index(None, "due_at"),
)

workers = Table(
    "workers",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("started_at", UtcDateTime, nullable=False),
    Column("beat_at", UtcDateTime, nullable=False),
    Index(None, "beat_at"),
)
