"""The update form through the real app: templates per state, redraws on change, the preview."""

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.domain.states import State
from bot.domain.templates import DEFAULT_TEMPLATES
from tests.fakes.fixtures import CHECKLY_INCIDENT, PHARE_INCIDENT
from tests.interactive.form_actions import HeldForm
from tests.interactive.live import LiveBot, live_bot, shown, wait_for

STATE = "state_select"
MESSAGE = "message_input"
PHARE = "phare_incident_input"
PUBLISHED_AT = "published_at_picker"
LINK = f"link phare:{PHARE_INCIDENT} checkly:{CHECKLY_INCIDENT}"


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[LiveBot]:
    """A bot bound to both providers."""
    async with live_bot(tmp_path) as running:
        await running.command(LINK)
        yield running


async def open_form(bot: LiveBot) -> HeldForm:
    """Run the bare command; the form as Slack now holds it."""
    before = len(bot.slack.calls("views.open"))
    await bot.command("", trigger_id=bot.slack.issue_trigger_id())
    await bot.slack.await_calls("views.open", count=before + 1)
    return HeldForm(bot.slack.views()[-1])


async def change(bot: LiveBot, form: HeldForm, action_id: str, value: Any) -> HeldForm:
    """The person changes a dispatching element; the form once the bot has redrawn it."""
    form.type(action_id, value)
    before = len(bot.slack.calls("views.update"))
    status, _ = await bot.interact(form.action_payload(action_id))
    assert status == 200
    [*_, call] = await bot.slack.await_calls("views.update", count=before + 1)
    assert call.response["ok"], call.response
    assert call.params["hash"] == form.view["hash"]
    held = next(v for v in bot.slack.views() if v["id"] == form.view["id"])
    return HeldForm(held, form.typed)


def message_of(form: HeldForm) -> tuple[str, str | None]:
    """The message block's id and the text it shows when drawn."""
    block = form.block("message")
    return block["block_id"], block["element"].get("initial_value")


def preview_of(form: HeldForm) -> str:
    """The preview's text."""
    return shown({"blocks": [form.block("preview")]})


async def test_the_form_opens_with_the_next_states_template_and_a_preview(bot: LiveBot) -> None:
    form = await open_form(bot)
    template = DEFAULT_TEMPLATES[State.INVESTIGATING]
    assert message_of(form) == ("message", template)
    preview = preview_of(form)
    count = f"{len(template):,}"
    assert (
        f"Phare incident `{PHARE_INCIDENT}` receives `investigating` · {count} / 10,000" in preview
    )
    assert (
        f"Checkly incident `{CHECKLY_INCIDENT}` receives `INVESTIGATING` · {count} characters"
        in (preview)
    )
    await bot.command("investigating Checkout is slow")
    form = await open_form(bot)
    assert form.block("state")["element"]["initial_option"]["value"] == "identified"
    assert message_of(form) == ("message", DEFAULT_TEMPLATES[State.IDENTIFIED])


async def test_choosing_a_state_replaces_an_untouched_template(bot: LiveBot) -> None:
    form = await change(bot, await open_form(bot), STATE, "monitoring")
    template = DEFAULT_TEMPLATES[State.MONITORING]
    assert message_of(form) == ("message-1", template)
    assert form.block("state")["element"]["initial_option"]["value"] == "monitoring"
    assert "receives `monitoring`" in preview_of(form)
    assert "receives `MONITORING`" in preview_of(form)
    form = await change(bot, form, STATE, "resolved")
    assert message_of(form) == ("message-2", DEFAULT_TEMPLATES[State.RESOLVED])
    status, body = await bot.interact(form.submission_payload())
    assert (status, body) == (200, "")
    [applied] = await wait_for(lambda: bot.fakes.phare.applied(PHARE_INCIDENT), what="publish")
    assert (applied["state"], applied["content"]) == ("resolved", DEFAULT_TEMPLATES[State.RESOLVED])


