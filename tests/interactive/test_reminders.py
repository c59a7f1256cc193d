"""Reminders through the real app: a quiet thread is nudged; snooze; resolved, unlinked: none."""

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete, select

from bot.store.schema import reminders
from tests.fakes.fixtures import PHARE_INCIDENT
from tests.interactive.live import LiveBot, buttons, eventually, live_bot, shown, wait_for

POST = "reminder_post_update"
SNOOZE = "reminder_snooze"
INTERVAL_MINUTES = "0.02"  # 1.2 s
INTERVAL_SECONDS = 1.2
NUDGE = "No update for"
OUTSIDER = "U0OUTSIDE1"


def nudges(bot: LiveBot) -> list[dict[str, Any]]:
    """The reminders posted in the incident thread, oldest first (snoozed ones too)."""
    return [
        m
        for m in bot.thread()[1:]
        if NUDGE in shown(m) or POST in buttons(m) or "snoozed" in shown(m)
    ]


async def start_incident(bot: LiveBot, text: str = "investigating DB is down") -> float:
    """Link the channel to Phare, publish one update, wait for the card; when it was published."""
    await bot.command(f"link phare:{PHARE_INCIDENT}")
    published = time.monotonic()
    await bot.command(text)
    await wait_for(bot.thread, what="status card")
    return published


async def reminder_rows(bot: LiveBot) -> list[dict[str, Any]]:
    """The stored reminders."""
    async with bot.app.core.repo.engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(select(reminders))).mappings()]


async def no_rows(bot: LiveBot) -> bool:
    """Whether no reminder is stored."""
    return await reminder_rows(bot) == []


async def stays_quiet(bot: LiveBot, count: int, intervals: float = 2.5) -> None:
    """Wait a few intervals (bounded) and check no further reminder was posted."""
    await asyncio.sleep(INTERVAL_SECONDS * intervals)
    assert len(nudges(bot)) == count


def ephemeral_to(bot: LiveBot, user: str) -> list[str]:
    """What the user was told privately."""
    return [str(e["text"]) for e in bot.slack.ephemeral() if e["user"] == user]


async def test_a_quiet_incident_is_nudged_once_the_interval_passes(tmp_path: Path) -> None:
    async with live_bot(tmp_path, INCIDENT_BOT_REMINDER_MINUTES=INTERVAL_MINUTES) as bot:
        published = await start_incident(bot)
        [nudge, *_] = await wait_for(lambda: nudges(bot), what="a reminder")
        assert buttons(nudge) == [POST, SNOOZE]
        assert ":eyes: *Investigating*" in shown(nudge)
        posted = next(c.at for c in bot.slack.calls("chat.postMessage") if NUDGE in str(c.params))
        assert posted - published >= INTERVAL_SECONDS - 0.1
        before = len(nudges(bot))
        exposition, _ = await bot.app.core.metrics.exposition()
        (counted,) = [
            sample.value
            for family in text_string_to_metric_families(exposition.decode())
            for sample in family.samples
            if sample.name == "incident_bot_reminders_posted_total"
        ]
        assert before <= counted <= len(nudges(bot))


async def test_each_update_rearms_the_reminder(tmp_path: Path) -> None:
    async with live_bot(tmp_path, INCIDENT_BOT_REMINDER_MINUTES=INTERVAL_MINUTES) as bot:
        await start_incident(bot)
        await wait_for(lambda: nudges(bot), what="a first reminder")
        updated = time.monotonic()
        await bot.command("identified Bad index on the orders table")
        await wait_for(lambda: len(nudges(bot)) >= 2, what="a second reminder")
        second = [c.at for c in bot.slack.calls("chat.postMessage") if NUDGE in str(c.params)][1]
        assert second - updated >= INTERVAL_SECONDS - 0.1
        assert ":mag: *Identified*" in shown(nudges(bot)[1])


async def test_snooze_stops_reminders_for_thirty_minutes(tmp_path: Path) -> None:
    async with live_bot(tmp_path, INCIDENT_BOT_REMINDER_MINUTES=INTERVAL_MINUTES) as bot:
        await start_incident(bot)
        [nudge] = await wait_for(lambda: nudges(bot), what="a reminder")
        assert await bot.click(nudge, SNOOZE) == 200
        edited = await wait_for(
            lambda: [m for m in nudges(bot) if "snoozed" in shown(m)], what="snoozed note"
        )
        assert "Reminder snoozed by <@U0USER0001> until" in shown(edited[0])
        assert buttons(edited[0]) == []
        [row] = await reminder_rows(bot)
        assert row["snoozed_until"] is not None
        assert (row["snoozed_until"] - row["last_fired_at"]).total_seconds() >= 29 * 60
        await stays_quiet(bot, count=1)


