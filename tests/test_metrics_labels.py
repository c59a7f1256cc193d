"""Metrics labels: what each delivery asked of the vendor, and only a bounded set of values."""

from collections.abc import Mapping

import pytest

from bot.domain.models import Accepted, DeliveryStatus, Refused, Retry, Source, Unclear
from bot.domain.operations import Operation
from bot.domain.records import Backlog
from bot.domain.states import ProviderName
from bot.metrics import Call, Metrics
from tests.test_metrics import scrape

PHARE, CHECKLY = ProviderName.PHARE, ProviderName.CHECKLY
Samples = Mapping[tuple[str, frozenset[tuple[str, str]]], float]
ATTEMPTS = "incident_bot_delivery_attempts_total"
ERRORS = "incident_bot_slack_api_errors_total"


class Store:
    """The store's backlog query as the test sets it."""

    def __init__(self, figures: Mapping[ProviderName, Backlog]) -> None:
        self.figures = dict(figures)

    async def backlog(self) -> Mapping[ProviderName, Backlog]:
        """The figures as they are now."""
        return dict(self.figures)


def series(samples: Samples, name: str) -> list[dict[str, str]]:
    """The label sets of every series of one sample name."""
    return [dict(labels) for (found, labels) in samples if found == name]


async def test_each_operation_is_counted_under_its_own_name() -> None:
    metrics = Metrics(Store({}).backlog)
    metrics.update_stored(Source.MODAL, Operation.EDIT)
    metrics.update_stored(Source.INLINE, Operation.PUBLISH)
    metrics.attempt(PHARE, Operation.OPEN, Accepted("7"))
    metrics.attempt(PHARE, Operation.EDIT, Refused(404, "no such update"))
    metrics.attempt(CHECKLY, Operation.DELETE, Retry("rate limited", 30, 429))
    metrics.attempt(CHECKLY, Operation.RECOVER, Unclear("read timed out"))
    metrics.delivery_final(PHARE, Operation.EDIT, DeliveryStatus.REFUSED)
    metrics.delivery_final(CHECKLY, Operation.PUBLISH, DeliveryStatus.ACCEPTED)
    metrics.provider_request(PHARE, Call.PUBLISH, 0.1)

    samples = await scrape(metrics)

    assert series(samples, "incident_bot_updates_stored_total") == [
        {"source": "modal", "operation": "edit"},
        {"source": "inline", "operation": "publish"},
    ]
    assert series(samples, ATTEMPTS) == [
        {"provider": "phare", "operation": "open", "result": "accepted", "status": "none"},
        {"provider": "phare", "operation": "edit", "result": "refused", "status": "404"},
        {"provider": "checkly", "operation": "delete", "result": "retry", "status": "429"},
        {"provider": "checkly", "operation": "recover", "result": "unclear", "status": "none"},
    ]
    assert series(samples, "incident_bot_deliveries_total") == [
        {"provider": "phare", "operation": "edit", "outcome": "refused"},
        {"provider": "checkly", "operation": "publish", "outcome": "accepted"},
    ]
    durations = "incident_bot_provider_request_duration_seconds_count"
    assert series(samples, durations) == [{"provider": "phare", "operation": "publish"}]


@pytest.mark.parametrize(
    ("status", "label"),
    [(422, "422"), (503, "503"), (599, "5xx"), (418, "4xx"), (302, "3xx"), (1234, "other")],
)
async def test_an_unusual_vendor_status_is_counted_by_its_class(status: int, label: str) -> None:
    metrics = Metrics(Store({}).backlog)
    metrics.attempt(PHARE, Operation.PUBLISH, Refused(status, "no"))
    metrics.attempt(CHECKLY, Operation.PUBLISH, Retry("later", status=status))

    samples = await scrape(metrics)

    assert {s["status"] for s in series(samples, ATTEMPTS)} == {label}


async def test_vendor_statuses_make_a_bounded_number_of_series() -> None:
    metrics = Metrics(Store({}).backlog)
    for status in range(100, 1000):
        metrics.attempt(PHARE, Operation.PUBLISH, Refused(status, "no"))

    samples = await scrape(metrics)

    assert len(series(samples, ATTEMPTS)) <= 20


async def test_slack_errors_it_does_not_know_share_one_series() -> None:
    metrics = Metrics(Store({}).backlog)
    metrics.slack_api_error("chat.postMessage", "not_in_channel")
    metrics.slack_api_error("views.open", "expired_trigger_id")
    for number in range(50):
        metrics.slack_api_error("chat.postMessage", f"brand_new_error_{number}")

    samples = await scrape(metrics)

    assert sorted(tuple(sorted(s.items())) for s in series(samples, ERRORS)) == [
        (("error", "expired_trigger_id"), ("method", "views.open")),
        (("error", "not_in_channel"), ("method", "chat.postMessage")),
        (("error", "other"), ("method", "chat.postMessage")),
    ]
    assert samples[(ERRORS, frozenset({("method", "chat.postMessage"), ("error", "other")}))] == 50


async def test_backlog_gauges_show_every_provider_also_with_nothing_waiting() -> None:
    metrics = Metrics(Store({CHECKLY: Backlog(pending=2, oldest_due_age_seconds=40.0)}).backlog)

    samples = await scrape(metrics)

    pending = "incident_bot_deliveries_pending"
    age = "incident_bot_oldest_due_delivery_age_seconds"
    assert samples[(pending, frozenset({("provider", "phare")}))] == 0
    assert samples[(age, frozenset({("provider", "phare")}))] == 0
    assert samples[(pending, frozenset({("provider", "checkly")}))] == 2
    assert samples[(age, frozenset({("provider", "checkly")}))] == 40.0
