"""Provider failures seen through the real `serve` process: Retry-After, refusals, outages."""

import json
import time

import pytest

from bot.domain.models import DeliveryStatus, Refused
from bot.store.repo import Repo
from tests.e2e.harness import LINK_BOTH, Stack
from tests.e2e.rows import CHECKLY, PHARE, creates, creates_arrive, delivery, phare_texts, settles
from tests.fakes.fixtures import CHECKLY_INCIDENT, PHARE_INCIDENT
from tests.fakes.replies import Reply
from tests.polling import eventually
from tests.slack.signing import CHANNEL_ID

TEXT = "Fix deployed, watching error rates"
FIELD_ERROR = "The content may not name a customer."
# A provider that is down holds its request for up to the 15 s read timeout; the other
# provider's request must not wait for that, so it has to arrive well within it.
PROMPTLY = 8.0
# More updates at once than the bot sends to one provider concurrently (16 per process).
BURST = 40


async def thread_says(stack: Stack, words: str) -> None:
    """Wait until a message in the incident channel (card or thread) contains `words`."""

    async def probe() -> bool:
        said = json.dumps(stack.slack.messages(CHANNEL_ID), ensure_ascii=False)
        return words in said

    await eventually(probe)


async def test_retry_after_is_waited_out_before_the_next_attempt(stack: Stack, store: Repo) -> None:
    stack.phare.script(Reply.rate_limited(retry_after=2))
    bot = stack.start_bot()
    stack.command(bot, LINK_BOTH)
    update_id = stack.publish(bot, f"monitoring {TEXT}")

    held = await settles(store, update_id, PHARE, DeliveryStatus.ACCEPTED)
    first, second = creates(stack.phare)
    assert second.at - first.at >= 2.0
    assert held.attempts == 2
    assert phare_texts(stack) == [TEXT]
    await thread_says(stack, "Retrying in")


async def test_a_refusal_is_shown_with_its_field_error_and_never_retried(
    stack: Stack, store: Repo
) -> None:
    stack.phare.script(Reply.invalid({"content": [FIELD_ERROR]}))
    bot = stack.start_bot()
    stack.command(bot, LINK_BOTH)
    update_id = stack.publish(bot, f"monitoring {TEXT}")

    refused = await settles(store, update_id, PHARE, DeliveryStatus.REFUSED)
    assert isinstance(refused.outcome, Refused)
    assert refused.outcome.status == 422
    assert refused.outcome.field_errors == {"content": (FIELD_ERROR,)}
    await settles(store, update_id, CHECKLY, DeliveryStatus.ACCEPTED)
    await thread_says(stack, f"`content`: {FIELD_ERROR}")
    await thread_says(stack, "Not retried")

    # A later update goes out through the same worker; the refused one is not sent again.
    later = stack.publish(bot, "monitoring Error rates back to normal")
    await settles(store, later, PHARE, DeliveryStatus.ACCEPTED)
    assert [r.json["content"] for r in creates(stack.phare)] == [TEXT, "Error rates back to normal"]
    assert (await delivery(store, update_id, PHARE)).attempts == 1


@pytest.mark.parametrize(
    "down", [Reply.hang(), Reply.server_error(503)], ids=["hanging", "answering-503"]
)
async def test_a_provider_that_is_down_does_not_delay_the_other(
    stack: Stack, store: Repo, down: Reply
) -> None:
    stack.phare.script(*[down] * 20)
    bot = stack.start_bot()
    stack.command(bot, LINK_BOTH)

    for n, text in enumerate(("Investigating checkout errors", "Rolled back the deploy"), 1):
        typed = time.monotonic()
        update_id = stack.publish(bot, f"monitoring {text}")
        await settles(store, update_id, CHECKLY, DeliveryStatus.ACCEPTED, within=PROMPTLY)
        assert creates(stack.checkly)[-1].at - typed < PROMPTLY
        await creates_arrive(stack.phare, n)
        phare = await delivery(store, update_id, PHARE)
        assert not phare.status.is_final  # Phare is still down, Checkly did not wait for it
    assert stack.phare.applied(PHARE_INCIDENT) == []
    assert [u["description"] for u in stack.checkly.applied(CHECKLY_INCIDENT)] == [
        "Investigating checkout errors",
        "Rolled back the deploy",
    ]
    bot.kill()  # no graceful stop waiting on a request that hangs


async def test_a_slow_slack_does_not_hold_back_deliveries(stack: Stack, store: Repo) -> None:
    bot = stack.start_bot()
    stack.command(bot, LINK_BOTH)
    stack.slack.latency = 1.0  # every thread message and card edit now takes a second
    texts = [f"Checkout errors, step {n:02d}" for n in range(BURST)]
    for text in texts:
        stack.publish(bot, f"monitoring {text}")
    typed = time.monotonic()

    # Held back behind the thread, the last ones would wait about a minute (3 Slack calls each).
    posts = await creates_arrive(stack.phare, BURST, within=PROMPTLY)
    assert sorted(r.json["content"] for r in posts) == sorted(texts)
    assert posts[-1].at - typed < PROMPTLY
    assert len(await creates_arrive(stack.checkly, BURST)) == BURST
    bot.kill()  # the thread is still being written; nothing left that a test looks at
