"""`GET /metrics` of the real `serve` after real flows: the counters move as a user would expect."""

import math
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.domain.models import DeliveryStatus
from bot.store.repo import Repo
from tests.e2e.harness import LINK_BOTH, BotProcess, Stack
from tests.e2e.rows import CHECKLY, PHARE, creates_arrive, send_held_open, settles
from tests.fakes.replies import Reply
from tests.polling import eventually

ATTEMPTS = "incident_bot_delivery_attempts_total"
FORBIDDEN_LABELS = {"user", "channel", "incident", "incident_id", "text", "message", "team"}


def scrape(bot: BotProcess) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample `/metrics` serves now, by name and labels."""
    answer = httpx.get(f"{bot.url}/metrics", timeout=5.0)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            assert not FORBIDDEN_LABELS & set(sample.labels)
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(bot: BotProcess, name: str, **labels: str) -> float:
    """One sample's value (0 when it is not there yet)."""
    return scrape(bot).get((name, frozenset(labels.items())), 0.0)


async def counts(bot: BotProcess, name: str, expected: float, **labels: str) -> None:
    """Wait until the sample reaches `expected`."""

    async def reached() -> bool:
        return math.isclose(value(bot, name, **labels), expected)

    await eventually(reached, what=f"{name}{labels} == {expected}")


async def test_an_accepted_update_a_refusal_and_a_retry_are_counted(
    stack: Stack, store: Repo
) -> None:
    bot = stack.start_bot()
    stack.command(bot, LINK_BOTH)
    assert (
        value(bot, "incident_bot_updates_stored_total", source="inline", operation="publish") == 0
    )

    first = stack.publish(bot, "investigating Error rates are up")
    await settles(store, first, PHARE, DeliveryStatus.ACCEPTED)
    await settles(store, first, CHECKLY, DeliveryStatus.ACCEPTED)
    await counts(bot, "incident_bot_updates_stored_total", 1, source="inline", operation="publish")
    for provider in ("phare", "checkly"):
        await counts(
            bot,
            "incident_bot_deliveries_total",
            1,
            operation="publish",
            provider=provider,
            outcome="accepted",
        )
        await counts(
            bot,
            "incident_bot_delivery_attempts_total",
            1,
            provider=provider,
            operation="publish",
            result="accepted",
            status="none",
        )
    sends = value(
        bot,
        "incident_bot_provider_request_duration_seconds_count",
        provider="phare",
        operation="publish",
    )
    assert sends == 1

    stack.phare.script(Reply.invalid({"content": ["The content is too long."]}))
    refused = stack.publish(bot, "identified Cache node out of memory")
    await settles(store, refused, PHARE, DeliveryStatus.REFUSED)
    await counts(
        bot,
        "incident_bot_deliveries_total",
        1,
        operation="publish",
        provider="phare",
        outcome="refused",
    )
    await counts(
        bot,
        "incident_bot_delivery_attempts_total",
        1,
        provider="phare",
        operation="publish",
        result="refused",
        status="422",
    )

    stack.phare.script(Reply.server_error(503, retry_after=30))
    waiting = stack.publish(bot, "monitoring Replacement node is warming up")
    await creates_arrive(stack.phare, 3)
    await counts(
        bot,
        "incident_bot_delivery_attempts_total",
        1,
        provider="phare",
        operation="publish",
        result="retry",
        status="503",
    )
    await counts(bot, "incident_bot_deliveries_pending", 1, provider="phare")
    assert (await settles(store, waiting, CHECKLY, DeliveryStatus.ACCEPTED)).attempts == 1
    pending_at_checkly = ("incident_bot_deliveries_pending", frozenset({("provider", "checkly")}))
    assert scrape(bot)[pending_at_checkly] == 0
    commands = "incident_bot_slack_request_duration_seconds_count"
    assert value(bot, commands, kind="command") == 4  # link and three updates


async def test_slack_refusing_a_call_is_counted_by_method_and_error(
    stack: Stack, store: Repo
) -> None:
    bot = stack.start_bot()
    stack.command(bot, LINK_BOTH)
    stack.slack.fail_next("chat.postMessage", "not_in_channel")
    update_id = stack.publish(bot, "investigating Logins fail for some users")
    await settles(store, update_id, PHARE, DeliveryStatus.ACCEPTED)
    errors = {"method": "chat.postMessage", "error": "not_in_channel"}
    await counts(bot, "incident_bot_slack_api_errors_total", 1, **errors)


async def test_a_takeover_after_a_kill_is_counted_by_the_process_that_took_over(
    stack: Stack, store: Repo
) -> None:
    bot, update_id = await send_held_open(stack, store, "monitoring Failover complete")
    bot.kill()

    restarted = stack.start_bot()
    await settles(store, update_id, PHARE, DeliveryStatus.ACCEPTED)
    # The Checkly delivery may have been under way at the kill too: at least Phare's is taken.
    assert value(restarted, "incident_bot_delivery_takeovers_total") >= 1

    await counts(
        restarted, "incident_bot_reconciliations_total", 1, provider="phare", found="not_found"
    )
    await counts(
        restarted,
        "incident_bot_deliveries_total",
        1,
        operation="publish",
        provider="phare",
        outcome="accepted",
    )


async def test_opening_and_recovering_are_counted_by_operation(stack: Stack) -> None:
    bot = stack.start_bot()
    answer = stack.command(bot, "open Payments API timing out")
    assert answer.startswith("Opening “Payments API timing out” at Phare"), answer
    opened = {"provider": "phare", "operation": "open"}
    await counts(bot, ATTEMPTS, 1, **opened, result="accepted", status="none")
    await counts(bot, "incident_bot_deliveries_total", 1, **opened, outcome="accepted")

    stack.command(bot, "resolved Payments work again")

    recovered = {"provider": "phare", "operation": "recover"}
    await counts(bot, ATTEMPTS, 1, **recovered, result="accepted", status="none")
    await counts(bot, "incident_bot_deliveries_total", 1, **recovered, outcome="accepted")
    stored = "incident_bot_updates_stored_total"
    assert value(bot, stored, source="inline", operation="open") == 1
    assert value(bot, "incident_bot_provider_request_duration_seconds_count", **opened) == 1


def test_the_counters_a_killed_serve_left_are_removed_by_the_next(tmp_path: Path) -> None:
    with Stack(tmp_path, TMPDIR=str(tmp_path)) as stack:
        killed = stack.start_bot()
        (left,) = tmp_path.glob(f"incident-bot-metrics-{killed.process.pid}-*")
        killed.kill()
        assert left.is_dir()

        restarted = stack.start_bot()

        assert not left.exists()
        assert list(tmp_path.glob(f"incident-bot-metrics-{restarted.process.pid}-*"))
        restarted.stop()
    assert not list(tmp_path.glob("incident-bot-metrics-*"))
