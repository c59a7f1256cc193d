"""In-process stand-ins for the engine's collaborators: a scripted provider and a notifier."""

import asyncio
import itertools
import random
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.models import Accepted, Outcome, Refused, RemoteUpdate, Unclear, Update
from bot.domain.operations import Opening, RemoteIncident
from bot.domain.records import DeliveryReport, StoredUpdate
from bot.domain.states import ProviderName
from bot.providers.base import ComponentsResult, IncidentsResult, ListResult, PreparedRequest
from bot.store.timeutil import Clock, utc_now

APPLY_THEN_UNCLEAR = "apply-then-unclear"
"""A script step: the provider stores the update, but the answer is lost."""

Step = Outcome | str | None
"""A script step: an outcome to answer, APPLY_THEN_UNCLEAR, or None to behave normally."""

_ids = itertools.count(5000)


@dataclass(frozen=True)
class SendCall:
    """One call to `send`, as the provider saw it."""

    update: Update
    incident_id: str
    at: datetime


class FakeProvider:
    """A provider whose answers are scripted; unscripted sends are accepted and stored."""

    def __init__(self, name: ProviderName, *steps: Step, clock: Clock = utc_now) -> None:
        self._name = name
        self._clock = clock
        self.script: deque[Step] = deque(steps)
        self.list_script: deque[ListResult] = deque()
        self.sends: list[SendCall] = []
        self.lists = 0
        self.stored: dict[str, list[RemoteUpdate]] = {}
        self.incidents: dict[str, list[RemoteIncident]] = {}
        self.opens: list[tuple[Opening, str]] = []
        self.recovered: list[str] = []
        self.edits: list[tuple[str, str, Update]] = []
        self.deletions: list[tuple[str, str]] = []
        self.gate: asyncio.Event | None = None
        self.apply_before_gate = False
        self.latency = 0.0

    @property
    def name(self) -> ProviderName:
        """Which provider this pretends to be."""
        return self._name

    def prepare(self, update: Update, incident_id: str) -> PreparedRequest:
        """A placeholder request."""
        return PreparedRequest("POST", f"fake://{self._name}/{incident_id}", {})

    async def send(self, update: Update, incident_id: str) -> Outcome:
        """Record the call, wait at the gate if any, then follow the script."""
        self.sends.append(SendCall(update, incident_id, self._clock()))
        if self.gate is not None:
            if self.apply_before_gate:
                self.store(incident_id, update)
            await self.gate.wait()
        if self.latency:
            await asyncio.sleep(random.uniform(0, self.latency))
        step = self.script.popleft() if self.script else None
        if step is None:
            return Accepted(self.store(incident_id, update).id)
        if step == APPLY_THEN_UNCLEAR:
            self.store(incident_id, update)
            return Unclear("the connection dropped before the answer")
        assert not isinstance(step, str)
        return step

    async def list_updates(self, incident_id: str) -> ListResult:
        """The scripted listing answer, or every stored update of the incident."""
        self.lists += 1
        if self.list_script:
            return self.list_script.popleft()
        return list(self.stored.get(incident_id, []))

    def prepare_open(self, opening: Opening, where: str) -> PreparedRequest:
        """A placeholder request."""
        return PreparedRequest("POST", f"fake://{self._name}/{where}/incidents", {})

    async def open_incident(self, opening: Opening, where: str) -> Outcome:
        """Record the call, wait at the gate if any, then follow the script (opening by default)."""
        self.opens.append((opening, where))
        return await self._scripted(lambda: Accepted(self.open_now(opening, where).id))

    async def list_incidents(self, where: str, since: datetime) -> IncidentsResult:
        """The scripted listing answer, or every incident opened here since then."""
        self.lists += 1
        scripted = self.list_script.popleft() if self.list_script else None
        if scripted is not None and not isinstance(scripted, Sequence):
            return scripted
        opened = self.incidents.get(where, [])
        return [i for i in opened if i.created_at is None or i.created_at >= since]

    async def recover(self, incident_id: str) -> Outcome:
        """Record the recovery; follow the script."""
        self.recovered.append(incident_id)
        return await self._scripted(lambda: Accepted(incident_id))

    async def edit_update(self, incident_id: str, update_id: str, update: Update) -> Outcome:
        """Change a stored update in place; follow the script."""
        self.edits.append((incident_id, update_id, update))

        def apply() -> Outcome:
            kept = self.stored.get(incident_id, [])
            for index, remote in enumerate(kept):
                if remote.id == update_id:
                    kept[index] = RemoteUpdate(
                        update_id, update.state, update.content, remote.created_at
                    )
                    return Accepted(update_id)
            return Refused(404, "Not Found")

        return await self._scripted(apply)

    async def delete_update(self, incident_id: str, update_id: str) -> Outcome:
        """Remove a stored update; follow the script."""
        self.deletions.append((incident_id, update_id))

        def apply() -> Outcome:
            kept = self.stored.get(incident_id, [])
            if all(remote.id != update_id for remote in kept):
                return Refused(404, "Not Found")
            self.stored[incident_id] = [r for r in kept if r.id != update_id]
            return Accepted(update_id)

        return await self._scripted(apply)

    async def list_components(self, where: str) -> ComponentsResult:
        """No components."""
        return []

    def open_now(self, opening: Opening, where: str) -> RemoteIncident:
        """Keep an incident as if the provider had opened it now."""
        number = str(next(_ids))
        incident_id = f"{where}/{number}" if where else number
        remote = RemoteIncident(incident_id, opening.title, self._clock())
        self.incidents.setdefault(where, []).append(remote)
        return remote

    async def _scripted(self, apply: Callable[[], Outcome]) -> Outcome:
        """Wait at the gate if any, then answer the next script step (applying by default)."""
        if self.gate is not None:
            await self.gate.wait()
        step = self.script.popleft() if self.script else None
        if step is None:
            return apply()
        if step == APPLY_THEN_UNCLEAR:
            apply()
            return Unclear("the connection dropped before the answer")
        assert not isinstance(step, str)
        return step

    def store(self, incident_id: str, update: Update) -> RemoteUpdate:
        """Keep an update as if the provider had created it now."""
        remote = RemoteUpdate(str(next(_ids)), update.state, update.content, self._clock())
        self.stored.setdefault(incident_id, []).append(remote)
        return remote

    def sent_contents(self) -> list[str]:
        """The content of every send, in order."""
        return [call.update.content for call in self.sends]


