"""Retry and Edit & resend on a refused receipt, through the real app over loopback."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.fixtures import CHECKLY_INCIDENT, PHARE_INCIDENT
from tests.fakes.replies import Reply
from tests.interactive.live import LiveBot, buttons, live_bot, shown, wait_for
from tests.slack import signing

RETRY = "delivery_retry"
EDIT = "delivery_edit_resend"
ALLOWED = signing.USER_ID
OUTSIDER = "U0OUTSIDE1"
REFUSAL = "The content may not mention internal hostnames."


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[LiveBot]:
    """A bot bound to both providers, where only ALLOWED may publish."""
    async with live_bot(tmp_path, INCIDENT_BOT_ALLOWED_USERS=ALLOWED) as running:
        await running.command(f"link phare:{PHARE_INCIDENT} checkly:{CHECKLY_INCIDENT}")
        yield running


async def refused_receipt(bot: LiveBot) -> dict[str, Any]:
    """Publish an update Phare refuses (Checkly accepts); Phare's receipt in the thread."""
    bot.fakes.phare.script(Reply.invalid({"content": [REFUSAL]}))
    await bot.command("investigating db-7.internal is down")
    [receipt] = await wait_for(lambda: bot.replies(REFUSAL), what="Phare's refusal receipt")
    return receipt


def phare_creates(bot: LiveBot) -> int:
    """How many update requests reached Phare."""
    return len(bot.fakes.phare.requests_to("POST", "/updates"))


def opened_view(bot: LiveBot, index: int = 0) -> dict[str, Any]:
    """A view Slack was asked to open."""
    raw = bot.slack.calls("views.open")[index].params["view"]
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    """A block of a view by id."""
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


async def test_refused_receipts_offer_resending_accepted_ones_editing(bot: LiveBot) -> None:
    receipt = await refused_receipt(bot)
    assert buttons(receipt) == [RETRY, EDIT]
    accepted = await wait_for(lambda: bot.replies("Checkly accepted"), what="Checkly receipt")
    assert buttons(accepted[0]) == ["delivery_edit", "delivery_delete"]


async def test_retry_resends_the_same_update_once_even_on_a_double_click(bot: LiveBot) -> None:
    receipt = await refused_receipt(bot)
    statuses = await asyncio.gather(bot.click(receipt, RETRY), bot.click(receipt, RETRY))
    assert list(statuses) == [200, 200]
    [applied] = await wait_for(lambda: bot.fakes.phare.applied(PHARE_INCIDENT), what="resend")
    assert (applied["state"], applied["content"]) == ("investigating", "db-7.internal is down")
    said = await wait_for(lambda: bot.told(ALLOWED), what="second click answered")
    assert said == ["Already resent as update #2."]
    edited = await wait_for(
        lambda: [m for m in bot.replies(REFUSAL) if "Resent" in shown(m)], what="receipt edit"
    )
    assert buttons(edited[0]) == []
    assert f"Resent to Phare incident `{PHARE_INCIDENT}` by <@{ALLOWED}> as update #2" in shown(
        edited[0]
    )
    await wait_for(lambda: bot.replies("Phare accepted"), what="the resend's receipt")
    assert bot.replies("as a resend")
    assert phare_creates(bot) == 2
    assert len(bot.fakes.checkly.applied(CHECKLY_INCIDENT)) == 1


async def test_retry_is_refused_to_people_not_allowed(bot: LiveBot) -> None:
    receipt = await refused_receipt(bot)
    assert await bot.click(receipt, RETRY, user=OUTSIDER) == 200
    [said] = await wait_for(lambda: bot.told(OUTSIDER), what="refusal")
    assert "not on the list" in said
    assert phare_creates(bot) == 1
    assert buttons(bot.replies(REFUSAL)[0]) == [RETRY, EDIT]


async def test_edit_and_resend_opens_the_form_for_that_update_and_target(bot: LiveBot) -> None:
    receipt = await refused_receipt(bot)
    await asyncio.gather(bot.click(receipt, EDIT), bot.click(receipt, EDIT))
    await bot.slack.await_calls("views.open")
    view = opened_view(bot)
    assert block(view, "state")["element"]["initial_option"]["value"] == "investigating"
    assert block(view, "message")["element"]["initial_value"] == "db-7.internal is down"
    assert block(view, "phare_incident")["element"]["initial_value"] == PHARE_INCIDENT
    assert "initial_value" not in block(view, "checkly_incident")["element"]
    preview = shown({"blocks": [block(view, "preview")]})
    assert f"Phare incident `{PHARE_INCIDENT}` receives `investigating` · 21 / 10,000" in preview
    [held] = bot.slack.views()
    payload = signing.view_submission_payload(
        view, {"message_input": "The database is down"}, view_id=held["id"]
    )
    status, body = await bot.interact(payload)
    assert (status, body) == (200, "")
    applied = await wait_for(lambda: bot.fakes.phare.applied(PHARE_INCIDENT), what="the edit")
    assert [a["content"] for a in applied] == ["The database is down"]
    assert len(bot.fakes.checkly.applied(CHECKLY_INCIDENT)) == 1
    assert len(bot.slack.calls("views.open")) == 1


async def test_edit_and_resend_is_refused_to_people_not_allowed(bot: LiveBot) -> None:
    receipt = await refused_receipt(bot)
    assert await bot.click(receipt, EDIT, user=OUTSIDER) == 200
    [said] = await wait_for(lambda: bot.told(OUTSIDER), what="refusal")
    assert "not on the list" in said
    assert bot.slack.calls("views.open") == []
