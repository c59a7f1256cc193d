"""Validation: every problem a person must fix, field by field, before anything is sent."""

from datetime import UTC, datetime

import pytest

from bot.domain.models import Target, Update
from bot.domain.states import ProviderName, State
from bot.domain.validation import Field, FieldError, lacking_state, parse_published_at, validate

PHARE = Target(ProviderName.PHARE, "42")
CHECKLY = Target(ProviderName.CHECKLY, "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d")


STATUS_PAGE = Target(
    ProviderName.CHECKLY,
    "6f1c1c1e-0000-4000-8000-000000000001/6f1c1c1e-0000-4000-8000-000000000002",
)


def fields(errors: list[FieldError]) -> list[Field]:
    """The fields that have problems."""
    return [e.field for e in errors]


def test_a_good_update_has_no_errors() -> None:
    assert validate(Update(State.MONITORING, "Watching."), [PHARE, CHECKLY]) == []


def test_no_targets() -> None:
    assert fields(validate(Update(State.MONITORING, "x"), [])) == [Field.TARGETS]


@pytest.mark.parametrize("content", ["", "   ", "\u200b"])
def test_empty_message(content: str) -> None:
    errors = validate(Update(State.MONITORING, content), [PHARE])
    assert errors == [FieldError(Field.CONTENT, "Write a message: it is empty.")]


def test_control_characters_are_refused() -> None:
    (error,) = validate(Update(State.MONITORING, "a\x00b"), [PHARE])
    assert error.message == "The message contains NUL; remove it."


def test_too_long_for_phare_only_when_phare_is_chosen() -> None:
    long = Update(State.MONITORING, "x" * 10_001)
    (error,) = validate(long, [PHARE, CHECKLY])
    assert error.message == "Phare takes at most 10,000 characters; this message has 10,001."
    assert validate(long, [CHECKLY]) == []
    assert validate(Update(State.MONITORING, "x" * 10_000), [PHARE]) == []


def test_a_state_a_provider_lacks_is_named() -> None:
    update = Update(State.MAINTENANCE, "Planned work.")
    (error,) = validate(update, [PHARE, CHECKLY])
    assert error.field is Field.STATE
    assert error.message.startswith("Phare has no 'maintenance' state (it has: unknown,")
    assert lacking_state(update, [PHARE, CHECKLY]) == [PHARE]


def test_publish_time_needs_a_zone_and_a_target_that_shows_one() -> None:
    naive = Update(State.MONITORING, "x", datetime(2026, 1, 1))
    assert fields(validate(naive, [CHECKLY])) == [Field.PUBLISHED_AT, Field.PUBLISHED_AT]
    aware = Update(State.MONITORING, "x", datetime(2026, 1, 1, tzinfo=UTC))
    assert validate(aware, [PHARE]) == []
    assert validate(aware, [STATUS_PAGE]) == []
    (error,) = validate(aware, [CHECKLY])
    assert error.message.startswith("Only Phare and Checkly status pages take a publish time")


def test_a_status_page_incident_has_no_maintenance_state() -> None:
    update = Update(State.MAINTENANCE, "Planned work.")
    (error,) = validate(update, [CHECKLY, STATUS_PAGE])
    assert error.message == (
        "A Checkly status page has no 'maintenance' state "
        "(it has: investigating, identified, monitoring, resolved)."
    )
    assert lacking_state(update, [PHARE, CHECKLY, STATUS_PAGE]) == [PHARE, STATUS_PAGE]


def test_parse_published_at() -> None:
    assert parse_published_at("2026-11-22T10:30:00Z") == datetime(2026, 11, 22, 10, 30, tzinfo=UTC)
    with pytest.raises(ValueError, match="no time zone"):
        parse_published_at("2026-11-22T10:30:00")
    with pytest.raises(ValueError, match="not an ISO 8601 time"):
        parse_published_at("tomorrow")
    with pytest.raises(ValueError, match="out of range"):
        parse_published_at("0001-01-01T00:30:00+01:00")
