"""Every bad input, careless or hostile, against the whole bot: what the person sees, what is sent.

The bot runs in this process (bot.app.running_app: real store, engine, Slack and web apps)
against loopback Slack, Phare and Checkly. Each case checks the words shown to the person and
that the providers received nothing, or exactly the right thing.
"""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain.models import DeliveryStatus
from bot.domain.records import DeliveryReport
from bot.slack import ids
from tests.fakes.fixtures import CHECKLY_INCIDENT
from tests.fakes.replies import Reply
from tests.security.runtime import (
    CHANNEL,
    CHECKLY_ACTION,
    MESSAGE_ACTION,
    PHARE_ACTION,
    PUBLISHED_AT_ACTION,
    SECRET,
    STATE_ACTION,
    Bot,
    running_bot,
)
from tests.slack import signing

BOTH = f"link phare:42 checkly:{CHECKLY_INCIDENT}"
OTHER_USER = "U0OTHER0002"


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Bot]:
    """The bot, its channel linked to both providers."""
    async with running_bot(tmp_path) as running:
        assert "now publishes to" in await running.reply(BOTH)
        yield running


async def nothing_happened(bot: Bot) -> None:
    """No update stored, nothing sent to a provider, nothing posted in the channel."""
    status = await bot.app.core.repo.channel_status(CHANNEL)
    assert status.last_update is None
    assert bot.phare_creates() == []
    assert bot.checkly_creates() == []
    assert bot.slack.calls("chat.postMessage") == []


async def publish(bot: Bot, text: str) -> int:
    """Publish by command; the stored update's number."""
    reply = await bot.reply(text)
    assert reply.startswith("Stored update #"), reply
    return int(reply.removeprefix("Stored update #").split(" ", 1)[0])


# ---- Slack text: the inline command ----------------------------------------------------------

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "monitoring " + "x" * 10_001,
            "Phare takes at most 10,000 characters; this message has 10,001",
        ),
        ("monitoring", "Add a message after the state"),
        ("monitoring  \t   ", "Add a message after the state"),
        (f"monitoring {ZERO_WIDTH}", "Write a message: it is empty."),
        ("monitoring db\x00down", "The message contains NUL; remove it."),
        ("monitoring bell\x07", "the control character U+0007"),
        ("maintenance Patching the database", "Phare has no 'maintenance' state"),
        ("unknown Looking into it", "Checkly has no 'unknown' state"),
        ("fixed it now", "`fixed` is not a state or a subcommand"),
        ("&lt;!channel&gt; everyone look", "`&lt;!channel&gt;` is not a state or a subcommand"),
    ],
    ids=[
        "10001-chars",
        "empty",
        "whitespace",
        "zero-width",
        "nul",
        "bell",
        "no-target-has-state",
        "other-lacks-state",
        "unknown-word",
        "ping-as-word",
    ],
)
async def test_bad_command_text_is_explained_and_sends_nothing(
    bot: Bot, text: str, shown: str
) -> None:
    reply = await bot.reply(text)
    assert shown in reply
    assert "<!channel>" not in reply
    await nothing_happened(bot)


async def test_5001_emoji_reach_both_providers_exactly(bot: Bot) -> None:
    content = "🔥" * 5_000 + "👩‍🚒"
    await publish(bot, f"identified {content}")
    await bot.until(lambda: bot.phare.applied(42) and bot.checkly.applied(CHECKLY_INCIDENT))
    assert [u["content"] for u in bot.phare.applied(42)] == [content]
    assert [u["description"] for u in bot.checkly.applied(CHECKLY_INCIDENT)] == [content]
    await bot.until(lambda: len(bot.slack.calls("chat.postMessage")) >= 3)
    assert all(c.response["ok"] for c in bot.slack.calls()), "Slack took every message"


async def test_what_a_provider_receives_is_what_was_typed(bot: Bot) -> None:
    typed = "<!channel> & <@U0USER0001> <b>db</b> &amp; `x` *y*"
    escaped = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    await publish(bot, f"investigating {escaped}")
    await bot.until(lambda: bot.phare_creates() and bot.checkly_creates())
    assert bot.phare_creates() == [{"state": "investigating", "content": typed}]
    assert bot.checkly_creates() == [{"status": "INVESTIGATING", "description": typed}]
    posted = " ".join(bot.thread_texts())
    assert "<!channel>" not in posted
    assert "<@U0USER0001> <b>" not in posted


