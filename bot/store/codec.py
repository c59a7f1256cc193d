"""Rows to records and back: outcomes, submissions, stored updates, delivery reports."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping

from bot.domain.models import (
    Accepted,
    DeliveryStatus,
    Outcome,
    Refused,
    Retry,
    Source,
    Submission,
    Target,
    Unclear,
    Update,
)
from bot.domain.operations import Impact, Opening, Operation, Subject
from bot.domain.records import DeliveryReport, StoredUpdate
from bot.domain.states import ProviderName, State


def outcome_columns(outcome: Outcome) -> dict[str, Any]:
    """The delivery columns that remember an outcome."""
    columns: dict[str, Any] = {
        "outcome_kind": type(outcome).__name__.lower(),
        "error_text": None,
        "error_status": None,
        "field_errors": None,
        "retry_after_seconds": None,
    }
    match outcome:
        case Accepted(provider_update_id=remote_id):
            columns["provider_update_id"] = remote_id
        case Refused(status=status, message=message, field_errors=fields):
            columns |= {"error_text": message, "error_status": status}
            columns["field_errors"] = {k: list(v) for k, v in fields.items()} or None
        case Retry(reason=reason, after_seconds=after, status=status):
            columns |= {"error_text": reason, "error_status": status, "retry_after_seconds": after}
        case Unclear(reason=reason):
            columns["error_text"] = reason
    return columns


def outcome_of(row: RowMapping) -> Outcome | None:
    """The last outcome a delivery row remembers, or None before any."""
    kind = row["outcome_kind"]
    text = row["error_text"] or ""
    if kind == "accepted":
        return Accepted(row["provider_update_id"] or "")
    if kind == "refused":
        fields: Mapping[str, Sequence[str]] = row["field_errors"] or {}
        errors = {key: tuple(values) for key, values in fields.items()}
        return Refused(row["error_status"], text, errors)
    if kind == "retry":
        return Retry(text, row["retry_after_seconds"], row["error_status"])
    if kind == "unclear":
        return Unclear(text)
    return None


def target_of(row: RowMapping) -> Target:
    """The target a delivery row points at."""
    return Target(ProviderName(row["provider"]), row["incident_id"])


def stored_update(update_row: RowMapping, delivery_rows: Sequence[RowMapping]) -> StoredUpdate:
    """A StoredUpdate from its row and its delivery rows (targets, then skipped, in id order)."""
    operation = update_row["operation"]
    ordered = sorted(
        (r for r in delivery_rows if r["operation"] == operation), key=lambda r: r["id"]
    )
    skipped = DeliveryStatus.SKIPPED.value
    submission = Submission(
        update=Update(
            state=State(update_row["state"]),
            content=update_row["content"],
            published_at=update_row["published_at"],
            notify_subscribers=update_row["notify_subscribers"],
        ),
        targets=tuple(target_of(r) for r in ordered if r["status"] != skipped),
        source=Source(update_row["source"]),
        author=update_row["author"],
        channel_id=update_row["channel_id"],
        thread_ts=update_row["thread_ts"],
        skipped=tuple(target_of(r) for r in ordered if r["status"] == skipped),
        dedup_key=update_row["dedup_key"],
        operation=Operation(update_row["operation"]),
        opening=opening_of(update_row["details"]),
        subject=subject_of(update_row["details"]),
    )
    return StoredUpdate(
        id=update_row["id"], submission=submission, created_at=update_row["created_at"]
    )


def delivery_report(update: StoredUpdate, row: RowMapping, now: datetime) -> DeliveryReport:
    """A delivery row as a report; `next_attempt_in` only while a retry is pending."""
    status = DeliveryStatus(row["status"])
    next_at = row["next_attempt_at"]
    waiting = status is DeliveryStatus.PENDING and row["attempts"] > 0 and next_at is not None
    return DeliveryReport(
        update=update,
        delivery_id=row["id"],
        target=target_of(row),
        status=status,
        attempts=row["attempts"],
        outcome=outcome_of(row),
        next_attempt_in=max(0.0, (next_at - now).total_seconds()) if waiting else None,
        provider_update_id=row["provider_update_id"],
        skipped_reason=row["skipped_reason"],
        operation=Operation(row["operation"]),
    )


def details_of(submission: Submission) -> dict[str, Any] | None:
    """The `details` column of an update: what to open, or which update to edit or delete."""
    if submission.opening is not None:
        opening = submission.opening
        return {
            "title": opening.title,
            "impact": opening.impact.value,
            "message": opening.message,
            "components": list(opening.component_ids),
            "monitors": list(opening.monitor_ids),
            "notify": opening.notify_subscribers,
        }
    if submission.subject is not None:
        subject = submission.subject
        return {
            "delivery": subject.delivery_id,
            "remote_id": subject.remote_id,
            "receipt_ts": subject.receipt_ts,
        }
    return None


def opening_of(details: Mapping[str, Any] | None) -> Opening | None:
    """The incident to open that an update's details describe, if they describe one."""
    if details is None or "title" not in details:
        return None
    return Opening(
        title=details["title"],
        impact=Impact(details["impact"]),
        message=details["message"],
        component_ids=tuple(details["components"]),
        monitor_ids=tuple(details["monitors"]),
        notify_subscribers=bool(details["notify"]),
    )


def subject_of(details: Mapping[str, Any] | None) -> Subject | None:
    """The published update that an update's details name, if they name one."""
    if details is None or "delivery" not in details:
        return None
    return Subject(details["delivery"], details["remote_id"], details["receipt_ts"])