async def test_an_edited_message_is_kept_when_the_state_changes(bot: LiveBot) -> None:
    form = await open_form(bot)
    form.type(MESSAGE, "Payments fail for some EU cards")
    form = await change(bot, form, STATE, "identified")
    assert message_of(form) == ("message", "Payments fail for some EU cards")
    preview = preview_of(form)
    assert "receives `identified` · 31 / 10,000 characters" in preview
    assert "receives `IDENTIFIED` · 31 characters" in preview
    form = await change(bot, form, STATE, "maintenance")
    preview = preview_of(form)
    assert f":no_entry: Phare incident `{PHARE_INCIDENT}` has no such state" in preview
    assert "receives `MAINTENANCE`" in preview
    assert message_of(form)[0] == "message"


async def test_an_emptied_message_gets_the_new_states_template(bot: LiveBot) -> None:
    form = await open_form(bot)
    form.type(MESSAGE, None)
    form = await change(bot, form, STATE, "identified")
    assert message_of(form) == ("message-1", DEFAULT_TEMPLATES[State.IDENTIFIED])


async def test_changing_an_incident_redraws_the_preview(bot: LiveBot) -> None:
    form = await change(bot, await open_form(bot), PHARE, None)
    preview = preview_of(form)
    assert "Phare" not in preview
    assert "receives `INVESTIGATING`" in preview
    form = await change(bot, form, PHARE, "not-a-number")
    assert ":warning: Phare: `not-a-number` is not an incident id." in preview_of(form)


async def test_picking_a_publish_time_redraws_the_preview_saying_where_it_shows(
    bot: LiveBot,
) -> None:
    form = await open_form(bot)
    assert "shown as posted" not in preview_of(form)

    form = await change(bot, form, PUBLISHED_AT, 1_795_343_400)  # 2026-11-22 10:30 UTC

    lines = preview_of(form).splitlines()
    phare = next(line for line in lines if line.startswith("Phare incident"))
    checkly = next(line for line in lines if line.startswith("Checkly incident"))
    assert " · shown as posted <!date^1795343400^" in phare
    assert phare.endswith("|2026-11-22 10:30 UTC>")
    assert checkly.endswith(" · takes no publish time: shown as posted now")
    assert form.block("published_at")["element"]["initial_date_time"] == 1_795_343_400


async def test_errors_after_a_redraw_are_shown_under_the_redrawn_message(bot: LiveBot) -> None:
    form = await change(bot, await open_form(bot), STATE, "monitoring")
    form.type(MESSAGE, "   ")
    status, body = await bot.interact(form.submission_payload())
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"message-1"}
    assert bot.fakes.phare.applied(PHARE_INCIDENT) == []


async def test_a_redraw_from_a_stale_view_never_overwrites_a_newer_one(bot: LiveBot) -> None:
    opened = await open_form(bot)
    newer = await change(bot, HeldForm(opened.view), STATE, "monitoring")
    opened.type(STATE, "resolved")
    status, _ = await bot.interact(opened.action_payload(STATE))
    assert status == 200
    [*_, call] = await bot.slack.await_calls("views.update", count=2)
    assert call.response == {"ok": False, "error": "hash_conflict"}
    [held] = [v for v in bot.slack.views() if v["id"] == newer.view["id"]]
    assert message_of(HeldForm(held)) == ("message-1", DEFAULT_TEMPLATES[State.MONITORING])


async def test_operator_templates_come_from_a_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "templates.toml"
    path.write_text('[templates]\ninvestigating = "Checkout is degraded; we are on it."\n')
    async with live_bot(tmp_path, INCIDENT_BOT_TEMPLATES=str(path)) as bot:
        await bot.command(LINK)
        form = await open_form(bot)
        assert message_of(form) == ("message", "Checkout is degraded; we are on it.")
        form = await change(bot, form, STATE, "resolved")
        assert message_of(form) == ("message-1", DEFAULT_TEMPLATES[State.RESOLVED])
