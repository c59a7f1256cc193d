"""The "Open an incident" form through the real app: opened by a bare `open`, submitted (twice,
as Slack retries), opened once at each vendor with the card and receipts in the channel."""

import json
from pathlib import Path
from typing import Any

from bot.slack import ids
from tests.fakes.fixtures import CHECKLY_PAGE
from tests.interactive.live import USER, LiveBot, live_bot, shown, wait_for
from tests.slack import signing


async def open_form(bot: LiveBot) -> dict[str, Any]:
    """Run a bare `open`: the form as Slack now holds it."""
    trigger = bot.slack.issue_trigger_id()
    assert await bot.command("open", trigger_id=trigger) == {}
    [call] = await bot.slack.await_calls("views.open")
    assert (call.params["trigger_id"], call.response["ok"]) == (trigger, True)
    view: dict[str, Any] = call.response["view"]
    return view


async def test_the_form_opens_once_at_each_vendor_with_its_components(tmp_path: Path) -> None:
    async with live_bot(tmp_path, CHECKLY_STATUS_PAGE_ID=CHECKLY_PAGE) as bot:
        api, web = bot.fakes.checkly.add_components(CHECKLY_PAGE, ["API", "Web"])
        view = await open_form(bot)
        entries = {
            ids.OPEN_TITLE_ACTION: "Logins fail",
            ids.OPEN_IMPACT_ACTION: "degraded_performance",
            ids.OPEN_COMPONENTS_ACTION: [web["id"]],
        }
        payload = signing.view_submission_payload(view, entries, view_id=str(view["id"]))
        assert await bot.interact(payload) == (200, "")
        assert await bot.interact(payload) == (200, "")

        card = await wait_for(lambda: [m for m in bot.thread()[:1] if "Opened" in shown(m)])
        assert "Opened *Logins fail* at Phare and Checkly" in shown(card[0])
        await wait_for(lambda: len(bot.replies("Opened at")) >= 2, what="both receipts")
        [at_phare] = [i for i in bot.fakes.phare.incidents() if i["title"] == "Logins fail"]
        assert at_phare["impact"] == "degraded_performance"
        [at_checkly] = bot.fakes.checkly.incidents_on(CHECKLY_PAGE)
        impacts = [(c["componentId"], c["status"]) for c in at_checkly["componentImpacts"]]
        assert impacts == [(web["id"], "DEGRADED_PERFORMANCE")]
        assert api["id"] not in json.dumps(at_checkly)
        said = await wait_for(lambda: bot.told(USER) if len(bot.told(USER)) >= 2 else None)
        assert said[0].startswith("Opening “Logins fail” at Phare and Checkly status page")
        assert said[1].startswith("Already stored as #")
