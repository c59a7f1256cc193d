"""Incident ids and targets: only well-formed ids pass, in canonical form."""

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.ids import (
    InvalidId,
    parse_checkly_id,
    parse_incident_id,
    parse_phare_id,
    parse_target,
)
from bot.domain.models import Target
from bot.domain.states import ProviderName

INT64_MAX = 2**63 - 1


@given(st.integers(min_value=1, max_value=INT64_MAX))
def test_every_positive_int64_is_a_phare_id(number: int) -> None:
    assert parse_phare_id(str(number)) == str(number)


@given(st.text())
def test_phare_ids_are_exactly_ascii_digits_without_leading_zero(text: str) -> None:
    valid = (
        text.isascii() and text.isdigit() and not text.startswith("0") and int(text) <= INT64_MAX
    )
    if valid:
        assert parse_phare_id(text) == text
    else:
        with pytest.raises(InvalidId):
            parse_phare_id(text)


@pytest.mark.parametrize(
    "text", ["0", "042", "-1", "+5", "1_000", "1 ", "４２", "12#x", "%2F", "1e3", str(2**63), ""]
)
def test_phare_rejects(text: str) -> None:
    with pytest.raises(InvalidId, match="Phare incident id"):
        parse_phare_id(text)


@given(st.uuids(), st.booleans())
def test_checkly_ids_are_canonical_lower_case(value: uuid.UUID, upper: bool) -> None:
    text = str(value).upper() if upper else str(value)
    assert parse_checkly_id(text) == str(value)


@given(st.text())
def test_anything_checkly_accepts_is_a_canonical_uuid(text: str) -> None:
    try:
        parsed = parse_checkly_id(text)
    except InvalidId:
        return
    assert parsed == str(uuid.UUID(parsed))
    assert parsed == text.lower()


@pytest.mark.parametrize(
    "text",
    [
        "0b9d5d2e6f8e4c559d551c1f6a2b3c4d",
        "{0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d}",
        "urn:uuid:0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d",
        "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d\n",
        "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4g",
    ],
)
def test_checkly_rejects(text: str) -> None:
    with pytest.raises(InvalidId, match="not a UUID"):
        parse_checkly_id(text)


def test_error_shows_control_characters_visibly() -> None:
    with pytest.raises(InvalidId) as caught:
        parse_phare_id("42\r\nX: y")
    assert "\\r\\n" in str(caught.value)
    assert "\r" not in str(caught.value)


def test_parse_incident_id_dispatches_on_provider() -> None:
    assert parse_incident_id(ProviderName.PHARE, "7") == "7"
    upper = "0B9D5D2E-6F8E-4C55-9D55-1C1F6A2B3C4D"
    assert parse_incident_id(ProviderName.CHECKLY, upper) == upper.lower()


def test_parse_target() -> None:
    assert parse_target(" Phare:42 ") == Target(ProviderName.PHARE, "42")
    uid = "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d"
    assert str(parse_target(f"checkly:{uid.upper()}")) == f"checkly:{uid}"


@pytest.mark.parametrize("text", ["phare", "statuspage:1", "phare:abc", ":42", "checkly:42"])
def test_parse_target_rejects(text: str) -> None:
    with pytest.raises(InvalidId):
        parse_target(text)


def test_a_checkly_status_page_incident_is_two_uuids() -> None:
    page, incident = uuid.uuid4(), uuid.uuid4()
    target = parse_target(f"checkly:{str(page).upper()}/{incident}")
    assert target == Target(ProviderName.CHECKLY, f"{page}/{incident}")
    assert target.on_status_page
    assert target.kind == "Checkly status-page incident"
    assert not parse_target(f"checkly:{incident}").on_status_page


@pytest.mark.parametrize(
    "tail",
    [
        "/",
        "{page}/",
        "/{incident}",
        "{page}/{incident}/",
        "{page}/{incident}/x",
        "{page}/../{incident}",
        "{page}//{incident}",
        "{page}/{incident}?x=1",
        "{page}%2F{incident}",
        "{page} /{incident}",
    ],
)
def test_malformed_status_page_incidents_are_refused(tail: str) -> None:
    text = "checkly:" + tail.format(page=uuid.uuid4(), incident=uuid.uuid4())
    with pytest.raises(InvalidId, match="Checkly"):
        parse_target(text)
