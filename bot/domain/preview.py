"""What each target will receive for an update: the vendor's state word and the text's length."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain.models import Target
from bot.domain.states import ProviderName, State, vendor_state
from bot.domain.targets import takes_state
from bot.domain.validation import PHARE_MAX_CONTENT

CONTENT_LIMITS: Mapping[ProviderName, int | None] = {
    ProviderName.PHARE: PHARE_MAX_CONTENT,
    ProviderName.CHECKLY: None,
}
"""The longest text each vendor documents accepting (None: no documented limit)."""


@dataclass(frozen=True)
class TargetPreview:
    """One target's view of an update; `state_word` is None when the vendor lacks the state."""

    target: Target
    state_word: str | None
    length: int
    limit: int | None

    @property
    def too_long(self) -> bool:
        """Whether the text exceeds the vendor's documented limit."""
        return self.limit is not None and self.length > self.limit


def preview(state: State, content: str, targets: Sequence[Target]) -> list[TargetPreview]:
    """Each target in order, with what its vendor would be sent."""
    return [
        TargetPreview(
            target=target,
            state_word=vendor_state(target.provider, state) if takes_state(target, state) else None,
            length=len(content),
            limit=CONTENT_LIMITS[target.provider],
        )
        for target in targets
    ]