# ---- ids: every injection form, in `link` and in the form -------------------------------------

INJECTED = [
    "../42",
    "42/../43",
    "42?x=1",
    "42#top",
    "42%2F43",
    "%2e%2e%2F42",
    "42\r\nX-Evil: 1",
    "４２",
    "1_000",
    "+5",
    "-5",
    "0x2A",
    "42.0",
    "0",
    "9" * 20,
]


@pytest.mark.parametrize("incident", INJECTED, ids=lambda s: repr(s)[1:-1][:16])
async def test_injected_phare_id_in_link_changes_nothing(tmp_path: Path, incident: str) -> None:
    async with running_bot(tmp_path) as bot:
        reply = await bot.reply(f"link phare:{incident}")
        assert "Nothing was changed" in reply
        assert await bot.app.core.repo.get_binding(CHANNEL) is None
        assert "not linked" in await bot.reply("monitoring Still here")
        assert bot.phare.requests == []
        assert bot.checkly.requests == []


@pytest.mark.parametrize("suffix", ["/../x", "?a=1", "#x", "%2F", "\n", "0"])
async def test_injected_checkly_id_in_link_changes_nothing(bot: Bot, suffix: str) -> None:
    reply = await bot.reply(f"link checkly:{CHECKLY_INCIDENT}{suffix}x")
    refusals = ("is not a UUID", "is not a target", "is not &lt;status-page-uuid&gt;/")
    assert any(refusal in reply for refusal in refusals)
    binding = await bot.app.core.repo.get_binding(CHANNEL)
    assert binding is not None
    assert {t.incident_id for t in binding.targets} == {"42", CHECKLY_INCIDENT}


# ---- modal values --------------------------------------------------------------------------

FORM_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("empty", {MESSAGE_ACTION: ""}, ids.MESSAGE_BLOCK, "empty"),
    ("whitespace", {MESSAGE_ACTION: " \n\t "}, ids.MESSAGE_BLOCK, "empty"),
    ("zero-width", {MESSAGE_ACTION: ZERO_WIDTH}, ids.MESSAGE_BLOCK, "empty"),
    ("nul", {MESSAGE_ACTION: "a\x00b"}, ids.MESSAGE_BLOCK, "NUL"),
    ("lone-surrogate", {MESSAGE_ACTION: "ok \ud800 then"}, ids.MESSAGE_BLOCK, "lone surrogate"),
    ("state-lacking", {STATE_ACTION: "maintenance"}, ids.STATE_BLOCK, "Phare has no 'maintenance'"),
    ("phare-dotdot", {PHARE_ACTION: "../42"}, ids.PHARE_BLOCK, "not a positive whole number"),
    ("phare-query", {PHARE_ACTION: "42?x=1"}, ids.PHARE_BLOCK, "not a positive whole number"),
    ("phare-fullwidth", {PHARE_ACTION: "４２"}, ids.PHARE_BLOCK, "not a positive whole number"),
    ("phare-underscore", {PHARE_ACTION: "1_000"}, ids.PHARE_BLOCK, "not a positive whole number"),
    ("phare-crlf", {PHARE_ACTION: "42\r\n43"}, ids.PHARE_BLOCK, "not a positive whole number"),
    ("checkly-slash", {CHECKLY_ACTION: CHECKLY_INCIDENT + "%2F"}, ids.CHECKLY_BLOCK, "not a UUID"),
    ("no-target", {PHARE_ACTION: "", CHECKLY_ACTION: ""}, ids.PHARE_BLOCK, "at least one"),
]


@pytest.mark.parametrize(
    ("entries", "block", "shown"), [c[1:] for c in FORM_CASES], ids=[c[0] for c in FORM_CASES]
)
async def test_bad_form_values_show_under_their_field(
    bot: Bot, entries: dict[str, Any], block: str, shown: str
) -> None:
    view = await bot.open_form()
    filled = {STATE_ACTION: "identified", MESSAGE_ACTION: "Bad deploy", **entries}
    status, answer = await bot.submit(view, filled)
    assert status == 200
    assert answer["response_action"] == "errors"
    assert shown in answer["errors"][block]
    await nothing_happened(bot)


