"""The text typed after `/incident-update`, parsed into one request (pure, no Slack calls)."""

from dataclasses import dataclass

from bot.domain.ids import InvalidId, parse_target
from bot.domain.models import Target
from bot.domain.states import ProviderName, State, parse_state
from bot.domain.text import unescape_slack

SUBCOMMANDS = ("open", "link", "unlink", "status", "help")


@dataclass(frozen=True)
class OpenModal:
    """No text: open the update form."""


@dataclass(frozen=True)
class ShowHelp:
    """`help`: usage, only to the caller."""


@dataclass(frozen=True)
class ShowStatus:
    """`status`: the channel's bindings and latest results, only to the caller."""


@dataclass(frozen=True)
class Link:
    """`link phare:<id> checkly:<uuid>`: bind the channel (either or both)."""

    targets: tuple[Target, ...]


@dataclass(frozen=True)
class Unlink:
    """`unlink [phare|checkly]`: drop one provider's incident, or both when None."""

    provider: ProviderName | None


@dataclass(frozen=True)
class Publish:
    """`<state> <message>`: publish at once to the channel's bound incidents."""

    state: State
    message: str


@dataclass(frozen=True)
class OpenIncident:
    """`open <title>`: open an incident at every vendor that can; `title` None for bare `open`."""

    title: str | None


@dataclass(frozen=True)
class UnknownWord:
    """The first word is neither a subcommand nor a state."""

    word: str


@dataclass(frozen=True)
class Malformed:
    """A known subcommand or state used wrongly; `problem` is raw text (escape to show it)."""

    problem: str


Parsed = (
    OpenModal
    | ShowHelp
    | ShowStatus
    | Link
    | Unlink
    | Publish
    | OpenIncident
    | UnknownWord
    | Malformed
)


def parse_command_text(text: str) -> Parsed:
    """Parse the command's text as Slack sends it (with `&amp; &lt; &gt;` escaped)."""
    raw = unescape_slack(text).strip()
    if not raw:
        return OpenModal()
    first, *others = raw.split(maxsplit=1)
    rest = others[0].strip() if others else ""
    word = first.lower()
    if word == "help":
        return ShowHelp()
    if word == "status":
        return ShowStatus()
    if word == "link":
        return _parse_link(rest)
    if word == "unlink":
        return _parse_unlink(rest)
    if word == "open":
        return OpenIncident(rest or None)
    state = parse_state(first)
    if state is None:
        return UnknownWord(first)
    if not rest:
        return Malformed(
            f"Add a message after the state, e.g. `{state.value} What we know so far`."
        )
    return Publish(state, rest)


def _parse_link(rest: str) -> Link | Malformed:
    """Targets `phare:<id>` and/or `checkly:<uuid>`, at most one per provider."""
    words = rest.split()
    if not words:
        return Malformed("Name at least one incident: `link phare:<id> checkly:<uuid>`.")
    targets: dict[ProviderName, Target] = {}
    for word in words:
        try:
            target = parse_target(word)
        except InvalidId as error:
            return Malformed(f"{error}. Nothing was changed.")
        if target.provider in targets:
            label = target.provider.label
            return Malformed(
                f"{label} is named twice; give one {label} incident. Nothing was changed."
            )
        targets[target.provider] = target
    return Link(tuple(targets[p] for p in ProviderName if p in targets))


def _parse_unlink(rest: str) -> Unlink | Malformed:
    """`unlink`, `unlink phare` or `unlink checkly`."""
    if not rest:
        return Unlink(None)
    try:
        return Unlink(ProviderName(rest.lower()))
    except ValueError:
        return Malformed(f"`unlink` takes `phare`, `checkly` or nothing (both), not {rest[:80]!r}.")