async def test_resolved_incident_gets_no_more_reminders(tmp_path: Path) -> None:
    async with live_bot(tmp_path, INCIDENT_BOT_REMINDER_MINUTES=INTERVAL_MINUTES) as bot:
        await start_incident(bot)
        await wait_for(lambda: nudges(bot), what="a reminder while unresolved")
        count = len(nudges(bot))
        await bot.command("resolved All systems normal")
        await wait_for(lambda: bot.replies("All systems normal"), what="resolved announcement")
        await eventually(lambda: no_rows(bot), what="reminder removed")
        await stays_quiet(bot, count=count)


async def test_unlinking_the_channel_ends_its_reminder(tmp_path: Path) -> None:
    async with live_bot(tmp_path, INCIDENT_BOT_REMINDER_MINUTES=INTERVAL_MINUTES) as bot:
        await start_incident(bot)
        await eventually(lambda: reminder_rows(bot), what="reminder armed")
        await bot.command("unlink")
        assert await reminder_rows(bot) == []
        await stays_quiet(bot, count=0)


async def test_zero_turns_reminders_off(tmp_path: Path) -> None:
    async with live_bot(tmp_path, INCIDENT_BOT_REMINDER_MINUTES="0") as bot:
        await start_incident(bot)
        assert await reminder_rows(bot) == []
        await stays_quiet(bot, count=0)


async def test_post_update_opens_the_form_with_the_last_update(tmp_path: Path) -> None:
    async with live_bot(tmp_path, INCIDENT_BOT_REMINDER_MINUTES=INTERVAL_MINUTES) as bot:
        await start_incident(bot, "monitoring Replica caught up; watching lag")
        [nudge, *_] = await wait_for(lambda: nudges(bot), what="a reminder")
        assert await bot.click(nudge, POST) == 200
        [call] = await bot.slack.await_calls("views.open")
        view = (
            json.loads(call.params["view"])
            if isinstance(call.params["view"], str)
            else call.params["view"]
        )
        state = next(b for b in view["blocks"] if b.get("block_id") == "state")
        message = next(b for b in view["blocks"] if b.get("block_id") == "message")
        phare = next(b for b in view["blocks"] if b.get("block_id") == "phare_incident")
        assert state["element"]["initial_option"]["value"] == "monitoring"
        assert message["element"]["initial_value"] == "Replica caught up; watching lag"
        assert phare["element"]["initial_value"] == PHARE_INCIDENT


async def test_reminder_buttons_are_for_allowed_people_only(tmp_path: Path) -> None:
    env = {
        "INCIDENT_BOT_REMINDER_MINUTES": INTERVAL_MINUTES,
        "INCIDENT_BOT_ALLOWED_USERS": "U0USER0001",
    }
    async with live_bot(tmp_path, **env) as bot:
        await start_incident(bot)
        [nudge, *_] = await wait_for(lambda: nudges(bot), what="a reminder")
        for action in (POST, SNOOZE):
            told = len(ephemeral_to(bot, OUTSIDER))
            assert await bot.click(nudge, action, user=OUTSIDER) == 200
            said = await wait_for(lambda: ephemeral_to(bot, OUTSIDER)[told:], what="refusal")  # noqa: B023
            assert "not on the list" in said[0]
        assert bot.slack.calls("views.open") == []
        [row] = await reminder_rows(bot)
        assert row["snoozed_until"] is None
        assert all(POST in buttons(m) for m in nudges(bot))


async def test_a_reminder_lost_from_the_store_is_armed_again(tmp_path: Path) -> None:
    async with live_bot(tmp_path, INCIDENT_BOT_REMINDER_MINUTES=INTERVAL_MINUTES) as bot:
        await start_incident(bot)
        await eventually(lambda: reminder_rows(bot), what="reminder armed")
        async with bot.app.core.repo.engine.begin() as conn:
            await conn.execute(delete(reminders))
        await wait_for(lambda: nudges(bot), what="a reminder all the same")
