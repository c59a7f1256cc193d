"""Through the real app: an edit or a deletion of the latest update moves the incident's
current state once Phare accepted it (the status card, `/incident-update status` and the
reminder follow), and re-arms no reminder; an incident opened with a title keeps it on its card.
"""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack import ids
from tests.fakes.fixtures import PHARE_INCIDENT
from tests.interactive.live import USER, LiveBot, eventually, live_bot, shown, wait_for
from tests.interactive.test_reminders import no_rows, reminder_rows
from tests.slack import signing

EDIT = "delivery_edit"
DELETE = "delivery_delete"
EDITED = "edited the Phare update"
DELETED = "deleted the Phare update"


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[LiveBot]:
    """A bot bound to Phare whose reminders come every 10 minutes (none during a test)."""
    async with live_bot(tmp_path, INCIDENT_BOT_REMINDER_MINUTES="10") as running:
        await running.command(f"link phare:{PHARE_INCIDENT}")
        yield running


async def publish(bot: LiveBot, text: str) -> dict[str, Any]:
    """Publish an update Phare accepts; its receipt in the thread."""
    count = len(bot.replies("Phare accepted")) + 1
    assert "Stored" in shown(await bot.command(text))
    receipts = await wait_for(
        lambda: found if len(found := bot.replies("Phare accepted")) >= count else None,
        what="Phare's receipt",
    )
    return receipts[count - 1]


async def edit(
    bot: LiveBot, receipt: dict[str, Any], state: str, message: str, user: str = USER
) -> None:
    """`user` clicks Edit on the receipt and saves the form with a state and a text; the
    reply, waited for. (One person's second click within 3 s opens no second form.)"""
    opened, edited = len(bot.slack.calls("views.open")), len(bot.replies(EDITED))
    assert await bot.click(receipt, EDIT, user=user) == 200
    [call] = await wait_for(lambda: bot.slack.calls("views.open")[opened:], what="edit form")
    view = call.response["view"]
    entries = {ids.STATE_ACTION: state, ids.MESSAGE_ACTION: message}
    payload = signing.view_submission_payload(view, entries, user_id=user, view_id=str(view["id"]))
    assert await bot.interact(payload) == (200, '{"response_action": "clear"}')
    await wait_for(lambda: bot.replies(EDITED)[edited:], what="the edit's reply")


async def delete(bot: LiveBot, receipt: dict[str, Any]) -> None:
    """Click Delete on the receipt (Slack asked for confirmation); wait for the reply."""
    deleted = len(bot.replies(DELETED))
    assert await bot.click(receipt, DELETE) == 200
    await wait_for(lambda: bot.replies(DELETED)[deleted:], what="the deletion's reply")


async def card_shows(bot: LiveBot, *texts: str) -> str:
    """Wait until the status card shows every text; what it shows."""
    cards = await wait_for(
        lambda: [s for s in map(shown, bot.thread()[:1]) if all(t in s for t in texts)],
        what=f"a card showing {texts}",
    )
    return cards[0]


async def status(bot: LiveBot) -> str:
    """What `/incident-update status` tells the caller."""
    return shown(await bot.command("status"))


async def due_at(bot: LiveBot) -> object:
    """When the channel's one stored reminder is due (once one is armed)."""
    [row] = await eventually(lambda: reminder_rows(bot), what="reminder armed")
    return row["due_at"]


async def test_an_edit_to_resolved_resolves_the_incident_and_one_away_reopens_it(
    bot: LiveBot,
) -> None:
    receipt = await publish(bot, "monitoring Replica caught up")
    await due_at(bot)

    await edit(bot, receipt, "resolved", "All clear")
    await card_shows(bot, ":white_check_mark: *Resolved*", "All clear")
    assert "*Current state:* resolved" in await status(bot)
    await eventually(lambda: no_rows(bot), what="reminder removed")
    # Resolved at Phare closes the incident there too, as a resolved update does.
    await wait_for(lambda: bot.replies("Recovered the"), what="the recovery's receipt")
    assert len(bot.fakes.phare.requests_to("POST", "/recover")) == 1

    await edit(bot, receipt, "monitoring", "Lag is back; watching", user="U0OTHER001")
    await card_shows(bot, ":hourglass_flowing_sand: *Monitoring*", "Lag is back; watching")
    assert "*Current state:* monitoring" in await status(bot)
    await due_at(bot)


async def test_deleting_the_resolving_update_shows_the_one_left_and_rearms(bot: LiveBot) -> None:
    await publish(bot, "investigating Checkout is failing")
    resolving = await publish(bot, "resolved Fixed, we think")
    await card_shows(bot, ":white_check_mark: *Resolved*")
    await eventually(lambda: no_rows(bot), what="reminder removed")

    await delete(bot, resolving)
    card = await card_shows(bot, ":eyes: *Investigating*", "Checkout is failing")
    assert "Fixed, we think" not in card
    assert "*Current state:* investigating" in await status(bot)
    await due_at(bot)


async def test_edits_and_deletions_of_updates_rearm_no_reminder(bot: LiveBot) -> None:
    first = await publish(bot, "investigating Checkout is failing")
    latest = await publish(bot, "identified A bad deploy")
    due = await due_at(bot)

    await edit(bot, latest, "identified", "A bad deploy of the payments API")
    await delete(bot, first)
    await card_shows(bot, ":mag: *Identified*", "A bad deploy of the payments API")
    assert await due_at(bot) == due


async def test_an_incident_opened_with_a_title_keeps_it_on_its_card(tmp_path: Path) -> None:
    async with live_bot(tmp_path) as bot:
        await bot.command("open Payments time out")
        await card_shows(bot, "Opened *Payments time out*")

        await bot.command("identified A bad deploy")
        card = await card_shows(bot, ":mag: *Identified*", "A bad deploy")
        assert "*Payments time out*" in card


async def test_with_every_update_deleted_the_card_shows_no_state(bot: LiveBot) -> None:
    only = await publish(bot, "investigating Posted in the wrong channel")
    await delete(bot, only)
    card = await card_shows(bot, "*Incident status:* none: every update was deleted")
    assert "Posted in the wrong channel" not in card
    assert f"Phare incident `{PHARE_INCIDENT}`" in card
    assert "*Current state:* none yet" in await status(bot)
