"""Metrics: Prometheus names and labels, what each counting method shows, and `GET /metrics`."""

from collections.abc import AsyncIterator, Mapping

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from bot.domain.models import Accepted, DeliveryStatus, Refused, Retry, Source, Unclear
from bot.domain.operations import Operation
from bot.domain.records import Backlog
from bot.domain.states import ProviderName
from bot.metrics import Call, Finding, Metrics, SlackRequestKind
from bot.web import METRICS_PATH, build_web_app

PHARE, CHECKLY = ProviderName.PHARE, ProviderName.CHECKLY
PUBLISH = Operation.PUBLISH
FORBIDDEN_LABELS = {"user", "channel", "incident", "incident_id", "text", "message", "team"}


class Store:
    """Stands in for the store's backlog query: the figures the test sets, counting reads."""

    def __init__(self) -> None:
        self.figures: dict[ProviderName, Backlog] = {}
        self.reads = 0
        self.broken = False

    async def backlog(self) -> Mapping[ProviderName, Backlog]:
        """The figures as they are now."""
        self.reads += 1
        if self.broken:
            raise ConnectionError("database is down")
        return dict(self.figures)


@pytest.fixture
def store() -> Store:
    """An empty backlog."""
    return Store()


@pytest.fixture
def metrics(store: Store) -> Metrics:
    """Fresh metrics over the test's store."""
    return Metrics(store.backlog)


async def scrape(metrics: Metrics) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a text scrape, keyed by name and labels."""
    body, _ = await metrics.exposition()
    families = text_string_to_metric_families(body.decode())
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in families
        for s in family.samples
    }


def value(
    samples: Mapping[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    """One sample's value (0 when the series does not exist yet)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def count_everything(metrics: Metrics) -> None:
    """Call every counting method once."""
    metrics.update_stored(Source.MODAL, PUBLISH)
    metrics.attempt(PHARE, PUBLISH, Refused(422, "message is too long"))
    metrics.provider_request(PHARE, Call.PUBLISH, 0.08)
    metrics.delivery_final(PHARE, PUBLISH, DeliveryStatus.REFUSED)
    metrics.takeover(2)
    metrics.reconciled(CHECKLY, Finding.FOUND)
    metrics.slack_api_error("chat.postMessage", "channel_not_found")
    metrics.slack_request(SlackRequestKind.COMMAND, 0.004)
    metrics.reminder_posted()


async def test_every_metric_follows_prometheus_naming(metrics: Metrics, store: Store) -> None:
    store.figures = {PHARE: Backlog(pending=1, oldest_due_age_seconds=3.0)}
    count_everything(metrics)

    body, _ = await metrics.exposition()
    parsed = text_string_to_metric_families(body.decode())
    # The text format shows each counter's and histogram's creation time as a gauge of its own.
    families = [f for f in parsed if not f.name.endswith("_created")]

    assert {f.name for f in families} == {
        "incident_bot_updates_stored",
        "incident_bot_deliveries",
        "incident_bot_delivery_attempts",
        "incident_bot_provider_request_duration_seconds",
        "incident_bot_delivery_takeovers",
        "incident_bot_reconciliations",
        "incident_bot_slack_api_errors",
        "incident_bot_slack_request_duration_seconds",
        "incident_bot_reminders_posted",
        "incident_bot_deliveries_pending",
        "incident_bot_oldest_due_delivery_age_seconds",
    }
    for family in families:
        if family.type == "counter":
            assert {s.name for s in family.samples} == {f"{family.name}_total"}
        if family.type == "histogram":
            assert family.name.endswith("_seconds")
        assert family.documentation


async def test_no_label_names_a_person_a_place_or_text(metrics: Metrics, store: Store) -> None:
    store.figures = {PHARE: Backlog(pending=1, oldest_due_age_seconds=3.0)}
    count_everything(metrics)

    body, _ = await metrics.exposition()
    labels = {
        name
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
        for name in sample.labels
    }

    assert labels == {
        "source",
        "operation",
        "provider",
        "outcome",
        "result",
        "status",
        "found",
        "method",
        "error",
        "kind",
        "le",
    }
    assert not labels & FORBIDDEN_LABELS


