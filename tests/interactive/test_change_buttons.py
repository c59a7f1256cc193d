"""Edit and Delete on an accepted receipt, clicked and submitted as Slack signs them, through
the real app over loopback: what is opened, answered and stored."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.domain.models import Update
from bot.domain.operations import Operation, Subject
from bot.domain.records import DeliveryReport
from bot.domain.states import State
from tests.fakes.fixtures import PHARE_INCIDENT
from tests.interactive.live import LiveBot, buttons, live_bot, wait_for
from tests.slack import signing

EDIT = "delivery_edit"
DELETE = "delivery_delete"
ALLOWED = signing.USER_ID
OUTSIDER = "U0OUTSIDE1"


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[LiveBot]:
    """A bot bound to Phare, where only ALLOWED may publish."""
    async with live_bot(tmp_path, INCIDENT_BOT_ALLOWED_USERS=ALLOWED) as running:
        await running.command(f"link phare:{PHARE_INCIDENT}")
        yield running


async def accepted_receipt(bot: LiveBot) -> dict[str, Any]:
    """Publish an update Phare accepts; its receipt in the thread."""
    await bot.command("investigating Checkout is failing")
    [receipt] = await wait_for(lambda: bot.replies("Phare accepted"), what="Phare's receipt")
    return receipt


async def stored_change(bot: LiveBot, update_id: int) -> DeliveryReport | None:
    """The one delivery of a stored update, if there is one."""
    reports = await bot.app.core.repo.deliveries_of(update_id)
    assert len(reports) <= 1
    return reports[0] if reports else None


async def test_edit_opens_the_form_and_its_submission_stores_the_edit_once(bot: LiveBot) -> None:
    receipt = await accepted_receipt(bot)
    assert buttons(receipt) == [EDIT, DELETE]
    published = await stored_change(bot, 1)
    assert published is not None
    assert await bot.click(receipt, EDIT) == 200
    [call] = await bot.slack.await_calls("views.open")
    view = call.params["view"]
    view = json.loads(view) if isinstance(view, str) else dict(view)
    message = next(b for b in view["blocks"] if b.get("block_id") == "message")
    assert message["element"]["initial_value"] == "Checkout is failing"
    [held] = bot.slack.views()
    entries = {"message_input": "Checkout is failing for card payments"}
    payload = signing.view_submission_payload(view, entries, view_id=held["id"])
    answers = await asyncio.gather(bot.interact(payload), bot.interact(payload))
    assert list(answers) == [(200, '{"response_action": "clear"}')] * 2

    edit = await stored_change(bot, 2)
    assert edit is not None
    change = edit.update.submission
    assert (edit.operation, edit.target, change.author) == (
        Operation.EDIT,
        published.target,
        ALLOWED,
    )
    assert change.update == Update(State.INVESTIGATING, "Checkout is failing for card payments")
    assert change.subject == Subject(
        published.delivery_id, published.provider_update_id or "", str(receipt["ts"])
    )
    assert await stored_change(bot, 3) is None


async def test_delete_clicked_twice_is_stored_once(bot: LiveBot) -> None:
    receipt = await accepted_receipt(bot)
    published = await stored_change(bot, 1)
    assert published is not None
    statuses = await asyncio.gather(bot.click(receipt, DELETE), bot.click(receipt, DELETE))
    assert list(statuses) == [200, 200]
    said = await wait_for(lambda: bot.told(ALLOWED) if bot.told(ALLOWED)[1:] else None)
    first, second = sorted(said, key=lambda words: not words.startswith("Deleting"))
    assert first.startswith("Deleting Phare update")
    assert second.startswith(("Already asked to delete Phare update", "This Phare update is being"))
    deletion = await stored_change(bot, 2)
    assert deletion is not None
    assert deletion.operation is Operation.DELETE
    assert deletion.update.submission.dedup_key == f"delete:{published.delivery_id}"
    assert await stored_change(bot, 3) is None


async def test_people_not_allowed_are_told_privately_and_nothing_is_stored(
    bot: LiveBot,
) -> None:
    receipt = await accepted_receipt(bot)
    assert await bot.click(receipt, EDIT, user=OUTSIDER) == 200
    assert await bot.click(receipt, DELETE, user=OUTSIDER) == 200
    said = await wait_for(lambda: bot.told(OUTSIDER)[1:], what="both refusals")
    assert all("not on the list of people allowed" in s for s in said)
    assert bot.slack.calls("views.open") == []
    assert await stored_change(bot, 2) is None
