"""Plain records the store hands to the Slack layer and the CLI."""

from dataclasses import dataclass
from datetime import datetime

from bot.delivery.reporting import DeliveryReport, StoredUpdate
from bot.domain.models import Target
from bot.domain.states import State


@dataclass(frozen=True)
class Binding:
    """A channel bound to at most one incident per provider, and its status card."""

    channel_id: str
    targets: tuple[Target, ...]
    card_ts: str | None = None
    current_state: State | None = None


@dataclass(frozen=True)
class ChannelStatus:
    """What `/incident-update status` shows."""

    binding: Binding | None
    last_update: StoredUpdate | None
    last_update_at: datetime | None
    latest_deliveries: tuple[DeliveryReport, ...]