async def test_attempts_are_counted_by_result_and_status(metrics: Metrics) -> None:
    metrics.attempt(PHARE, PUBLISH, Accepted("upd_1"))
    metrics.attempt(PHARE, PUBLISH, Refused(422, "message is too long"))
    metrics.attempt(PHARE, PUBLISH, Refused(422, "state is invalid"))
    metrics.attempt(CHECKLY, PUBLISH, Refused(403, "forbidden"))
    metrics.attempt(CHECKLY, PUBLISH, Refused(None, "'../x' is not an incident id"))
    metrics.attempt(CHECKLY, PUBLISH, Retry("rate limited", after_seconds=30, status=429))
    metrics.attempt(PHARE, PUBLISH, Retry("connection refused"))
    metrics.attempt(PHARE, PUBLISH, Unclear("read timed out"))

    samples = await scrape(metrics)

    def attempts(provider: str, result: str, status: str) -> float:
        labels = {"provider": provider, "result": result, "status": status}
        return value(samples, "incident_bot_delivery_attempts_total", operation="publish", **labels)

    assert attempts("phare", "accepted", "none") == 1
    assert attempts("phare", "refused", "422") == 2
    assert attempts("checkly", "refused", "403") == 1
    assert attempts("checkly", "refused", "none") == 1
    assert attempts("checkly", "retry", "429") == 1
    assert attempts("phare", "retry", "none") == 1
    assert attempts("phare", "unclear", "none") == 1
    assert attempts("checkly", "accepted", "none") == 0


async def test_each_counter_moves_by_what_happened(metrics: Metrics) -> None:
    metrics.update_stored(Source.REACTION, PUBLISH)
    metrics.update_stored(Source.REACTION, PUBLISH)
    metrics.update_stored(Source.CLI, PUBLISH)
    metrics.delivery_final(CHECKLY, PUBLISH, DeliveryStatus.ACCEPTED)
    metrics.delivery_final(PHARE, PUBLISH, DeliveryStatus.FAILED)
    metrics.takeover(3)
    metrics.takeover(0)
    metrics.reconciled(PHARE, Finding.NOT_FOUND)
    metrics.reconciled(PHARE, Finding.CHECK_FAILED)
    metrics.reminder_posted()
    metrics.reminder_posted()

    samples = await scrape(metrics)

    assert (
        value(samples, "incident_bot_updates_stored_total", source="reaction", operation="publish")
        == 2
    )
    assert (
        value(samples, "incident_bot_updates_stored_total", source="cli", operation="publish") == 1
    )
    deliveries = "incident_bot_deliveries_total"
    assert (
        value(samples, deliveries, operation="publish", provider="checkly", outcome="accepted") == 1
    )
    assert value(samples, deliveries, operation="publish", provider="phare", outcome="failed") == 1
    assert (
        value(samples, deliveries, operation="publish", provider="phare", outcome="accepted") == 0
    )
    assert value(samples, "incident_bot_delivery_takeovers_total") == 3
    reconciliations = "incident_bot_reconciliations_total"
    assert value(samples, reconciliations, provider="phare", found="not_found") == 1
    assert value(samples, reconciliations, provider="phare", found="check_failed") == 1
    assert value(samples, reconciliations, provider="phare", found="found") == 0
    assert value(samples, "incident_bot_reminders_posted_total") == 2


@pytest.mark.parametrize("status", [DeliveryStatus.PENDING, DeliveryStatus.IN_FLIGHT])
async def test_a_delivery_not_yet_final_is_not_counted_as_ended(
    metrics: Metrics, status: DeliveryStatus
) -> None:
    with pytest.raises(ValueError, match="not a final delivery status"):
        metrics.delivery_final(PHARE, PUBLISH, status)

    samples = await scrape(metrics)

    assert not [key for key in samples if key[0] == "incident_bot_deliveries_total"]


async def test_durations_fall_in_their_buckets(metrics: Metrics) -> None:
    metrics.provider_request(CHECKLY, Call.PUBLISH, 0.12)
    metrics.provider_request(CHECKLY, Call.PUBLISH, 7.0)
    metrics.provider_request(CHECKLY, Call.LIST, 0.03)
    metrics.slack_request(SlackRequestKind.INTERACTION, 0.002)

    samples = await scrape(metrics)

    provider = "incident_bot_provider_request_duration_seconds"
    send = {"provider": "checkly", "operation": "publish"}
    assert value(samples, f"{provider}_count", **send) == 2
    assert value(samples, f"{provider}_sum", **send) == pytest.approx(7.12)
    assert value(samples, f"{provider}_bucket", **send, le="0.25") == 1
    assert value(samples, f"{provider}_bucket", **send, le="10.0") == 2
    assert value(samples, f"{provider}_count", provider="checkly", operation="list") == 1
    slack = "incident_bot_slack_request_duration_seconds"
    assert value(samples, f"{slack}_bucket", kind="interaction", le="0.005") == 1
    assert value(samples, f"{slack}_count", kind="command") == 0


