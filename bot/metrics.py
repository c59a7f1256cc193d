"""Prometheus metrics: one registry per process, typed methods to count with, the exposition."""

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Iterator, Mapping
from enum import StrEnum

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from bot.domain.models import DeliveryStatus, Outcome, Source
from bot.domain.operations import Operation
from bot.domain.records import Backlog
from bot.domain.states import ProviderName
from bot.metrics_dir import MULTIPROC_DIR
from bot.metrics_labels import attempt_labels, slack_error_label, slack_method_label

log = logging.getLogger(__name__)

PREFIX = "incident_bot"
BACKLOG_TIMEOUT_SECONDS = 5.0
# Provider calls take tens of milliseconds to the 15-second read timeout.
PROVIDER_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0)
# Slack waits 3 seconds for an acknowledgement.
SLACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)
NOTHING_WAITING = Backlog(pending=0, oldest_due_age_seconds=0.0)
FINAL = frozenset(
    {DeliveryStatus.ACCEPTED, DeliveryStatus.REFUSED, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED}
)


class Call(StrEnum):
    """What a request to a provider was for (the `operation` label)."""

    PUBLISH = "publish"
    LIST = "list"
    OPEN = "open"
    LIST_INCIDENTS = "list_incidents"
    RECOVER = "recover"
    EDIT = "edit"
    DELETE = "delete"
    COMPONENTS = "components"


class Finding(StrEnum):
    """What reconciling an unclear attempt found at the provider."""

    FOUND = "found"
    NOT_FOUND = "not_found"
    CHECK_FAILED = "check_failed"


class SlackRequestKind(StrEnum):
    """The kind of request Slack sent."""

    COMMAND = "command"
    INTERACTION = "interaction"
    EVENT = "event"


BacklogReader = Callable[[], Awaitable[Mapping[ProviderName, Backlog]]]


