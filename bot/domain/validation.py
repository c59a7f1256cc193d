"""An update against its targets: the problems a person must fix, field by field."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from bot.domain.models import Target, Update
from bot.domain.states import ProviderName
from bot.domain.targets import lacking, states_of, takes_publish_time, takes_state
from bot.domain.text import forbidden_character, has_visible_text

PHARE_MAX_CONTENT = 10_000


class Field(StrEnum):
    """The parts of an update a person fills in."""

    STATE = "state"
    CONTENT = "content"
    TARGETS = "targets"
    PUBLISHED_AT = "published_at"


@dataclass(frozen=True)
class FieldError:
    """One problem with one field, in words for the person who typed it."""

    field: Field
    message: str


def validate(update: Update, targets: Sequence[Target]) -> list[FieldError]:
    """Every problem with sending this update to these targets; empty when it may go."""
    errors: list[FieldError] = []
    if not targets:
        errors.append(FieldError(Field.TARGETS, "Choose at least one incident to update."))
    errors.extend(_content_errors(update.content, targets))
    errors.extend(_state_errors(update, targets))
    errors.extend(_published_at_errors(update.published_at, targets))
    return errors


def lacking_state(update: Update, targets: Sequence[Target]) -> list[Target]:
    """The targets whose incident has no such state."""
    return [t for t in targets if not takes_state(t, update.state)]


def _content_errors(content: str, targets: Sequence[Target]) -> list[FieldError]:
    """Empty, invalid or too long for a chosen provider."""
    if not has_visible_text(content):
        return [FieldError(Field.CONTENT, "Write a message: it is empty.")]
    bad = forbidden_character(content)
    if bad is not None:
        return [FieldError(Field.CONTENT, f"The message contains {bad}; remove it.")]
    uses_phare = any(t.provider is ProviderName.PHARE for t in targets)
    if uses_phare and len(content) > PHARE_MAX_CONTENT:
        return [
            FieldError(
                Field.CONTENT,
                f"Phare takes at most {PHARE_MAX_CONTENT:,} characters; "
                f"this message has {len(content):,}.",
            )
        ]
    return []


def _state_errors(update: Update, targets: Sequence[Target]) -> list[FieldError]:
    """A state that a chosen provider lacks: never mapped silently to another."""
    errors = []
    seen: set[str] = set()
    for target in sorted(lacking_state(update, targets)):
        reason = str(lacking(target, update.state))
        if reason in seen:
            continue
        seen.add(reason)
        offered = ", ".join(s.value for s in states_of(target))
        errors.append(FieldError(Field.STATE, f"{reason} (it has: {offered})."))
    return errors


def _published_at_errors(
    published_at: datetime | None, targets: Sequence[Target]
) -> list[FieldError]:
    """A publish time needs a target that shows one, and a time zone."""
    if published_at is None:
        return []
    errors = []
    if published_at.tzinfo is None or published_at.utcoffset() is None:
        errors.append(FieldError(Field.PUBLISHED_AT, "Give the publish time with a time zone."))
    if not any(takes_publish_time(t) for t in targets):
        errors.append(
            FieldError(
                Field.PUBLISHED_AT,
                "Only Phare and Checkly status pages take a publish time; choose such an incident.",
            )
        )
    return errors


def parse_published_at(text: str) -> datetime:
    """An ISO 8601 time with a time zone; raise ValueError with a readable message."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        example = "2026-11-22T10:30:00+00:00"
        raise ValueError(f"{text!r} is not an ISO 8601 time (e.g. {example})") from None
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone (add Z or +01:00)")
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is out of range (years 1 to 9999 in UTC)") from None
    return value
