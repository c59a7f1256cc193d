"""What a provider made of an update, in one plain sentence for people (no Slack markup)."""

from collections.abc import Mapping

from bot.domain.models import Accepted, DeliveryStatus, Outcome, Refused, Retry, Unclear
from bot.domain.operations import Operation
from bot.domain.states import ProviderName

_REFUSED = {
    Operation.PUBLISH: "refused the update",
    Operation.OPEN: "refused to open the incident",
    Operation.RECOVER: "refused to recover the incident",
    Operation.EDIT: "refused the edit",
    Operation.DELETE: "refused the deletion",
}


def explain(
    provider: ProviderName, outcome: Outcome, operation: Operation = Operation.PUBLISH
) -> str:
    """One plain-language line: accepted with its id, or refused/failed in the vendor's words."""
    label = provider.label
    if isinstance(outcome, Accepted):
        return _accepted(provider, outcome.provider_update_id, operation)
    if isinstance(outcome, Refused):
        return _refused(label, outcome, _REFUSED[operation])
    if isinstance(outcome, Retry):
        return sentence(outcome.reason + _wait(label, outcome.after_seconds))
    return sentence(f"{outcome.reason}; the {operation.label} may or may not have been applied")


def opening_left(provider: ProviderName, status: DeliveryStatus, outcome: Outcome | None) -> str:
    """What an opening that did not succeed leaves at the vendor: nothing, or, when it ended
    with an answer lost, perhaps an incident to look for before opening one again."""
    if status is DeliveryStatus.FAILED and isinstance(outcome, Unclear):
        label = provider.label
        return f"Look at {label} before opening the incident again: it may be open there."
    return f"Nothing was opened at {provider.label}."


def _accepted(provider: ProviderName, remote_id: str, operation: Operation) -> str:
    """What an accepted request did: the update's id, or the incident opened or recovered."""
    if operation is Operation.OPEN:
        return f"{provider.label} opened the incident {provider.value}:{remote_id}."
    if operation is Operation.RECOVER:
        return f"{provider.label} recovered the incident."
    return f"{provider.label} accepted the {operation.label} (update id {remote_id})."


def _refused(label: str, outcome: Refused, refused: str) -> str:
    """A refusal: not sent at all (no status), or the vendor's own words and field errors."""
    if outcome.status is None:
        return sentence(f"Not sent to {label}: {outcome.message}")
    details = _field_errors(outcome.field_errors)
    message = outcome.message.strip()
    if details and any(message.startswith(d.split(": ", 1)[1]) for d in details):
        message = ""
    parts = [p for p in (sentence(message) if message else "", *details) if p]
    return f"{label} {refused} (HTTP {outcome.status}): " + " ".join(parts)


def _field_errors(errors: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Each field error as `field: message`, ending with a full stop."""
    return [sentence(f"{name}: {text}") for name, texts in errors.items() for text in texts]


def _wait(label: str, seconds: float | None) -> str:
    """How long the provider asked us to wait, if it said."""
    if seconds is None:
        return ""
    return f"; {label} asked to wait {_duration(seconds)} before trying again"


def _duration(seconds: float) -> str:
    """Seconds in words: `45 s`, `2 min`, `1 min 30 s`."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def sentence(text: str) -> str:
    """Text ending with sentence punctuation."""
    text = text.strip()
    return text if not text or text[-1] in '.!?…”"' else text + "."