@pytest.mark.parametrize("moment", [10**18, -(10**18), float("inf")], ids=["far", "before", "inf"])
async def test_impossible_publish_time_is_refused_in_the_form(bot: Bot, moment: float) -> None:
    view = await bot.open_form()
    entries = {STATE_ACTION: "identified", MESSAGE_ACTION: "x", PUBLISHED_AT_ACTION: moment}
    status, answer = await bot.submit(view, entries)
    assert status == 200
    assert ids.PUBLISHED_AT_BLOCK in answer.get("errors", {})
    await nothing_happened(bot)


async def test_form_of_another_user_who_may_not_publish_is_refused(tmp_path: Path) -> None:
    async with running_bot(tmp_path, INCIDENT_BOT_ALLOWED_USERS=signing.USER_ID) as bot:
        await bot.reply("link phare:42")
        view = await bot.open_form()
        entries = {STATE_ACTION: "identified", MESSAGE_ACTION: "x"}
        status, answer = await bot.submit(view, entries, user_id=OTHER_USER)
        assert status == 200
        assert "not on the list of people allowed" in answer["errors"][ids.MESSAGE_BLOCK]
        await nothing_happened(bot)


# ---- provider answers ------------------------------------------------------------------------


async def first_attempts(bot: Bot, update_id: int) -> dict[str, DeliveryReport]:
    """Each target's delivery once it has been tried at least once, keyed by provider."""
    found: dict[str, DeliveryReport] = {}

    async def tried() -> bool:
        reports = await bot.app.core.repo.deliveries_of(update_id)
        found.update({r.target.provider.value: r for r in reports})
        done = [r.attempts >= 1 and r.status is not DeliveryStatus.IN_FLIGHT for r in reports]
        return bool(reports) and all(done)

    await bot.until_async(tried)
    return found


async def thread_says(bot: Bot, *words: str) -> str:
    """Wait until one message in the channel holds every word; all the channel's text."""
    await bot.until(lambda: any(all(w in t for w in words) for t in bot.thread_texts()))
    return " ".join(bot.thread_texts())


def http_date(seconds_from_now: float) -> str:
    """An HTTP date (as in Retry-After) this far from now."""
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds_from_now), usegmt=True)


@pytest.mark.parametrize(
    ("retry_after", "low", "high"),
    [("30", 25.0, 30.0), ("date:120", 100.0, 121.0), ("999999999", 590.0, 600.0)],
    ids=["seconds", "http-date", "huge"],
)
async def test_retry_after_is_honoured_and_capped(
    bot: Bot, retry_after: str, low: float, high: float
) -> None:
    if retry_after.startswith("date:"):
        retry_after = http_date(float(retry_after.removeprefix("date:")))
    bot.phare.script(Reply.rate_limited(retry_after=retry_after))
    update_id = await publish(bot, "monitoring Fix deployed")
    phare = (await first_attempts(bot, update_id))["phare"]
    assert phare.status is DeliveryStatus.PENDING
    assert phare.next_attempt_in is not None
    assert low <= phare.next_attempt_in <= high
    await thread_says(bot, "Phare is limiting requests (HTTP 429)")
    assert len(bot.phare_creates()) == 1
    assert bot.phare.applied(42) == []
    await bot.until(lambda: len(bot.checkly.applied(CHECKLY_INCIDENT)) == 1)


@pytest.mark.parametrize(
    "reply",
    [
        Reply.rate_limited(),
        Reply.rate_limited(retry_after=1, status=420),
        Reply.html(502),
        Reply.empty(503),
    ],
    ids=["429-no-retry-after", "420-like-429", "html-502", "empty-503"],
)
async def test_passing_failures_are_retried_and_delivered_once(bot: Bot, reply: Reply) -> None:
    bot.phare.script(reply)
    update_id = await publish(bot, "monitoring Fix deployed")
    assert await bot.settled(update_id) == [DeliveryStatus.ACCEPTED] * 2
    assert len(bot.phare_creates()) == 2
    assert [u["content"] for u in bot.phare.applied(42)] == ["Fix deployed"]
    text = await thread_says(bot, "Phare", f"HTTP {reply.code or 429}")
    assert "<html" not in text
    assert "color:red" not in text
    if reply.kind == "raw" and reply.body:
        assert "502 Bad Gateway nginx" in text


