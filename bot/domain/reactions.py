"""A reaction that may publish: who added which emoji to which message, as Slack delivered it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Reaction:
    """One `reaction_added` delivery, reduced to what matters."""

    event_id: str
    user: str
    emoji: str
    channel: str
    ts: str
    bot_user_id: str | None
    item_user: str | None = None

    @property
    def dedup_key(self) -> str:
        """The same emoji on the same message publishes once."""
        return f"reaction:{self.channel}:{self.ts}:{self.emoji}"
