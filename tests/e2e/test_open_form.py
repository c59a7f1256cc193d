"""The "Open an incident" form against the real `incident-bot serve`: a bare `/incident-update
open` opens it before Slack's trigger expires, listing the Checkly status page's components (or
saying why it could not); its submission opens at Phare and on the status page, the chosen
components impacted as the impact says; bad input is shown field by field."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.e2e.change_steps import NOT_ALLOWED, told
from tests.e2e.harness import wait_until
from tests.e2e.slack_flows import RESPONDER, WAIT_SECONDS, SlackSession, running_session
from tests.fakes.fixtures import CHECKLY_PAGE
from tests.fakes.replies import Reply
from tests.fakes.server import LoopbackServer
from tests.slack.signing import slash_command

OUTSIDER = "U0OUTSIDE1"
# The form's ids, copied as literals: they are what Slack echoes back.
TITLE = "open_title_input"
IMPACT = "open_impact_select"
MESSAGE = "open_message_input"
VENDORS = "open_vendors_choice"
COMPONENTS = "open_components_select"
JSON = dict[str, Any]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackSession]:
    """One bot able to open at Phare (monitor 7) and on the status page with three components;
    only RESPONDER may publish."""
    home: Path = tmp_path_factory.mktemp("open-form")
    with running_session(
        home,
        CHECKLY_STATUS_PAGE_ID=CHECKLY_PAGE,
        PHARE_MONITOR_IDS="7",
        INCIDENT_BOT_ALLOWED_USERS=RESPONDER,
    ) as running:
        running.stack.checkly.add_components(CHECKLY_PAGE, ["API", "Checkout", "Dashboard"])
        yield running


@contextmanager
def response_url() -> Iterator[tuple[str, list[JSON]]]:
    """A response_url on loopback, and what the bot posts to it."""
    posted: list[JSON] = []

    async def collect(request: web.Request) -> web.Response:
        posted.append(await request.json())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/respond", collect)
    with LoopbackServer(app) as server:
        yield f"{server.url}/respond", posted


def command(session: SlackSession, channel: str, user: str, url: str, trigger: str) -> None:
    """Type a bare `/incident-update open`; Slack gets an empty ack."""
    request = slash_command(
        session.secret,
        text="open",
        channel_id=channel,
        user_id=user,
        trigger_id=trigger,
        response_url=url,
    )
    answer = session.bot.post(request)
    assert answer.status_code == 200, answer.text
    assert answer.content in (b"", b"{}"), answer.text


def opened_with(session: SlackSession, trigger: str) -> list[Any]:
    """The views.open calls made with this trigger."""
    return [c for c in session.slack.calls("views.open") if c.params.get("trigger_id") == trigger]


def open_form(session: SlackSession, channel: str) -> JSON:
    """Run bare `open`: the view Slack opened with the command's trigger (the fake Slack refuses
    a trigger older than 3 s, as Slack does)."""
    trigger = session.slack.issue_trigger_id()
    command(session, channel, RESPONDER, "http://127.0.0.1:9/unused", trigger)
    wait_until(lambda: opened_with(session, trigger), timeout=WAIT_SECONDS)
    [call] = opened_with(session, trigger)
    assert call.response["ok"], call.response
    view: JSON = call.response["view"]
    return view


def block(view: JSON, block_id: str) -> JSON:
    """The view's block with this id."""
    found: JSON = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return found


def components_note(view: JSON) -> str:
    """The sentence shown where the components would be."""
    return str(block(view, "open_components_note")["text"]["text"])