class Metrics:
    """Every metric of the bot in its own registry; built once by the composition root."""

    def __init__(self, backlog: BacklogReader) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._backlog_reader = backlog
        self._backlog = _BacklogCollector()
        self.registry.register(self._backlog)
        self._exposed = _exposed_registry(self.registry, self._backlog)
        self._updates = self._counter(
            "updates_stored",
            "Updates stored, by where they came from and what they ask of the vendors.",
            ("source", "operation"),
        )
        self._deliveries = self._counter(
            "deliveries",
            "Deliveries ended, by provider, operation and final outcome.",
            ("provider", "operation", "outcome"),
        )
        self._attempts = self._counter(
            "delivery_attempts",
            "Attempts at a delivery, by provider, operation, result and the vendor's HTTP status.",
            ("provider", "operation", "result", "status"),
        )
        self._provider_seconds = self._seconds(
            "provider_request_duration",
            "Time a provider took to answer, by provider and operation.",
            ("provider", "operation"),
            PROVIDER_BUCKETS,
        )
        self._takeovers = self._counter(
            "delivery_takeovers", "Deliveries taken over from a worker that stopped renewing.", ()
        )
        self._reconciliations = self._counter(
            "reconciliations",
            "Checks at the provider after an unclear attempt, by what they found.",
            ("provider", "found"),
        )
        self._slack_errors = self._counter(
            "slack_api_errors",
            "Slack Web API calls that failed, by method and error.",
            ("method", "error"),
        )
        self._slack_seconds = self._seconds(
            "slack_request_duration",
            "Time to handle a request from Slack, by kind.",
            ("kind",),
            SLACK_BUCKETS,
        )
        self._reminders = self._counter("reminders_posted", "Reminders posted in threads.", ())

    def _counter(self, name: str, documentation: str, labels: tuple[str, ...]) -> Counter:
        """A counter named incident_bot_<name>_total in this registry."""
        return Counter(f"{PREFIX}_{name}", documentation, labels, registry=self.registry)

    def _seconds(
        self, name: str, documentation: str, labels: tuple[str, ...], buckets: tuple[float, ...]
    ) -> Histogram:
        """A histogram named incident_bot_<name>_seconds in this registry."""
        return Histogram(
            f"{PREFIX}_{name}",
            documentation,
            labels,
            registry=self.registry,
            unit="seconds",
            buckets=buckets,
        )

    def update_stored(self, source: Source, operation: Operation) -> None:
        """One update stored (counted once, however many providers it goes to)."""
        self._updates.labels(source.value, operation.value).inc()

    def attempt(self, provider: ProviderName, operation: Operation, outcome: Outcome) -> None:
        """One attempt at a delivery, with what came of it."""
        result, status = attempt_labels(outcome)
        self._attempts.labels(provider.value, operation.value, result, status).inc()

    def provider_request(self, provider: ProviderName, operation: Call, seconds: float) -> None:
        """One request to a provider answered (or given up on) after `seconds`."""
        self._provider_seconds.labels(provider.value, operation.value).observe(seconds)

    def delivery_final(
        self, provider: ProviderName, operation: Operation, outcome: DeliveryStatus
    ) -> None:
        """One delivery reached its final state (accepted, refused, failed or skipped)."""
        if outcome not in FINAL:
            raise ValueError(f"{outcome.value} is not a final delivery status")
        self._deliveries.labels(provider.value, operation.value, outcome.value).inc()

    def takeover(self, count: int) -> None:
        """`count` deliveries taken over from a worker that is gone."""
        if count > 0:
            self._takeovers.inc(count)

    def reconciled(self, provider: ProviderName, found: Finding) -> None:
        """One check at the provider after an unclear attempt."""
        self._reconciliations.labels(provider.value, found.value).inc()

    def slack_api_error(self, method: str, error: str) -> None:
        """One Slack Web API call that failed (`error` is Slack's error code)."""
        self._slack_errors.labels(slack_method_label(method), slack_error_label(error)).inc()

    def slack_request(self, kind: SlackRequestKind, seconds: float) -> None:
        """One request from Slack handled in `seconds`."""
        self._slack_seconds.labels(kind.value).observe(seconds)

    def reminder_posted(self) -> None:
        """One reminder posted in an incident thread."""
        self._reminders.inc()

    async def exposition(self, accept: str = "") -> tuple[bytes, str]:
        """Every metric, with the backlog read now, encoded as `accept` asks; and its type.

        When the backlog cannot be read, its gauges are left out and the rest is served.
        """
        figures: dict[ProviderName, Backlog] | None
        try:
            async with asyncio.timeout(BACKLOG_TIMEOUT_SECONDS):
                figures = dict(await self._backlog_reader())
        except Exception as error:
            log.warning("metrics: could not read the delivery backlog: %s", type(error).__name__)
            figures = None
        self._backlog.figures = figures
        encode, content_type = choose_encoder(accept)
        return encode(self._exposed), content_type


class _BacklogCollector(Collector):
    """The backlog gauges, from the figures read at the start of the scrape."""

    def __init__(self) -> None:
        self.figures: dict[ProviderName, Backlog] | None = None

    def describe(self) -> list[Metric]:
        """The gauges' names, so the registry can check them without reading the store."""
        return list(backlog_families(None))

    def collect(self) -> Iterator[Metric]:
        """The gauges with the latest figures."""
        yield from backlog_families(self.figures)


def _exposed_registry(own: CollectorRegistry, backlog: _BacklogCollector) -> CollectorRegistry:
    """This process's registry; in multiprocess mode (`serve` and its worker child), every
    process's counters read from the shared directory, plus the backlog."""
    directory = os.environ.get(MULTIPROC_DIR)
    if not directory:
        return own
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    registry.register(backlog)
    return registry


def backlog_families(figures: Mapping[ProviderName, Backlog] | None) -> Iterator[Metric]:
    """The backlog gauges, every provider's (one not in `figures` has nothing waiting);
    without figures (not read), only their names."""
    pending = GaugeMetricFamily(
        f"{PREFIX}_deliveries_pending",
        "Deliveries not yet final (waiting, due or in flight), by provider.",
        labels=("provider",),
    )
    oldest = GaugeMetricFamily(
        f"{PREFIX}_oldest_due_delivery_age_seconds",
        "How long the oldest due delivery has been due, by provider (0 when none is due).",
        labels=("provider",),
    )
    for provider in ProviderName if figures is not None else ():
        backlog = (figures or {}).get(provider, NOTHING_WAITING)
        pending.add_metric((provider.value,), backlog.pending)
        oldest.add_metric((provider.value,), backlog.oldest_due_age_seconds)
    yield pending
    yield oldest
