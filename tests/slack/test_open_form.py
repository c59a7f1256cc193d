"""Bare `/incident-update open` over signed HTTP: the "Open an incident" form opens within the
trigger's life (components listed, or why not), and its submission is stored or shown wrong."""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from bot.domain.models import Source, Target
from bot.domain.operations import Component, Impact
from bot.domain.states import ProviderName, State
from bot.slack import ids
from bot.slack.ports import SlackOptions
from tests.fakes.slack import FakeSlack
from tests.polling import wait_for
from tests.slack import signing
from tests.slack.test_commands import SECRET, Bot, HangingPublisher, options, start_bot

PAGE = "0b9d5d2e-6f8e-4c55-9d55-1c1f6a2b3c4d"
OPEN_AT = (Target(ProviderName.PHARE, ""), Target(ProviderName.CHECKLY, PAGE))
API = Component("3f6b3a52-0c1e-4d8a-9f3e-111111111111", "API")
WEB = Component("3f6b3a52-0c1e-4d8a-9f3e-222222222222", "Web")
CHANNEL = signing.CHANNEL_ID
NOT_ALLOWED = "You are not on the list of people allowed to publish status updates with this bot."


class Listed:
    """The status page's components, as read from Checkly: a list, or why not."""

    def __init__(self, answer: Sequence[Component] | str | None) -> None:
        self.answer = answer
        self.reads = 0

    async def components(self) -> Sequence[Component] | str | None:
        """What Checkly answered."""
        self.reads += 1
        return self.answer


class Silent:
    """A status page whose components never arrive."""

    async def components(self) -> Sequence[Component] | str | None:
        """Wait forever."""
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


def open_options(**changes: Any) -> SlackOptions:
    """Both vendors able to open; Phare monitors 7 and 8."""
    return options(open_at=OPEN_AT, phare_monitor_ids=(7, 8), **changes)


async def running(
    components: Any = None, slack_options: SlackOptions | None = None, **kwargs: Any
) -> AsyncIterator[Bot]:
    """The bot over a fake Slack, with these components behind the form."""
    with FakeSlack() as slack:
        chosen = slack_options or open_options()
        async for bot in start_bot(slack, chosen, components=components, **kwargs):
            yield bot


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    """The page lists API and Web."""
    async for started in running(Listed([API, WEB])):
        yield started


async def open_form(bot: Bot, user_id: str = signing.USER_ID) -> tuple[dict[str, Any], float]:
    """Run bare `open`: the view Slack was asked to open, and seconds from command to views.open."""
    trigger = bot.slack.issue_trigger_id()
    started = time.monotonic()
    assert await bot.command("open", trigger_id=trigger, user_id=user_id) == {}
    [call] = await bot.slack.await_calls("views.open")
    took = time.monotonic() - started
    assert call.params["trigger_id"] == trigger
    assert call.response["ok"] is True, call.response
    view = call.params["view"]
    return (json.loads(view) if isinstance(view, str) else dict(view)), took


