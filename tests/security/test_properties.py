"""Fuzzing: the command-text parser, incident ids on their way into URLs, and the escape round trip.

The round trip is checked end to end: what a person types, escaped as Slack sends it, parsed,
validated, and sent by the real provider client, arrives at the provider byte for byte.
"""

import asyncio
import json
import uuid
from typing import Any, get_args
from urllib.parse import urlsplit

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from bot.config import ChecklySettings, PhareSettings
from bot.domain.ids import InvalidId, parse_target
from bot.domain.models import Accepted, Target, Update
from bot.domain.states import ProviderName, State
from bot.domain.text import escape_mrkdwn, forbidden_character, has_visible_text
from bot.domain.validation import validate
from bot.providers.checkly import ChecklyClient
from bot.providers.phare import PhareClient
from bot.slack.command_text import Link, Malformed, Parsed, Publish, parse_command_text

PARSED_KINDS = get_args(Parsed)
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ROUND_TRIPS = settings(FUZZ, max_examples=100)

# What people type: any text, weighted towards the characters that matter to Slack and URLs.
typed_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from("<>&!@#?%/.:;`*_~ \n\t\u200b\ufeff"),
    ),
    max_size=300,
)
message_text = typed_text.map(str.strip).filter(
    lambda t: has_visible_text(t) and forbidden_character(t) is None
)


@FUZZ
@given(typed_text)
def test_the_parser_takes_any_text_without_failing(text: str) -> None:
    parsed = parse_command_text(text)
    assert isinstance(parsed, PARSED_KINDS)
    if isinstance(parsed, Publish):
        assert parsed.message == parsed.message.strip()
        assert parsed.message


@FUZZ
@given(st.sampled_from(State), message_text, st.booleans())
def test_state_then_message_keeps_the_message_exactly(
    state: State, message: str, upper: bool
) -> None:
    word = state.value.upper() if upper else state.value
    assert parse_command_text(f"{word} {escape_mrkdwn(message)}") == Publish(state, message)


@FUZZ
@given(st.integers(1, 2**63 - 1), st.uuids(), st.booleans())
def test_link_names_canonical_targets_in_either_order(
    number: int, value: uuid.UUID, checkly_first: bool
) -> None:
    words = [f"phare:{number}", f"CHECKLY:{str(value).upper()}"]
    parsed = parse_command_text("link " + " ".join(reversed(words) if checkly_first else words))
    assert parsed == Link(
        (Target(ProviderName.PHARE, str(number)), Target(ProviderName.CHECKLY, str(value)))
    )


@FUZZ
@given(typed_text)
def test_link_with_any_text_binds_only_well_formed_ids(text: str) -> None:
    parsed = parse_command_text(f"link {text}")
    assert isinstance(parsed, Link | Malformed)
    if isinstance(parsed, Link):
        for target in parsed.targets:
            assert target.incident_id.isascii()
            assert "/" not in target.incident_id
            assert "%" not in target.incident_id


def _phare() -> PhareClient:
    """A Phare client that is never asked to send (only to prepare)."""
    return PhareClient(
        httpx.AsyncClient(), PhareSettings(api_token=SecretStr("t"), api_url="https://p.test")
    )


def _checkly() -> ChecklyClient:
    """A Checkly client that is never asked to send (only to prepare)."""
    checkly = ChecklySettings(api_key=SecretStr("k"), account_id="a", api_url="https://c.test")
    return ChecklyClient(httpx.AsyncClient(), checkly)


@FUZZ
@given(st.sampled_from(ProviderName), typed_text)
def test_no_typed_id_reaches_a_url_unparsed(provider: ProviderName, text: str) -> None:
    try:
        target = parse_target(f"{provider.value}:{text}")
    except InvalidId:
        return
    client = _phare() if provider is ProviderName.PHARE else _checkly()
    url = urlsplit(client.prepare(Update(State.MONITORING, "x"), target.incident_id).url)
    assert (url.query, url.fragment) == ("", "")
    segments = url.path.split("/")
    assert segments[-2] == target.incident_id
    assert len(segments) == 5
    assert target.incident_id.isascii()
    assert target.incident_id.strip("0123456789abcdef-") == ""


def _recording_transport(seen: list[dict[str, Any]]) -> httpx.MockTransport:
    """A transport that keeps each JSON body and answers like a provider accepting it."""

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content.decode("utf-8")))
        if "/v1/" in request.url.path:
            return httpx.Response(201, json={"id": "5f0c", "status": "MONITORING"})
        return httpx.Response(201, json={"id": 7})

    return httpx.MockTransport(answer)


async def _send_to_both(update: Update) -> list[dict[str, Any]]:
    """Send the update with the real clients; the bodies the providers received."""
    seen: list[dict[str, Any]] = []
    async with httpx.AsyncClient(transport=_recording_transport(seen)) as http:
        phare = PhareClient(http, PhareSettings(api_token=SecretStr("t"), api_url="https://p.test"))
        checkly = ChecklyClient(
            http, ChecklySettings(api_key=SecretStr("k"), account_id="a", api_url="https://c.test")
        )
        assert isinstance(await phare.send(update, "42"), Accepted)
        assert isinstance(await checkly.send(update, str(uuid.uuid4())), Accepted)
    return seen


@ROUND_TRIPS
@given(message_text.filter(lambda t: len(t) <= 10_000))
def test_what_a_provider_receives_equals_what_was_typed(typed: str) -> None:
    parsed = parse_command_text(f"monitoring {escape_mrkdwn(typed)}")
    assert isinstance(parsed, Publish)
    update = Update(parsed.state, parsed.message)
    targets = [Target(ProviderName.PHARE, "42"), Target(ProviderName.CHECKLY, str(uuid.uuid4()))]
    assert validate(update, targets) == []
    phare_body, checkly_body = asyncio.run(_send_to_both(update))
    assert phare_body == {"state": "monitoring", "content": typed}
    assert checkly_body == {"status": "MONITORING", "description": typed}
