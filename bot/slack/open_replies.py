"""What only the caller of `/incident-update open` sees (pure)."""

from collections.abc import Collection, Sequence

from bot.domain.open_at import nowhere_to_open, place_label
from bot.domain.records import Binding, StoredUpdate
from bot.domain.states import ProviderName
from bot.domain.text import escape_mrkdwn, shorten
from bot.slack.ids import COMMAND
from bot.slack.receipts import target_label
from bot.slack.replies import why_not_opened

_SHOWN_TITLE = 300


def form_failed(reason: str) -> str:
    """The "Open an incident" form could not be opened; nothing was opened."""
    return (
        f"The “Open an incident” form could not open ({why_not_opened(reason)}). Run "
        f"`{COMMAND} open` again, or open it directly with `{COMMAND} open &lt;title&gt;`."
    )


def nowhere(providers_on: Collection[ProviderName]) -> str:
    """No vendor on this bot can open an incident."""
    return f"{escape_mrkdwn(nowhere_to_open(providers_on))} Nothing was opened."


def still_open(binding: Binding) -> str:
    """The channel is bound to an incident not yet resolved: name it, say how to go on."""
    ordered = sorted(binding.targets, key=lambda t: list(ProviderName).index(t.provider))
    bound = ", ".join(target_label(t) for t in ordered)
    state = binding.current_state.value if binding.current_state else "no update yet"
    return (
        f"This channel is bound to an incident that is not resolved: {bound} "
        f"(current state: {state}). Nothing was opened. Resolve it first "
        f"(`{COMMAND} resolved &lt;message&gt;`) or unlink it (`{COMMAND} unlink`), "
        "then open the new one."
    )


def bad_title(problems: Sequence[str]) -> str:
    """The title cannot be opened anywhere chosen: nothing was stored."""
    lines = [f"• {escape_mrkdwn(problem)}" for problem in problems]
    return "\n".join(["Nothing was opened:", *lines])


def opening(stored: StoredUpdate) -> str:
    """The opening is stored and on its way; the card will tell the rest."""
    submission = stored.submission
    title = submission.opening.title if submission.opening is not None else ""
    places = " and ".join(escape_mrkdwn(place_label(t)) for t in submission.targets)
    shown = escape_mrkdwn(shorten(title, _SHOWN_TITLE))
    if stored.duplicate:
        return (
            f"Already stored as #{stored.id}: opening “{shown}” at {places}. "
            "It was not stored again."
        )
    return (
        f"Opening “{shown}” at {places} (#{stored.id}). This channel is bound to it; its new "
        "status card and thread will show what each vendor answers."
    )
