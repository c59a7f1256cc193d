"""The real `serve` process killed with SIGKILL and restarted: every update arrives exactly once.

Updates go in as a responder types them (signed `/incident-update` commands); what counts is
what the Phare and Checkly fakes hold afterwards and what the delivery rows say.
"""

from bot.domain.models import DeliveryStatus, Retry
from bot.domain.records import DeliveryReport
from bot.store.repo import Repo
from tests.e2e.harness import LINK_BOTH, BotProcess, Stack
from tests.e2e.rows import (
    CHECKLY,
    PHARE,
    creates,
    delivery,
    phare_lists,
    phare_texts,
    settles,
)
from tests.fakes.fixtures import CHECKLY_INCIDENT, PHARE_INCIDENT
from tests.fakes.replies import Reply
from tests.polling import eventually

TEXT = "Fix deployed, watching error rates"


async def assert_delivered_once(stack: Stack, bot: BotProcess, store: Repo, update_id: int) -> None:
    """Both fakes hold the update once; each row, and `status`, show the provider's id."""
    phare = await settles(store, update_id, PHARE, DeliveryStatus.ACCEPTED)
    checkly = await settles(store, update_id, CHECKLY, DeliveryStatus.ACCEPTED)
    (held_by_phare,) = stack.phare.applied(PHARE_INCIDENT)
    (held_by_checkly,) = stack.checkly.applied(CHECKLY_INCIDENT)
    assert (held_by_phare["state"], held_by_phare["content"]) == ("monitoring", TEXT)
    assert (held_by_checkly["status"], held_by_checkly["description"]) == ("MONITORING", TEXT)
    assert phare.provider_update_id == str(held_by_phare["id"])
    assert checkly.provider_update_id == held_by_checkly["id"]
    status = stack.command(bot, "status")
    assert f"(update #{update_id}): accepted (provider update {held_by_phare['id']})" in status


async def test_killed_between_failed_attempts_delivers_once_after_restart(
    stack: Stack, store: Repo
) -> None:
    # The second 503 asks for 3 s, so the kill lands while the row waits for its next attempt.
    stack.phare.script(Reply.server_error(503), Reply.server_error(503, retry_after=3))
    bot = stack.start_bot()
    stack.command(bot, LINK_BOTH)
    update_id = stack.publish(bot, f"monitoring {TEXT}")

    async def second_failure_recorded() -> DeliveryReport | None:
        report = await delivery(store, update_id, PHARE)
        return report if report.attempts == 2 and report.status is DeliveryStatus.PENDING else None

    waiting = await eventually(second_failure_recorded)
    assert isinstance(waiting.outcome, Retry)
    assert waiting.outcome.status == 503
    assert len(creates(stack.phare)) == 2
    bot.kill()
    assert stack.phare.applied(PHARE_INCIDENT) == []

    restarted = stack.start_bot()
    await assert_delivered_once(stack, restarted, store, update_id)
    assert len(creates(stack.phare)) == 3
    assert (await delivery(store, update_id, PHARE)).attempts == 3
    assert phare_lists(stack) == []  # a 503 is a clear "not applied": nothing to look for


async def test_killed_after_the_provider_applied_it_is_found_not_resent(
    stack: Stack, store: Repo
) -> None:
    stack.phare.script(Reply.apply_then_drop())
    # The first look for it fails and asks for 3 s: the kill lands while the check is owed.
    stack.phare.script_list(Reply.server_error(503, retry_after=3))
    bot = stack.start_bot()
    stack.command(bot, LINK_BOTH)
    update_id = stack.publish(bot, f"monitoring {TEXT}")

    async def check_owed() -> DeliveryReport | None:
        report = await delivery(store, update_id, PHARE)
        return report if report.attempts == 2 and report.status is DeliveryStatus.PENDING else None

    await eventually(check_owed)
    assert len(phare_lists(stack)) == 1
    bot.kill()
    assert phare_texts(stack) == [TEXT]

    restarted = stack.start_bot()
    await assert_delivered_once(stack, restarted, store, update_id)
    assert len(creates(stack.phare)) == 1
    assert len(phare_lists(stack)) == 2