@pytest.mark.parametrize(
    ("reply", "shown"),
    [
        (Reply.empty(403), "Checkly forbids this action for these credentials"),
        (Reply.forbidden("Missing scope incidents:write"), "Missing scope incidents:write"),
        (Reply.empty(401), "check CHECKLY_API_KEY"),
    ],
    ids=["empty-403", "worded-403", "empty-401"],
)
async def test_one_provider_accepts_while_the_other_refuses(
    bot: Bot, reply: Reply, shown: str
) -> None:
    bot.checkly.script(reply)
    update_id = await publish(bot, "resolved All clear")
    statuses = await bot.settled(update_id)
    # Phare: the resolved update, then the recovery that follows it; Checkly: refused.
    accepted, refused = DeliveryStatus.ACCEPTED, DeliveryStatus.REFUSED
    assert sorted(statuses) == sorted([accepted, accepted, refused])
    assert [u["content"] for u in bot.phare.applied(42)] == ["All clear"]
    recovered = bot.phare.incident(42)
    assert recovered is not None
    assert recovered["status"] == "recovered"
    assert bot.checkly.applied(CHECKLY_INCIDENT) == []
    assert len(bot.checkly_creates()) == 1
    await thread_says(bot, shown)


# ---- reactions -------------------------------------------------------------------------------

REPLY_TS = "1800000000.000200"


async def thread_with_reply(bot: Bot, text: str = "DB failover done") -> str:
    """Publish once (posting the card) and add a person's reply to the card's thread."""
    update_id = await publish(bot, "investigating Looking into it")
    await bot.settled(update_id)
    card = await bot.card_ts()
    bot.slack.seed_message(CHANNEL, REPLY_TS, text, OTHER_USER, thread_ts=card)
    return card


async def test_racing_reactions_from_two_users_publish_once(bot: Bot) -> None:
    await thread_with_reply(bot)
    statuses = await asyncio.gather(
        bot.react("mag", REPLY_TS), bot.react("mag", REPLY_TS, user_id=OTHER_USER)
    )
    assert list(statuses) == [200, 200]
    await bot.slack.await_calls("conversations.replies", 2)
    await bot.until(lambda: len(bot.phare.applied(42)) == 2)
    status = await bot.app.core.repo.channel_status(CHANNEL)
    assert status.last_update is not None
    assert status.last_update.id == 2
    assert [u["content"] for u in bot.phare.applied(42)][1] == "DB failover done"


async def test_reaction_outside_the_thread_publishes_nothing(bot: Bot) -> None:
    await thread_with_reply(bot)
    bot.slack.seed_message(CHANNEL, "1800000000.000300", "unrelated chatter", OTHER_USER)
    bot.slack.seed_message(
        CHANNEL, "1800000000.000400", "other thread", OTHER_USER, thread_ts="1800000000.000300"
    )
    for ts in ("1800000000.000300", "1800000000.000400"):
        assert await bot.react("white_check_mark", ts) == 200
    await bot.slack.await_calls("conversations.replies", 2)
    assert "Stored update #2" in await bot.reply("monitoring Checking the replicas")
    assert bot.slack.ephemeral() == []
    assert not any("resolved" in str(u) for u in bot.phare_creates())


async def test_reaction_by_someone_not_allowed_publishes_nothing(tmp_path: Path) -> None:
    async with running_bot(tmp_path, INCIDENT_BOT_ALLOWED_USERS=signing.USER_ID) as bot:
        await bot.reply(BOTH)
        await thread_with_reply(bot)
        assert await bot.react("white_check_mark", REPLY_TS, user_id=OTHER_USER) == 200
        [ephemeral] = await bot.slack.await_calls("chat.postEphemeral")
        assert ephemeral.params["user"] == OTHER_USER
        assert "not allowed to publish" in ephemeral.params["text"]
        assert len(bot.phare_creates()) == 1


async def test_a_reaction_delivered_again_by_slack_publishes_once(bot: Bot) -> None:
    await thread_with_reply(bot)
    event = signing.reaction_added_event(reaction="hourglass_flowing_sand", ts=REPLY_TS)
    for retry in (None, 1, 2):
        request = signing.event_callback(SECRET, event, event_id="Ev0REPLAY01", retry_num=retry)
        assert (await bot.post(request))[0] == 200
    await bot.until(lambda: len(bot.phare.applied(42)) == 2)
    status = await bot.app.core.repo.channel_status(CHANNEL)
    assert status.last_update is not None
    assert status.last_update.id == 2