class RecordingNotifier:
    """Keeps every announcement and report; can be told to fail the next few calls."""

    def __init__(self) -> None:
        self.announced: list[StoredUpdate] = []
        self.reports: list[DeliveryReport] = []
        self.fail_announcements = 0
        self.fail_reports = 0
        self.latency = 0.0
        self.changed = asyncio.Event()

    async def update_stored(self, update: StoredUpdate) -> None:
        """Record an announcement (or fail as told)."""
        if self.fail_announcements > 0:
            self.fail_announcements -= 1
            raise RuntimeError("Slack is unreachable")
        await asyncio.sleep(self.latency)
        self.announced.append(update)
        self.changed.set()

    async def delivery_changed(self, report: DeliveryReport) -> None:
        """Record a report (or fail as told)."""
        if self.fail_reports > 0:
            self.fail_reports -= 1
            raise RuntimeError("Slack is unreachable")
        await asyncio.sleep(self.latency)
        self.reports.append(report)
        self.changed.set()

    def reports_for(self, provider: ProviderName) -> list[DeliveryReport]:
        """The reports about one provider's deliveries, in order."""
        return [r for r in self.reports if r.target.provider is provider]


class MaxJitter(random.Random):
    """Jitter that always picks the upper bound, so backoff delays are exact in tests."""

    def uniform(self, a: float, b: float) -> float:
        """The upper bound."""
        return b


async def wait_until(predicate: Callable[[], bool], within: float = 5.0) -> None:
    """Poll until the predicate holds, or fail after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.01)
