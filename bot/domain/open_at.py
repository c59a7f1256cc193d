"""Where `open` opens an incident, whether its title fits there, and the submission it makes."""

from collections.abc import Collection, Iterable, Mapping, Sequence

from bot.domain.models import Source, Submission, Target, Update
from bot.domain.operations import CHECKLY_TITLE_LIMIT, PHARE_TITLE_LIMIT, Opening, Operation
from bot.domain.states import ProviderName, State
from bot.domain.text import forbidden_character, has_visible_text

TITLE_LIMITS: Mapping[ProviderName, int] = {
    ProviderName.PHARE: PHARE_TITLE_LIMIT,
    ProviderName.CHECKLY: CHECKLY_TITLE_LIMIT,
}


def open_places(phare_on: bool, checkly_status_page: str | None) -> tuple[Target, ...]:
    """Every vendor that can open an incident, as the target naming where: Phare (its project,
    where is empty) and the Checkly status page, when set."""
    places = [Target(ProviderName.PHARE, "")] if phare_on else []
    if checkly_status_page:
        places.append(Target(ProviderName.CHECKLY, checkly_status_page))
    return tuple(places)


def place_label(where: Target) -> str:
    """Where an incident opens, as people say it: `Phare`, `Checkly status page <uuid>`."""
    if where.provider is ProviderName.CHECKLY and where.incident_id:
        return f"Checkly status page {where.incident_id}"
    return where.provider.label


def nowhere_to_open(providers_on: Collection[ProviderName]) -> str:
    """Why no vendor can open an incident, naming the variables to set."""
    ways = ["Phare: set PHARE_API_TOKEN"]
    if ProviderName.CHECKLY in providers_on:
        ways.append("Checkly: set CHECKLY_STATUS_PAGE_ID (the status page to open incidents on)")
    else:
        ways.append("Checkly: set CHECKLY_API_KEY, CHECKLY_ACCOUNT_ID and CHECKLY_STATUS_PAGE_ID")
    return f"No vendor on this bot can open an incident. {'; '.join(ways)}."


def title_problems(title: str, vendors: Iterable[ProviderName]) -> list[str]:
    """Everything wrong with a title for these vendors: empty, invalid, too long for a vendor
    (naming the vendor and its limit)."""
    problems = []
    if not has_visible_text(title):
        problems.append("Give the incident a title: it is empty.")
    bad = forbidden_character(title)
    if bad is not None:
        problems.append(f"The title contains {bad}; remove it.")
    too_long = [p for p in dict.fromkeys(vendors) if len(title) > TITLE_LIMITS[p]]
    if too_long:
        limits = "; ".join(f"{p.label} takes at most {TITLE_LIMITS[p]}" for p in too_long)
        problems.append(f"This title has {len(title):,} characters; {limits}.")
    return problems


def opening_submission(
    opening: Opening,
    places: Sequence[Target],
    source: Source,
    author: str | None,
    *,
    channel_id: str | None = None,
    dedup_key: str | None = None,
) -> Submission:
    """The submission that opens the incident at each place; its first update investigating."""
    return Submission(
        update=Update(State.INVESTIGATING, opening.first_message),
        targets=tuple(places),
        source=source,
        author=author,
        channel_id=channel_id,
        dedup_key=dedup_key,
        operation=Operation.OPEN,
        opening=opening,
    )