# ---- requests: replays, retyped commands, other workspaces and apps, who may publish ---------


async def test_a_signed_command_replayed_within_the_window_publishes_once(bot: Bot) -> None:
    request = signing.slash_command(SECRET, text="monitoring Replayed", response_url="x")
    first, again = await bot.post(request), await bot.post(request)
    assert first[0] == again[0] == 200
    assert "Stored update #1" in first[1]
    assert "update #1" in again[1].lower()
    assert "already" in again[1].lower()
    assert await bot.settled(1) == [DeliveryStatus.ACCEPTED] * 2
    assert len(bot.phare_creates()) == 1
    assert len(bot.checkly_creates()) == 1


async def test_a_command_retyped_after_a_timeout_publishes_once(bot: Bot) -> None:
    await publish(bot, "identified Bad deploy rolled back")
    again = await bot.reply("identified Bad deploy rolled back")
    assert again.startswith("Already published this a few seconds ago (update #1")
    other = await bot.reply("identified Bad deploy rolled back", user_id=OTHER_USER)
    assert other.startswith("Stored update #2")
    await bot.settled(2)
    assert len(bot.phare.applied(42)) == 2


def foreign(body: str, **swap: str) -> str:
    """A request body with this workspace's or app's id replaced by another's."""
    for old, new in swap.items():
        body = body.replace(old, new)
    return body


@pytest.mark.parametrize(
    "swap",
    [{signing.TEAM_ID: "T0OTHER999"}, {signing.APP_ID: "A0OTHER999"}],
    ids=["other-workspace", "other-app"],
)
async def test_commands_for_another_workspace_or_app_change_nothing(
    tmp_path: Path, swap: dict[str, str]
) -> None:
    async with running_bot(tmp_path) as bot:
        body = foreign(signing.slash_command_body(text="link phare:42"), **swap)
        status, text = await bot.post(signing.sign(SECRET, body, content_type=signing.FORM))
        assert status == 200
        assert "does not serve" in text
        assert await bot.app.core.repo.get_binding(CHANNEL) is None


@pytest.mark.parametrize(
    "swap",
    [{signing.TEAM_ID: "T0OTHER999"}, {signing.APP_ID: "A0OTHER999"}],
    ids=["other-workspace", "other-app"],
)
async def test_events_and_forms_for_another_workspace_or_app_change_nothing(
    bot: Bot, swap: dict[str, str]
) -> None:
    card = await thread_with_reply(bot)
    event = signing.reaction_added_event(reaction="white_check_mark", ts=card)
    body = foreign(signing.event_body(event), **swap)
    answer = await bot.post(signing.sign(SECRET, body, content_type=signing.JSON))
    assert answer[0] == 401
    view = await bot.open_form()
    payload = signing.view_submission_payload(view, {STATE_ACTION: "resolved"})
    raw = foreign(signing.interaction_body(payload), **swap)
    status, text = await bot.post(signing.sign(SECRET, raw, content_type=signing.FORM))
    assert status == 200
    assert "does not serve" in text
    assert len(bot.phare_creates()) == 1


async def test_only_listed_users_and_group_members_may_publish(tmp_path: Path) -> None:
    env = {"INCIDENT_BOT_ALLOWED_USERS": "U0BOSS0001", "INCIDENT_BOT_ALLOWED_GROUPS": "S0ONCALL01"}
    async with running_bot(tmp_path, **env) as bot:
        bot.slack.seed_usergroup("S0ONCALL01", [signing.USER_ID])
        assert "now publishes to" in await bot.reply("link phare:42")
        refused = await bot.reply("unlink", user_id=OTHER_USER)
        assert "not on the list of people allowed" in refused
        assert "not on the list" in await bot.reply("monitoring x", user_id=OTHER_USER)
        assert (await bot.app.core.repo.get_binding(CHANNEL)) is not None
        assert (await bot.reply("monitoring Boss says", user_id="U0BOSS0001")).startswith("Stored")
        await bot.settled(1)
        assert [u["content"] for u in bot.phare.applied(42)] == ["Boss says"]