async def submit(
    bot: Bot, view: dict[str, Any], entries: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    """Submit the form with these entries (by action id); Slack's JSON answer ({} if empty)."""
    fields.setdefault("view_id", "V0OPEN0001")
    payload = signing.view_submission_payload(view, entries, **fields)
    status, body = await bot.post(signing.interaction(SECRET, payload))
    assert status == 200, body
    answer: dict[str, Any] = json.loads(body) if body else {}
    return answer


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    """The view's block with this id."""
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


async def told(bot: Bot, count: int = 1) -> list[str]:
    """What the person was told privately in the channel (waits for `count` messages)."""
    calls = await bot.slack.await_calls("chat.postEphemeral", count=count)
    assert all(c.params["channel"] == CHANNEL for c in calls)
    return [str(c.params["text"]) for c in calls]


async def responded(bot: Bot) -> str:
    """The one private answer posted to the command's response_url."""
    [response] = await wait_for(lambda: list(bot.responses), within=5, what="an answer")
    assert response["response_type"] == "ephemeral"
    return str(response["text"])


async def test_bare_open_opens_the_form_with_the_pages_components(bot: Bot) -> None:
    view, took = await open_form(bot)
    assert took < 3.0
    assert view["callback_id"] == ids.OPEN_CALLBACK_ID
    assert view["title"]["text"] == "Open an incident"
    listed = block(view, ids.OPEN_COMPONENTS_BLOCK)["element"]["options"]
    assert [(o["value"], o["text"]["text"]) for o in listed] == [(API.id, "API"), (WEB.id, "Web")]
    vendors = block(view, ids.OPEN_VENDORS_BLOCK)["element"]["initial_options"]
    assert [o["value"] for o in vendors] == ["phare", "checkly"]
    assert bot.responses == []


async def test_a_submission_is_stored_once_and_the_person_told_privately(bot: Bot) -> None:
    view, _ = await open_form(bot)
    entries = {
        ids.OPEN_TITLE_ACTION: "Checkout is failing",
        ids.OPEN_IMPACT_ACTION: "partial_outage",
        ids.OPEN_MESSAGE_ACTION: "Card payments fail for <some> customers & more",
        ids.OPEN_COMPONENTS_ACTION: [WEB.id],
    }
    assert await submit(bot, view, entries) == {}
    [submission] = bot.publisher.submissions
    opening = submission.opening
    assert opening is not None
    assert (opening.title, opening.impact) == ("Checkout is failing", Impact.PARTIAL_OUTAGE)
    assert opening.message == "Card payments fail for <some> customers & more"
    assert (opening.component_ids, opening.monitor_ids) == ((WEB.id,), (7, 8))
    assert submission.targets == OPEN_AT
    assert submission.update.state is State.INVESTIGATING
    assert (submission.source, submission.author) == (Source.MODAL, signing.USER_ID)
    assert submission.channel_id == CHANNEL
    [said] = await told(bot)
    assert said.startswith(f"Opening “Checkout is failing” at Phare and Checkly status page {PAGE}")

    assert await submit(bot, view, entries) == {}
    assert len(bot.publisher.submissions) == 1
    assert (await told(bot, 2))[1].startswith("Already stored as #1: opening “Checkout is failing”")


async def test_only_the_vendors_ticked_are_opened_at(bot: Bot) -> None:
    view, _ = await open_form(bot)
    entries = {ids.OPEN_TITLE_ACTION: "x" * 251, ids.OPEN_VENDORS_ACTION: ["checkly"]}
    assert await submit(bot, view, entries) == {}
    [submission] = bot.publisher.submissions
    assert submission.targets == (Target(ProviderName.CHECKLY, PAGE),)


async def test_bad_input_is_shown_field_by_field_and_nothing_stored(bot: Bot) -> None:
    view, _ = await open_form(bot)
    too_long = await submit(bot, view, {ids.OPEN_TITLE_ACTION: "x" * 251})
    assert too_long == {
        "response_action": "errors",
        "errors": {ids.OPEN_TITLE_BLOCK: "This title has 251 characters; Phare takes at most 250."},
    }
    nowhere = await submit(bot, view, {ids.OPEN_TITLE_ACTION: "Down", ids.OPEN_VENDORS_ACTION: []})
    assert nowhere["errors"] == {ids.OPEN_VENDORS_BLOCK: "Choose where to open the incident."}
    assert bot.publisher.submissions == []
    assert bot.slack.calls("chat.postEphemeral") == []


@pytest.mark.parametrize(
    ("components", "sentence"),
    [
        (Silent(), "Checkly did not answer within 1.5 s."),
        (
            Listed("Checkly refused to list them (HTTP 403): Your key may not read status pages."),
            "Checkly refused to list them (HTTP 403): Your key may not read status pages.",
        ),
    ],
)
async def test_components_that_cannot_be_read_still_open_the_form_in_time_saying_why(
    components: Any, sentence: str
) -> None:
    async for started in running(components):
        view, took = await open_form(started)
        assert took < 3.0
        assert ids.OPEN_COMPONENTS_BLOCK not in {b.get("block_id") for b in view["blocks"]}
        note = block(view, ids.OPEN_COMPONENTS_NOTE_BLOCK)["text"]["text"]
        assert note == f"The Checkly status page's components could not be read: {sentence}"


async def test_someone_not_allowed_is_told_privately_and_no_form_opens() -> None:
    page = Listed([API])
    allowed = open_options(allowed_users=frozenset({"U0SOMEONE1"}))
    async for started in running(page, allowed):
        assert await started.command("open", trigger_id=started.slack.issue_trigger_id()) == {}
        assert await responded(started) == NOT_ALLOWED
        assert started.slack.calls("views.open") == []


async def test_someone_not_allowed_cannot_submit_the_form() -> None:
    allowed = open_options(allowed_users=frozenset({"U0SOMEONE1"}))
    async for started in running(Listed([API]), allowed):
        view, _ = await open_form(started, user_id="U0SOMEONE1")
        answer = await submit(started, view, {ids.OPEN_TITLE_ACTION: "Down"})
        assert answer["errors"] == {ids.OPEN_TITLE_BLOCK: NOT_ALLOWED}
        assert started.publisher.submissions == []


async def test_a_channel_bound_to_an_unresolved_incident_is_refused_naming_it(bot: Bot) -> None:
    await bot.reply("link phare:42")
    assert await bot.command("open", trigger_id=bot.slack.issue_trigger_id()) == {}
    refused = await responded(bot)
    assert refused.startswith(
        "This channel is bound to an incident that is not resolved: Phare incident `42` "
        "(current state: no update yet). Nothing was opened."
    )
    assert bot.slack.calls("views.open") == []


async def test_a_binding_made_while_the_form_was_open_refuses_it_privately(bot: Bot) -> None:
    view, _ = await open_form(bot)
    await bot.reply("link phare:42")
    assert await submit(bot, view, {ids.OPEN_TITLE_ACTION: "Down"}) == {}
    [said] = await told(bot)
    assert said.startswith("This channel is bound to an incident that is not resolved: ")
    assert bot.publisher.submissions == []


async def test_a_store_that_hangs_is_said_under_the_title(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.slack.failures.STORE_TIMEOUT", 0.3)
    async for started in running(Listed([API]), publisher=HangingPublisher()):
        view, _ = await open_form(started)
        begun = time.monotonic()
        answer = await submit(started, view, {ids.OPEN_TITLE_ACTION: "Down"})
        assert time.monotonic() - begun < 3.0
        assert answer["response_action"] == "errors"
        assert answer["errors"][ids.OPEN_TITLE_BLOCK].startswith(
            "The bot could not confirm this incident was saved"
        )
