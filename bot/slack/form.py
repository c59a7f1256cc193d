"""What the update form holds, whether opened fresh or read back from Slack to be redrawn."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.domain.states import ProviderName, State
from bot.slack import ids


def digest(text: str) -> str:
    """A short fingerprint of a text, kept in private_metadata to spot edits."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class Form:
    """What the form shows. `inserted` fingerprints the text the bot last put in the message
    field (a template or an earlier update); `revision` counts those insertions, and names the
    message block so Slack shows the new text instead of keeping the old one."""

    channel_id: str | None
    state: State
    message: str
    targets: Mapping[ProviderName, str] = field(default_factory=dict)
    published_at: datetime | None = None
    notify_subscribers: bool | None = None
    inserted: str = ""
    revision: int = 0

    @property
    def edited(self) -> bool:
        """Whether the person changed the message the bot put there (emptying it is not kept)."""
        return self.message.strip() != "" and digest(self.message) != self.inserted


def message_block_id(revision: int) -> str:
    """The message block's id: a new one each time the bot replaces the text."""
    return ids.MESSAGE_BLOCK if revision == 0 else f"{ids.MESSAGE_BLOCK_REVISED}{revision}"


def is_message_block(block_id: str) -> bool:
    """Whether a block id is one the message block has had."""
    return block_id == ids.MESSAGE_BLOCK or block_id.startswith(ids.MESSAGE_BLOCK_REVISED)


def with_template(form: Form, templates: Mapping[State, str]) -> Form:
    """The form after a change: the state's template replaces a message nobody has edited."""
    template = templates[form.state]
    if form.edited or form.message == template:
        return form
    return replace(form, message=template, inserted=digest(template), revision=form.revision + 1)
