"""Reading vendor answers: Retry-After and clean excerpts."""

from datetime import UTC, datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.providers._responses import excerpt, field_errors, retry_after_seconds, vendor_message

NOW = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("30", 30.0),
        ("0", 0.0),
        ("2.5", 2.5),
        ("600", 600.0),
        ("601", 600.0),
        ("9" * 400, 600.0),
        ("Sun, 22 Nov 2026 10:01:30 GMT", 90.0),
        ("Sun, 22 Nov 2026 09:00:00 GMT", 0.0),
        ("Mon, 23 Nov 2026 10:00:00 GMT", 600.0),
        (None, None),
        ("", None),
        ("soon", None),
        ("-1", None),
        ("1e3", None),
        ("３０", None),
    ],
)
def test_retry_after(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, now=NOW) == seconds


@given(st.text())
def test_retry_after_never_fails_and_stays_within_the_cap(header: str) -> None:
    seconds = retry_after_seconds(header, now=NOW)
    assert seconds is None or 0 <= seconds <= 600


@given(st.text())
def test_excerpt_is_short_and_tag_free(text: str) -> None:
    cut = excerpt(f"<div>{text}</div>")
    assert len(cut) <= 200
    assert "<div>" not in cut
    assert "  " not in cut
    assert "\n" not in cut


def test_excerpt_drops_scripts_and_decodes_entities() -> None:
    page = "<html><script>var a = 1;</script><p>Fish &amp; chips\n\n  today</p></html>"
    assert excerpt(page) == "Fish & chips today"


def test_vendor_message_prefers_json_message() -> None:
    response = httpx.Response(403, json={"message": "No.", "error": "Forbidden"})
    assert vendor_message(response) == "No."


def test_vendor_message_of_json_without_message_is_empty() -> None:
    assert vendor_message(httpx.Response(500, json={"oops": 1})) == ""


def test_field_errors_tolerate_odd_shapes() -> None:
    body = {"errors": {"content": ["Too long."], "state": "Bad.", "x": [], "y": 3}}
    assert field_errors(httpx.Response(422, json=body)) == {
        "content": ("Too long.",),
        "state": ("Bad.",),
    }
    assert field_errors(httpx.Response(422, json={"errors": ["a"]})) == {}
