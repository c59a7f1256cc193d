"""Parsing what people type after /incident-update."""

import pytest

from bot.domain.models import Target
from bot.domain.states import ProviderName, State
from bot.slack.command_text import (
    Link,
    Malformed,
    OpenIncident,
    OpenModal,
    Publish,
    ShowHelp,
    ShowStatus,
    UnknownWord,
    Unlink,
    parse_command_text,
)

UUID = "0b9e1c52-6d2f-4a3b-9c1d-2e8f7a6b5c4d"


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_no_text_opens_the_modal(text: str) -> None:
    assert parse_command_text(text) == OpenModal()


def test_help_and_status_ignore_case() -> None:
    assert parse_command_text("HELP") == ShowHelp()
    assert parse_command_text(" Status ") == ShowStatus()


def test_link_both_targets_canonical() -> None:
    parsed = parse_command_text(f"link checkly:{UUID.upper()} phare:42")
    assert parsed == Link((Target(ProviderName.PHARE, "42"), Target(ProviderName.CHECKLY, UUID)))


def test_link_with_a_bad_id_names_it() -> None:
    parsed = parse_command_text("link phare:abc")
    assert isinstance(parsed, Malformed)
    assert "'abc'" in parsed.problem
    assert "Nothing was changed" in parsed.problem


def test_link_needs_a_target_and_one_per_provider() -> None:
    assert isinstance(parse_command_text("link"), Malformed)
    twice = parse_command_text("link phare:1 phare:2")
    assert isinstance(twice, Malformed)
    assert "Phare is named twice" in twice.problem


def test_unlink_variants() -> None:
    assert parse_command_text("unlink") == Unlink(None)
    assert parse_command_text("unlink Checkly") == Unlink(ProviderName.CHECKLY)
    assert isinstance(parse_command_text("unlink statuspage"), Malformed)


def test_state_and_message_keep_the_message_and_unescape_it() -> None:
    parsed = parse_command_text("MONITORING  Fix &lt;b&gt; deployed &amp; watching\nline two")
    assert parsed == Publish(State.MONITORING, "Fix <b> deployed & watching\nline two")


def test_state_on_its_own_line_then_message() -> None:
    assert parse_command_text("resolved\nAll good") == Publish(State.RESOLVED, "All good")


def test_state_without_message_is_explained() -> None:
    parsed = parse_command_text("resolved")
    assert isinstance(parsed, Malformed)
    assert "Add a message" in parsed.problem


def test_unknown_word() -> None:
    assert parse_command_text("fixed it") == UnknownWord("fixed")


def test_open_takes_the_rest_as_the_title_as_typed() -> None:
    parsed = parse_command_text("OPEN  Checkout &amp; payments &lt;down&gt;  ")
    assert parsed == OpenIncident("Checkout & payments <down>")


@pytest.mark.parametrize("text", ["open", "  open   ", "Open\n"])
def test_open_without_a_title_has_none(text: str) -> None:
    assert parse_command_text(text) == OpenIncident(None)


def test_a_title_that_looks_like_a_state_is_still_a_title() -> None:
    assert parse_command_text("open resolved") == OpenIncident("resolved")