def test_a_submission_opens_at_both_vendors_with_the_chosen_components_impacted(
    session: SlackSession,
) -> None:
    channel = session.new_room().channel
    view = open_form(session, channel)
    options = block(view, "open_components")["element"]["options"]
    names = {o["text"]["text"]: o["value"] for o in options}
    assert list(names) == ["API", "Checkout", "Dashboard"]

    answer = session.submit(
        view,
        {
            TITLE: "Checkout fails for card payments",
            IMPACT: "major_outage",
            MESSAGE: "Card payments fail; <we> are on it & investigating",
            COMPONENTS: [names["Checkout"], names["API"]],
        },
    )

    assert (answer.status_code, answer.content) == (200, b"")
    [said] = told(session, channel, RESPONDER, 1)
    assert said.startswith(
        f"Opening “Checkout fails for card payments” at Phare and Checkly status page "
        f"{CHECKLY_PAGE} (#"
    )
    wait_until(lambda: opened(session, "Checkout fails for card payments"), timeout=WAIT_SECONDS)
    both = opened(session, "Checkout fails for card payments")
    assert both is not None
    phare, checkly = both
    assert (phare["impact"], phare["monitors"]) == ("major_outage", [7])
    assert phare["description"] == "Card payments fail; <we> are on it & investigating"
    impacts = [(c["componentId"], c["status"]) for c in checkly["componentImpacts"]]
    assert impacts == [(names["Checkout"], "MAJOR_OUTAGE"), (names["API"], "MAJOR_OUTAGE")]
    first = checkly["incidentUpdates"][-1]
    assert (first["status"], first["notifySubscribers"]) == ("INVESTIGATING", False)
    assert first["description"] == "Card payments fail; <we> are on it & investigating"

    assert session.submit(view, {TITLE: "Checkout fails for card payments"}).status_code == 200
    assert told(session, channel, RESPONDER, 2)[1].startswith("Already stored as #")
    assert len(session.stack.phare.requests_to("POST", "/uptime/incidents")) == 1


def opened(session: SlackSession, title: str) -> tuple[JSON, JSON] | None:
    """The Phare incident and the status-page incident with this title, once both exist."""
    at_phare = [i for i in session.stack.phare.incidents() if i["title"] == title]
    at_checkly = [i for i in session.stack.checkly.incidents_on(CHECKLY_PAGE) if i["name"] == title]
    return (at_phare[0], at_checkly[0]) if at_phare and at_checkly else None


@pytest.mark.parametrize(
    ("reply", "sentence"),
    [
        (Reply.hang(), "Checkly did not answer within 1.5 s."),
        (
            Reply.forbidden("Your API key may not read status pages."),
            "Checkly refused to list them (HTTP 403): Your API key may not read status pages.",
        ),
    ],
)
def test_components_that_fail_or_hang_still_open_the_form_in_time(
    session: SlackSession, reply: Reply, sentence: str
) -> None:
    session.stack.checkly.script_to("components", reply)
    view = open_form(session, session.new_room().channel)
    assert components_note(view) == (
        f"The Checkly status page's components could not be read: {sentence}"
    )
    assert "open_components" not in {b.get("block_id") for b in view["blocks"]}


def test_bad_input_is_shown_field_by_field_and_nothing_opens(session: SlackSession) -> None:
    view = open_form(session, session.new_room().channel)
    before = len(session.stack.phare.requests) + len(session.stack.checkly.requests)

    too_long = session.submit(view, {TITLE: "x" * 251})
    assert json.loads(too_long.content) == {
        "response_action": "errors",
        "errors": {"open_title": "This title has 251 characters; Phare takes at most 250."},
    }
    nowhere = session.submit(view, {TITLE: "Search is slow", VENDORS: []})
    assert json.loads(nowhere.content)["errors"] == {
        "open_vendors": "Choose where to open the incident."
    }
    assert len(session.stack.phare.requests) + len(session.stack.checkly.requests) == before


def test_someone_not_allowed_is_told_privately_and_no_form_opens(session: SlackSession) -> None:
    channel = session.new_room().channel
    trigger = session.slack.issue_trigger_id()
    with response_url() as (url, posted):
        command(session, channel, OUTSIDER, url, trigger)
        wait_until(lambda: posted, timeout=WAIT_SECONDS)
    assert [(p["response_type"], p["text"]) for p in posted] == [("ephemeral", NOT_ALLOWED)]
    assert opened_with(session, trigger) == []
