"""Edit and Delete in this process: the real handlers, the engine with scripted vendors, the real
store, and the incident thread in the fake Slack over loopback."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery.engine import DeliveryEngine
from bot.delivery.policy import RetryPolicy
from bot.domain.models import Source, Submission, Target, Update
from bot.domain.records import StoredUpdate
from bot.domain.states import ProviderName, State
from bot.providers.router import ProviderRouter
from bot.slack import ids
from bot.slack.app import build_web_client
from bot.slack.changes import ChangeHandler
from bot.slack.clicks import Click
from bot.slack.notifier import SlackNotifier
from bot.slack.ports import SlackDeps, SlackOptions
from bot.store.published import PublishedQueries
from bot.store.repo import Repo
from tests import polling
from tests.delivery.fakes import FakeProvider, MaxJitter
from tests.fakes.slack import FakeSlack
from tests.interactive.live import find_button, shown
from tests.slack import signing
from tests.slack.thread_builders import CHANNEL, CHECKLY, PHARE
from tests.store.clock import FakeClock

ALLOWED = "U0ALLOWED1"
OUTSIDER = "U0OUTSIDE1"
JSON = dict[str, Any]


@dataclass
class Flow:
    """One channel bound to Phare and Checkly, its thread in the fake Slack."""

    slack: FakeSlack
    client: AsyncWebClient
    repo: Repo
    engine: DeliveryEngine
    handler: ChangeHandler
    phare: FakeProvider
    checkly: FakeProvider

    async def publish(
        self,
        content: str,
        state: State = State.INVESTIGATING,
        targets: tuple[Target, ...] = (PHARE,),
    ) -> StoredUpdate:
        """Publish an update from the channel and deliver it; the stored update."""
        update = Submission(Update(state, content), targets, Source.MODAL, ALLOWED, CHANNEL)
        stored = await self.engine.submit(update)
        await self.deliver()
        return stored

    async def deliver(self) -> None:
        """Deliver what is due and make every owed thread report."""
        await self.engine.run_due()
        await self.engine.run_due()

    async def receipt(self, containing: str) -> JSON:
        """The newest thread reply whose text contains `containing`, once it is there."""
        found = await polling.wait_for(lambda: self.replies(containing), 10.0, containing)
        return found[-1]

    def replies(self, containing: str = "") -> list[JSON]:
        """The card's thread replies whose shown text contains `containing`."""
        thread = self.thread()
        return [m for m in thread[1:] if containing in shown(m)]

    def thread(self) -> list[JSON]:
        """The status card then its replies."""
        top = [m for m in self.slack.messages(CHANNEL) if m.get("thread_ts") in (None, m["ts"])]
        return list(self.slack.thread(CHANNEL, top[0]["ts"])) if top else []

    def card(self) -> str:
        """What the status card shows."""
        return shown(self.thread()[0])

    def message(self, ts: str) -> JSON:
        """A message of the channel as it stands now."""
        return next(m for m in self.slack.messages(CHANNEL) if m["ts"] == ts)

    def click(self, message: Mapping[str, Any], action_id: str, user: str = ALLOWED) -> Click:
        """A click on one of the message's buttons, with a fresh trigger."""
        button = find_button(message, action_id)
        trigger = self.slack.issue_trigger_id()
        return Click(user, CHANNEL, str(message["ts"]), trigger, str(button["value"]))

    async def edit(self, receipt: Mapping[str, Any], user: str = ALLOWED) -> None:
        """Click Edit on a receipt."""
        await self.handler.edit(self.click(receipt, ids.DELIVERY_EDIT_ACTION, user), self.client)

    async def delete(self, receipt: Mapping[str, Any], user: str = ALLOWED) -> None:
        """Click Delete on a receipt (Slack's confirm dialog answered with Delete)."""
        click = self.click(receipt, ids.DELIVERY_DELETE_ACTION, user)
        await self.handler.delete(click, self.client)

    def opened_view(self, index: int = -1) -> JSON:
        """A view Slack was asked to open."""
        raw = self.slack.calls("views.open")[index].params["view"]
        return json.loads(raw) if isinstance(raw, str) else dict(raw)

    async def submit(
        self,
        view: Mapping[str, Any],
        entries: Mapping[str, Any],
        view_id: str = "V0EDIT0001",
        user: str = ALLOWED,
    ) -> dict[str, str]:
        """Submit the edit form as Slack would; the field errors (none: stored)."""
        payload = signing.view_submission_payload(view, entries, user_id=user, view_id=view_id)
        return await self.handler.save_edit(payload, payload["view"], self.client)

    def told(self, user: str = ALLOWED) -> list[str]:
        """What a person was told privately."""
        return [str(e["text"]) for e in self.slack.ephemeral() if e["user"] == user]


async def start_flow(slack: FakeSlack, repo: Repo, clock: FakeClock) -> Flow:
    """The channel bound to Phare and Checkly, an engine over scripted vendors, the handlers."""
    vendors = [
        FakeProvider(name, clock=clock) for name in (ProviderName.PHARE, ProviderName.CHECKLY)
    ]
    client = build_web_client(token=SecretStr(slack.token), base_url=slack.api_url)
    published = PublishedQueries(repo.engine, repo.clock)
    engine = DeliveryEngine(
        repo,
        ProviderRouter({v.name: v for v in vendors}),
        SlackNotifier(client, repo, published),
        RetryPolicy(),
        "change-flow",
        clock=clock,
        rng=MaxJitter(),
    )
    await repo.bind(CHANNEL, [PHARE, CHECKLY])
    options = SlackOptions(
        reactions={},
        allowed_users=frozenset({ALLOWED}),
        allowed_groups=frozenset(),
        reminder_minutes=0,
        providers_on=frozenset(ProviderName),
    )
    deps = SlackDeps(publisher=engine, repo=repo, options=options)
    handler = ChangeHandler(deps, published, deps.permissions)
    return Flow(slack, client, repo, engine, handler, *vendors)
