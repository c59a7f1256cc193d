"""Checks on the configuration's strings: pairs of variables, lists, files and URLs."""

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from bot.domain.ids import InvalidId, parse_status_page_id
from bot.domain.states import DEFAULT_REACTIONS, State, parse_reactions
from bot.domain.templates import DEFAULT_TEMPLATES, parse_templates

DEFAULT_DATABASE_URL = "sqlite:///incident-bot.db"
USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
GROUP_ID = re.compile(r"S[A-Z0-9]{2,}")
_MONITOR_ID = re.compile(r"[1-9][0-9]{0,18}", re.ASCII)


def cross_problems(raw: Mapping[str, str]) -> list[str]:
    """Problems that span variables or need parsing beyond one type, found from the strings."""
    problems: list[str] = []
    key, account = raw.get("checkly_api_key"), raw.get("checkly_account_id")
    if key is not None or account is not None:
        check_checkly_pair(key is not None, account is not None, problems)
    reaction_map(raw.get("incident_bot_reactions"), problems)
    slack_ids(
        raw.get("incident_bot_allowed_users"), USER_ID, "INCIDENT_BOT_ALLOWED_USERS", problems
    )
    slack_ids(
        raw.get("incident_bot_allowed_groups"), GROUP_ID, "INCIDENT_BOT_ALLOWED_GROUPS", problems
    )
    normalised_database_url(raw.get("database_url", DEFAULT_DATABASE_URL), problems)
    checkly_named = key is not None or account is not None
    status_page_id(raw.get("checkly_status_page_id"), checkly_named, problems)
    monitor_ids(raw.get("phare_monitor_ids"), raw.get("phare_api_token") is not None, problems)
    templates = raw.get("incident_bot_templates")
    template_map(Path(templates) if templates else None, problems)
    return problems


def check_checkly_pair(has_key: bool, has_account: bool, problems: list[str]) -> None:
    """Checkly needs its key and its account id together."""
    if not has_key:
        problems.append("CHECKLY_API_KEY: required when CHECKLY_ACCOUNT_ID is set")
    elif not has_account:
        problems.append(
            "CHECKLY_ACCOUNT_ID: required when CHECKLY_API_KEY is set "
            "(Checkly: Settings → Account → General)"
        )


def reaction_map(spec: str | None, problems: list[str]) -> Mapping[str, State]:
    """The emoji map: the defaults, or the operator's own pairs."""
    if spec is None:
        return dict(DEFAULT_REACTIONS)
    try:
        return parse_reactions(spec)
    except ValueError as error:
        problems.append(f"INCIDENT_BOT_REACTIONS: {error}")
        return {}


def template_map(path: Path | None, problems: list[str]) -> Mapping[State, str]:
    """The message templates: the defaults, with the operator's TOML file's states replaced."""
    if path is None:
        return dict(DEFAULT_TEMPLATES)
    name = "INCIDENT_BOT_TEMPLATES"
    try:
        return parse_templates(tomllib.loads(path.read_text(encoding="utf-8")))
    except OSError as error:
        problems.append(f"{name}: cannot read {path}: {error.strerror or error}")
    except tomllib.TOMLDecodeError as error:
        problems.append(f"{name}: {path} is not valid TOML: {error}")
    except (ValueError, UnicodeDecodeError) as error:
        problems.append(f"{name}: {path}: {error}")
    return {}


def slack_ids(
    spec: str | None, shape: re.Pattern[str], name: str, problems: list[str]
) -> frozenset[str]:
    """Comma-separated Slack ids of one kind."""
    if spec is None:
        return frozenset()
    ids = [part.strip() for part in spec.split(",") if part.strip()]
    bad = [i for i in ids if shape.fullmatch(i) is None]
    if bad:
        problems.append(f"{name}: not Slack ids: {', '.join(repr(b[:40]) for b in bad)}")
    return frozenset(ids)


def normalised_database_url(url: str, problems: list[str]) -> str:
    """Accept Heroku's `postgres://` and check the scheme is one the store speaks."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    scheme = url.partition("://")[0]
    if not url.partition("://")[1] or scheme.split("+")[0] not in {"sqlite", "postgresql"}:
        problems.append("DATABASE_URL: must be a sqlite:/// or postgresql:// URL")
    return url


def status_page_id(text: str | None, checkly_on: bool, problems: list[str]) -> str | None:
    """CHECKLY_STATUS_PAGE_ID: a UUID parsed as inside a `checkly:<page>/<incident>` target
    (8-4-4-4-12, lower-cased), and only with Checkly on."""
    if text is None or not text.strip():
        return None
    try:
        page = parse_status_page_id(text.strip())
    except InvalidId:
        problems.append(
            "CHECKLY_STATUS_PAGE_ID: not a UUID written 8-4-4-4-12 in hex digits (Checkly: "
            "Status pages → your page → the id in its address)"
        )
        return None
    if not checkly_on:
        problems.append(
            "CHECKLY_STATUS_PAGE_ID: set, but Checkly is off (set CHECKLY_API_KEY and "
            "CHECKLY_ACCOUNT_ID)"
        )
    return page


def monitor_ids(text: str | None, phare_on: bool, problems: list[str]) -> tuple[int, ...]:
    """PHARE_MONITOR_IDS: comma-separated positive whole numbers, and only with Phare on."""
    if text is None or not text.strip():
        return ()
    parts = [part.strip() for part in text.split(",") if part.strip()]
    bad = [part for part in parts if _MONITOR_ID.fullmatch(part) is None]
    if bad:
        problems.append(f"PHARE_MONITOR_IDS: {', '.join(map(repr, bad))} not a monitor id")
        return ()
    if not phare_on:
        problems.append("PHARE_MONITOR_IDS: set, but Phare is off (set PHARE_API_TOKEN)")
    return tuple(dict.fromkeys(int(part) for part in parts))
