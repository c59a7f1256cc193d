"""Slack escaping: user text never pings or breaks formatting, and survives a round trip."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.text import (
    escape_mrkdwn,
    forbidden_character,
    has_visible_text,
    shorten,
    unescape_slack,
)


@given(st.text())
def test_escape_then_unescape_is_the_identity(text: str) -> None:
    assert unescape_slack(escape_mrkdwn(text)) == text


@given(st.text(alphabet=st.sampled_from("<>&!@abc;amplgt")))
def test_escape_then_unescape_round_trips_entity_lookalikes(text: str) -> None:
    assert unescape_slack(escape_mrkdwn(text)) == text


@given(st.text())
def test_escaped_text_has_no_angle_brackets(text: str) -> None:
    escaped = escape_mrkdwn(text)
    assert "<" not in escaped
    assert ">" not in escaped


def test_pings_are_neutralised() -> None:
    assert escape_mrkdwn("<!channel> & <@U123>") == "&lt;!channel&gt; &amp; &lt;@U123&gt;"


def test_unescape_what_slack_sends() -> None:
    assert unescape_slack("a &lt;b&gt; &amp;amp; c") == "a <b> &amp; c"


@pytest.mark.parametrize(
    ("text", "visible"),
    [("", False), ("  \n\t", False), ("\u200b\u200d", False), ("ok", True), (" . ", True)],
)
def test_has_visible_text(text: str, visible: bool) -> None:
    assert has_visible_text(text) is visible


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("fine\nlines\ttabs\r", None),
        ("nul\x00", "NUL"),
        ("bell\x07", "the control character U+0007"),
        ("half\ud800", "an invalid (lone surrogate) character"),
    ],
)
def test_forbidden_character(text: str, problem: str | None) -> None:
    assert forbidden_character(text) == problem


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_shorten_respects_the_limit(text: str, limit: int) -> None:
    cut = shorten(text, limit)
    assert len(cut) <= limit
    assert cut == text or cut.endswith("…")
