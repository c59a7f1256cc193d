"""The shapes of what Slack sends, strict where Bolt or a listener reads a field unchecked.

Each names the fields it needs with their types; any other field passes untouched.
"""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr


class Shape(BaseModel):
    """Strict types for the fields named; anything else passes untouched."""

    model_config = ConfigDict(extra="allow", strict=True)


class _Id(Shape):
    id: StrictStr


class Command(Shape):
    """A slash command form."""

    command: StrictStr
    text: StrictStr = ""
    team_id: StrictStr
    user_id: StrictStr
    channel_id: StrictStr


class _Action(Shape):
    action_id: StrictStr


class _Interaction(Shape):
    """What Bolt reads of every interaction before a listener runs."""

    type: StrictStr
    user: _Id
    team: _Id | None = None
    enterprise: dict[str, Any] | None = None
    authorizations: list[dict[str, Any]] | None = None


class BlockActions(_Interaction):
    """Buttons or inputs used in a message or a view."""

    actions: Annotated[list[_Action], Field(min_length=1)]
    view: dict[str, Any] | None = None


class _Option(Shape):
    value: StrictStr


class _Entered(Shape):
    """One input's state, with the types Slack gives each kind of value."""

    value: StrictStr | None = None
    selected_option: _Option | None = None
    selected_options: list[_Option] | None = None
    selected_date_time: StrictInt | StrictFloat | None = None
    selected_date: StrictStr | None = None
    selected_time: StrictStr | None = None


class _State(Shape):
    values: dict[str, dict[str, _Entered]]


class _View(Shape):
    id: StrictStr
    type: StrictStr
    callback_id: StrictStr
    private_metadata: StrictStr = ""
    state: _State


class ViewSubmission(_Interaction):
    """A modal submitted."""

    view: _View
    response_urls: list[dict[str, Any]] | None = None


class _Item(Shape):
    type: StrictStr
    channel: StrictStr | None = None
    ts: StrictStr | None = None


class _Event(Shape):
    type: StrictStr


class ReactionAdded(_Event):
    """The one event the bot acts on."""

    user: StrictStr
    reaction: StrictStr
    item: _Item
    item_user: StrictStr | None = None
    event_ts: StrictStr


class EventCallback(Shape):
    """An Events API envelope."""

    type: StrictStr
    team_id: StrictStr
    api_app_id: StrictStr
    event_id: StrictStr
    event: _Event
    authorizations: list[dict[str, Any]] | None = None


class UrlVerification(Shape):
    """Slack checking the request URL."""

    type: StrictStr
    challenge: StrictStr


INTERACTIONS: dict[str, type[Shape]] = {
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
}
EVENTS: dict[str, type[Shape]] = {"reaction_added": ReactionAdded}