async def test_slack_errors_keep_method_and_code_but_never_free_text(metrics: Metrics) -> None:
    metrics.slack_api_error("chat.update", "message_not_found")
    metrics.slack_api_error("chat.postMessage", "ratelimited")
    metrics.slack_api_error("chat.postMessage", "Channel C0SECRET1 was archived by Ada")

    samples = await scrape(metrics)

    errors = "incident_bot_slack_api_errors_total"
    assert value(samples, errors, method="chat.update", error="message_not_found") == 1
    assert value(samples, errors, method="chat.postMessage", error="ratelimited") == 1
    assert value(samples, errors, method="chat.postMessage", error="other") == 1
    body, _ = await metrics.exposition()
    assert b"C0SECRET1" not in body


async def test_backlog_is_read_from_the_store_at_each_scrape(
    metrics: Metrics, store: Store
) -> None:
    store.figures = {
        PHARE: Backlog(pending=0, oldest_due_age_seconds=0.0),
        CHECKLY: Backlog(pending=4, oldest_due_age_seconds=95.5),
    }
    first = await scrape(metrics)
    store.figures = {
        PHARE: Backlog(pending=1, oldest_due_age_seconds=2.0),
        CHECKLY: Backlog(0, 0.0),
    }
    second = await scrape(metrics)

    pending, age = "incident_bot_deliveries_pending", "incident_bot_oldest_due_delivery_age_seconds"
    assert value(first, pending, provider="checkly") == 4
    assert value(first, age, provider="checkly") == 95.5
    assert (pending, frozenset({("provider", "phare")})) in first
    assert value(second, pending, provider="checkly") == 0
    assert value(second, pending, provider="phare") == 1
    assert value(second, age, provider="phare") == 2.0
    assert store.reads == 2


async def test_a_store_that_cannot_answer_leaves_out_only_the_backlog(
    metrics: Metrics, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    store.broken = True
    metrics.reminder_posted()

    samples = await scrape(metrics)

    assert value(samples, "incident_bot_reminders_posted_total") == 1
    assert not [key for key in samples if key[0] == "incident_bot_deliveries_pending"]
    assert "could not read the delivery backlog: ConnectionError" in caplog.text


async def test_each_instance_has_its_own_registry(store: Store) -> None:
    one, other = Metrics(store.backlog), Metrics(store.backlog)
    one.reminder_posted()

    assert value(await scrape(one), "incident_bot_reminders_posted_total") == 1
    assert value(await scrape(other), "incident_bot_reminders_posted_total") == 0


@pytest.fixture
async def served(metrics: Metrics) -> AsyncIterator[str]:
    """`GET /metrics` on loopback; its URL."""

    async def healthy() -> bool:
        return True

    app = build_web_app(bolt_app=None, signing_secret=None, healthy=healthy, metrics=metrics)
    async with TestServer(app, host="127.0.0.1") as server:
        yield str(server.make_url(METRICS_PATH))


async def test_get_metrics_serves_the_text_format(
    served: str, metrics: Metrics, store: Store
) -> None:
    store.figures = {PHARE: Backlog(pending=2, oldest_due_age_seconds=61.0)}
    metrics.attempt(PHARE, PUBLISH, Accepted("upd_1"))

    async with aiohttp.ClientSession() as session, session.get(served) as answer:
        status, content_type, text = (
            answer.status,
            answer.headers["Content-Type"],
            await answer.text(),
        )

    assert status == 200
    assert content_type == "text/plain; version=0.0.4; charset=utf-8"
    samples = [s for f in text_string_to_metric_families(text) for s in f.samples]
    assert Sample(
        "incident_bot_delivery_attempts_total",
        {"provider": "phare", "operation": "publish", "result": "accepted", "status": "none"},
        1.0,
    ) in [Sample(s.name, s.labels, s.value) for s in samples]
    assert 'incident_bot_deliveries_pending{provider="phare"} 2.0' in text


async def test_get_metrics_speaks_openmetrics_when_asked(served: str, metrics: Metrics) -> None:
    metrics.takeover(1)
    accept = "application/openmetrics-text; version=1.0.0,text/plain;q=0.5"

    async with (
        aiohttp.ClientSession() as session,
        session.get(served, headers={"Accept": accept}) as answer,
    ):
        content_type, text = answer.headers["Content-Type"], await answer.text()

    assert content_type.startswith("application/openmetrics-text; version=1.0.0")
    assert "# TYPE incident_bot_delivery_takeovers counter\n" in text
    assert "\nincident_bot_delivery_takeovers_total 1.0\n" in text
    assert text.endswith("# EOF\n")
