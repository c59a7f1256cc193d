"""The fake Slack answers slack_sdk's real AsyncWebClient the way Slack does."""

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import FakeSlack, Workspace


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A running fake Slack with a short trigger life."""
    with FakeSlack(workspace=Workspace(trigger_ttl=0.2)) as fake:
        yield fake


def client_for(slack: FakeSlack, token: str | None = None) -> AsyncWebClient:
    """A real client pointed at the fake, retrying rate limits like the bot does."""
    return AsyncWebClient(
        token=token or slack.token,
        base_url=slack.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=2)],
    )


def modal(title: str = "Incident update", blocks: int = 1, metadata: str = "") -> dict[str, Any]:
    """A small modal view."""
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [section] * blocks,
        "private_metadata": metadata,
    }


async def test_auth_test_names_the_bot(slack: FakeSlack) -> None:
    response = await client_for(slack).auth_test()
    assert response["user_id"] == slack.workspace.bot_user_id
    assert response["team_id"] == slack.workspace.team_id
    assert response["bot_id"] == slack.workspace.bot_id


async def test_missing_and_wrong_tokens_are_refused(slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as wrong:
        await client_for(slack, token="xoxb-wrong").chat_postMessage(channel="C1", text="x")
    assert wrong.value.response["error"] == "invalid_auth"
    assert wrong.value.response.status_code == 200
    anonymous = AsyncWebClient(token=None, base_url=slack.api_url)
    with pytest.raises(SlackApiError) as missing:
        await anonymous.auth_test()
    assert missing.value.response["error"] == "not_authed"
    assert slack.messages("C1") == []


async def test_replies_follow_slacks_thread_semantics(slack: FakeSlack) -> None:
    client = client_for(slack)
    parent = await client.chat_postMessage(channel="C1", text="card")
    reply = await client.chat_postMessage(channel="C1", text="reply", thread_ts=parent["ts"])
    whole = await client.conversations_replies(channel="C1", ts=parent["ts"])
    assert [m["text"] for m in whole["messages"]] == ["card", "reply"]
    assert whole["messages"][0]["reply_count"] == 1
    only = await client.conversations_replies(channel="C1", ts=reply["ts"], limit=1)
    assert [(m["text"], m["thread_ts"]) for m in only["messages"]] == [("reply", parent["ts"])]
    assert [m["text"] for m in slack.thread("C1", parent["ts"])] == ["card", "reply"]


async def test_seeded_messages_and_missing_ones(slack: FakeSlack) -> None:
    slack.seed_message("C2", "100.000001", "a &lt;b&gt;", "U1")
    found = await client_for(slack).conversations_replies(channel="C2", ts="100.000001", limit=1)
    assert found["messages"][0]["text"] == "a &lt;b&gt;"
    assert "thread_ts" not in found["messages"][0]
    with pytest.raises(SlackApiError) as missing:
        await client_for(slack).conversations_replies(channel="C2", ts="1.000000")
    assert missing.value.response["error"] == "thread_not_found"


async def test_channel_errors_and_scripted_failures(slack: FakeSlack) -> None:
    client = client_for(slack)
    slack.set_channel_error("CX", "not_in_channel")
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="CX", text="x")
    assert refused.value.response["error"] == "not_in_channel"
    slack.fail_next("chat.postMessage", "channel_not_found")
    with pytest.raises(SlackApiError):
        await client.chat_postMessage(channel="C1", text="x")
    assert (await client.chat_postMessage(channel="C1", text="x"))["ok"]
    assert [c.response["ok"] for c in slack.calls("chat.postMessage")] == [False, False, True]


async def test_ratelimit_is_a_429_with_retry_after(slack: FakeSlack) -> None:
    slack.ratelimit_next("chat.update", times=1, retry_after=0)
    client = client_for(slack)
    posted = await client.chat_postMessage(channel="C1", text="one")
    await client.chat_update(channel="C1", ts=posted["ts"], text="two")
    first, second = slack.calls("chat.update")
    assert (first.status, first.response["error"]) == (429, "ratelimited")
    assert second.status == 200
    assert slack.messages("C1")[0]["text"] == "two"


async def test_block_limits_are_enforced(slack: FakeSlack) -> None:
    client = client_for(slack)
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    with pytest.raises(SlackApiError) as too_long:
        await client.chat_postMessage(channel="C1", text="t", blocks=[section])
    assert too_long.value.response["error"] == "invalid_blocks"
    small = {"type": "divider"}
    with pytest.raises(SlackApiError):
        await client.chat_postMessage(channel="C1", text="t", blocks=[small] * 51)
    with pytest.raises(SlackApiError) as empty, pytest.warns(UserWarning, match="text"):
        await client.chat_postMessage(channel="C1")
    assert empty.value.response["error"] == "no_text"


async def test_triggers_are_single_use_and_expire(slack: FakeSlack) -> None:
    client = client_for(slack)
    trigger = slack.issue_trigger_id()
    opened = await client.views_open(trigger_id=trigger, view=modal())
    assert opened["view"]["id"]
    with pytest.raises(SlackApiError) as reused:
        await client.views_open(trigger_id=trigger, view=modal())
    assert reused.value.response["error"] == "exchanged_trigger_id"
    stale = slack.issue_trigger_id()
    await asyncio.sleep(0.25)  # the trigger's life is 0.2 s here: waiting past it is the point
    with pytest.raises(SlackApiError) as expired:
        await client.views_open(trigger_id=stale, view=modal())
    assert expired.value.response["error"] == "expired_trigger_id"


@pytest.mark.parametrize(
    "view",
    [modal(title="x" * 25), modal(blocks=101), modal(metadata="m" * 3001)],
    ids=["title", "blocks", "metadata"],
)
async def test_views_are_validated(slack: FakeSlack, view: dict[str, Any]) -> None:
    with pytest.raises(SlackApiError) as invalid:
        await client_for(slack).views_open(trigger_id=slack.issue_trigger_id(), view=view)
    assert invalid.value.response["error"] == "invalid_arguments"


async def test_views_update_detects_stale_hash(slack: FakeSlack) -> None:
    client = client_for(slack)
    opened = await client.views_open(trigger_id=slack.issue_trigger_id(), view=modal())
    view_id, view_hash = opened["view"]["id"], opened["view"]["hash"]
    await client.views_update(view_id=view_id, hash=view_hash, view=modal(title="Second"))
    with pytest.raises(SlackApiError) as conflict:
        await client.views_update(view_id=view_id, hash=view_hash, view=modal(title="Third"))
    assert conflict.value.response["error"] == "hash_conflict"


async def test_users_groups_and_reactions(slack: FakeSlack) -> None:
    client = client_for(slack)
    slack.seed_user("U1", "ada", real_name="Ada Lovelace")
    slack.seed_usergroup("S1", ["U1", "U2"])
    slack.seed_message("C1", "5.000001", "hello", "U2")
    slack.seed_reaction("C1", "5.000001", "eyes", "U1")
    assert (await client.users_info(user="U1"))["user"]["real_name"] == "Ada Lovelace"
    assert (await client.usergroups_users_list(usergroup="S1"))["users"] == ["U1", "U2"]
    got = await client.reactions_get(channel="C1", timestamp="5.000001")
    assert got["message"]["reactions"][0]["name"] == "eyes"
    with pytest.raises(SlackApiError) as unknown:
        await client.users_info(user="U404")
    assert unknown.value.response["error"] == "user_not_found"
