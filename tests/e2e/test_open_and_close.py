"""Opening and closing incidents through the real `incident-bot serve`: `/incident-update open`
opens at Phare and on the Checkly status page (the fakes check each body against the vendor's
document), binds the channel and posts a new card; a `resolved` update closes both, the Phare
recovery reported in the thread; then `open` starts anew.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import wait_until
from tests.e2e.slack_flows import WAIT_SECONDS, SlackSession, running_session, shown
from tests.fakes.fixtures import CHECKLY_PAGE
from tests.fakes.replies import Reply


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackSession]:
    """One bot process able to open at Phare (monitor 7 attached) and on the status page."""
    home: Path = tmp_path_factory.mktemp("open-and-close")
    with running_session(
        home, CHECKLY_STATUS_PAGE_ID=CHECKLY_PAGE, PHARE_MONITOR_IDS="7"
    ) as running:
        yield running


def cards(session: SlackSession, channel: str) -> list[dict[str, Any]]:
    """The channel's top-level messages: its status cards, oldest first."""
    messages = session.slack.messages(channel)
    return [m for m in messages if m.get("thread_ts") in (None, m["ts"])]


def thread_of(session: SlackSession, channel: str) -> list[str]:
    """What each reply under the channel's one card shows."""
    return [shown(m) for m in session.replies(channel)]


def opened_at_phare(session: SlackSession, title: str) -> dict[str, Any]:
    """The one incident Phare holds with this title."""
    [incident] = [i for i in session.stack.phare.incidents() if i["title"] == title]
    return incident


def opened_at_checkly(session: SlackSession, title: str) -> str:
    """The one status-page incident Checkly holds with this name, as `<page>/<incident>`."""
    found = session.stack.checkly.incidents_on(CHECKLY_PAGE)
    [incident] = [i for i in found if i["name"] == title]
    return f"{CHECKLY_PAGE}/{incident['id']}"


def card_shows(session: SlackSession, channel: str, text: str, index: int = -1) -> str:
    """Wait until a card shows the text; what it shows."""
    wait_until(
        lambda: cards(session, channel) and text in shown(cards(session, channel)[index]),
        timeout=WAIT_SECONDS,
    )
    return shown(cards(session, channel)[index])


def test_open_then_resolve_then_open_anew(session: SlackSession) -> None:
    channel = session.new_room().channel
    answer = session.command(channel, "open Payments API timing out")
    assert answer.startswith(
        f"Opening “Payments API timing out” at Phare and Checkly status page {CHECKLY_PAGE} (#"
    )
    card = card_shows(session, channel, "Opened *Payments API timing out*")
    phare = opened_at_phare(session, "Payments API timing out")
    checkly = opened_at_checkly(session, "Payments API timing out")
    assert phare["monitors"] == [7]
    assert f"Phare incident `{phare['id']}`: :white_check_mark: opened" in card
    assert f"Checkly status-page incident `{checkly}`: :white_check_mark: opened" in card
    wait_until(lambda: len(thread_of(session, channel)) >= 2, timeout=WAIT_SECONDS)
    receipts = "\n".join(thread_of(session, channel))
    assert f"Opened at Phare: `phare:{phare['id']}`" in receipts
    assert f"Opened at Checkly: `checkly:{checkly}`" in receipts

    refused = session.command(channel, "open Another outage")
    assert refused.startswith("This channel is bound to an incident that is not resolved: ")
    assert f"Phare incident `{phare['id']}`" in refused

    session.command(channel, "resolved Payments work again")
    wait_until(
        lambda: any("Recovered the Phare incident" in r for r in thread_of(session, channel)),
        timeout=WAIT_SECONDS,
    )
    recovered = session.stack.phare.incident(phare["id"])
    assert recovered is not None
    assert recovered["status"] == "recovered"
    wait_until(lambda: session.stack.checkly.is_closed(checkly), timeout=WAIT_SECONDS)

    assert session.command(channel, "open Another outage").startswith("Opening “Another outage”")
    second = card_shows(session, channel, "Opened *Another outage*")
    assert len(cards(session, channel)) == 2
    assert "Payments API timing out" not in second


def test_a_vendor_that_refuses_is_shown_and_the_other_still_opens(session: SlackSession) -> None:
    channel = session.new_room().channel
    session.stack.phare.script_to(
        "open", Reply.invalid({"title": ["The title has already been taken."]})
    )
    session.command(channel, "open Search is slow")
    wait_until(
        lambda: (
            len(session.receipts(channel, "Phare")) >= 1
            and len(session.receipts(channel, "Checkly")) >= 1
        ),
        timeout=WAIT_SECONDS,
    )
    [phare_receipt] = session.receipts(channel, "Phare")
    assert "Phare refused to open the incident (HTTP 422)" in phare_receipt
    assert "The title has already been taken." in phare_receipt
    checkly = opened_at_checkly(session, "Search is slow")
    assert any(f"checkly:{checkly}" in r for r in session.receipts(channel, "Checkly"))
    status = session.command(channel, "status")
    assert f"*Linked:* Checkly status-page incident `{checkly}`" in status
    card = card_shows(session, channel, "Phare: :x: not opened (see thread)")
    assert f"Checkly status-page incident `{checkly}`: :white_check_mark: opened" in card
