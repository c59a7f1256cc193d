"""What the Slack layer needs from the rest of the bot, as protocols (no provider, no SQL)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from bot.domain.models import Submission, Target, Update
from bot.domain.operations import Component
from bot.domain.reactions import Reaction
from bot.domain.records import Binding, ChannelStatus, PublishedUpdate, StoredUpdate
from bot.domain.states import ProviderName, State
from bot.domain.templates import DEFAULT_TEMPLATES
from bot.slack.permissions import Permissions


class Publisher(Protocol):
    """The delivery engine, as the Slack layer sees it."""

    async def submit(self, submission: Submission) -> StoredUpdate:
        """Store the update and its deliveries (committed on return); delivery follows."""
        ...


class ReceivedReactions(Protocol):
    """Reactions kept from the moment Slack is answered until they are handled."""

    async def receive(self, reaction: Reaction, hold_seconds: float) -> None:
        """Keep the reaction, left to this process for `hold_seconds`."""
        ...

    async def handled(self, event_id: str) -> None:
        """Forget a reaction that was handled."""
        ...

    async def claim_left_over(self, limit: int, hold_seconds: float) -> list[Reaction]:
        """Reactions nobody handled in time, held for `hold_seconds`."""
        ...


class ChannelRepo(Protocol):
    """Channel bindings, status cards, event dedup and status queries."""

    @property
    def reactions(self) -> ReceivedReactions:
        """Reactions received and not yet handled."""
        ...

    async def get_binding(self, channel_id: str) -> Binding | None:
        """The channel's binding, or None when it has none."""
        ...

    async def bind(self, channel_id: str, targets: Sequence[Target]) -> Binding:
        """Bind the channel; each given target replaces the one of its provider."""
        ...

    async def unbind(self, channel_id: str, provider: ProviderName | None) -> Binding | None:
        """Remove one provider's target (or all when None); the binding left, if any."""
        ...

    async def claim_card(self, channel_id: str, card_ts: str) -> str:
        """Record the status card's ts if the channel has none; return the ts in effect."""
        ...

    async def first_time(self, key: str, ttl_seconds: float) -> bool:
        """True the first time a key is seen within its time to live, False after."""
        ...

    async def stored_under(self, dedup_key: str) -> bool:
        """Whether an update with this dedup key is stored."""
        ...

    async def channel_status(self, channel_id: str) -> ChannelStatus:
        """Bindings, last update and the latest delivery per provider."""
        ...

    async def binding_and_recent_update(
        self, channel_id: str, author: str, update: Update, within_seconds: float
    ) -> tuple[Binding | None, StoredUpdate | None]:
        """The channel's binding, and the newest update the author stored in the channel
        within the window with the same words (one read)."""
        ...


class PublishedUpdates(Protocol):
    """Published updates as edits and deletions left them (the store)."""

    async def published(self, delivery_id: int) -> PublishedUpdate | None:
        """The delivery that published an update, with its words as last edited; None when
        no delivery published anything under this id."""
        ...


class StatusPageComponents(Protocol):
    """The components of the Checkly status page incidents are opened on."""

    async def components(self) -> Sequence[Component] | str | None:
        """The components in display order; or why they could not be read, in the vendor's
        words; None when no status page is set up to open incidents on."""
        ...


@dataclass(frozen=True)
class SlackOptions:
    """The settings the Slack layer reads."""

    reactions: Mapping[str, State]
    allowed_users: frozenset[str]
    allowed_groups: frozenset[str]
    reminder_minutes: float
    providers_on: frozenset[ProviderName]
    templates: Mapping[State, str] = field(default_factory=lambda: dict(DEFAULT_TEMPLATES))
    notify_subscribers: bool = False
    """Whether updates to Checkly status pages notify subscribers unless the form says."""
    open_at: tuple[Target, ...] = ()
    """Where `open` opens an incident: Phare (incident id empty) and the Checkly status page."""
    phare_monitor_ids: tuple[int, ...] = ()
    """The Phare monitors attached to an incident `open` opens at Phare."""


@dataclass(frozen=True)
class SlackDeps:
    """Everything a Slack listener may use, built once in bot/app.py."""

    publisher: Publisher
    repo: ChannelRepo
    options: SlackOptions
    components: StatusPageComponents | None = None
    """The status page's components offered by the "Open an incident" form (None: none)."""

    @cached_property
    def permissions(self) -> Permissions:
        """Who may publish, with one group-membership cache shared by every listener."""
        return Permissions(users=self.options.allowed_users, groups=self.options.allowed_groups)
