"""Configuration: every PRODUCT.md variable, defaults, and every problem reported at once."""

from pathlib import Path

import pytest

from bot.config import ConfigError, LogFormat, load_settings
from bot.domain.states import DEFAULT_REACTIONS, State


def test_an_empty_environment_gives_the_documented_defaults() -> None:
    settings = load_settings({})
    assert settings.slack.api_url == "https://slack.com/api/"
    assert settings.slack.missing_for_serve() == ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
    assert settings.phare is None
    assert settings.checkly is None
    assert settings.store.url == "sqlite:///incident-bot.db"
    assert settings.port == 3000
    assert dict(settings.reactions) == dict(DEFAULT_REACTIONS)
    assert settings.allowed_users == frozenset()
    assert settings.reminder_minutes == 30
    assert settings.log_format is LogFormat.TEXT


def test_every_variable_is_read_and_secrets_stay_secret() -> None:
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-1-secret",
            "SLACK_SIGNING_SECRET": "signing-secret",
            "SLACK_APP_TOKEN": "xapp-1-secret",
            "SLACK_API_URL": "http://127.0.0.1:9/api",
            "PHARE_API_TOKEN": "phare-secret",
            "PHARE_PROJECT_ID": "7",
            "PHARE_PROJECT_SLUG": "luminous-guiding-tower",
            "PHARE_API_URL": "http://127.0.0.1:9/",
            "CHECKLY_API_KEY": "checkly-secret",
            "CHECKLY_ACCOUNT_ID": "acc-1",
            "CHECKLY_API_URL": "http://127.0.0.1:8",
            "DATABASE_URL": "postgres://u:p@db:5432/bot",
            "PORT": "8080",
            "INCIDENT_BOT_REACTIONS": ":fire:=investigating, rocket=resolved",
            "INCIDENT_BOT_ALLOWED_USERS": "U012ABC, W0345DEF",
            "INCIDENT_BOT_ALLOWED_GROUPS": "S0123GRP",
            "INCIDENT_BOT_REMINDER_MINUTES": "0.5",
            "LOG_FORMAT": "JSON",
        }
    )
    assert settings.slack.socket_mode
    assert settings.slack.missing_for_serve() == []
    assert settings.slack.api_url == "http://127.0.0.1:9/api/"
    assert settings.phare is not None
    assert settings.phare.api_url == "http://127.0.0.1:9"
    assert settings.phare.project_id == 7
    assert settings.phare.project_slug == "luminous-guiding-tower"
    assert settings.checkly is not None
    assert settings.checkly.account_id == "acc-1"
    assert settings.store.url == "postgresql://u:p@db:5432/bot"
    assert settings.port == 8080
    assert dict(settings.reactions) == {"fire": State.INVESTIGATING, "rocket": State.RESOLVED}
    assert settings.allowed_users == {"U012ABC", "W0345DEF"}
    assert settings.allowed_groups == {"S0123GRP"}
    assert settings.reminder_minutes == 0.5
    assert settings.log_format is LogFormat.JSON
    shown = repr(settings)
    for secret in ("xoxb-1-secret", "signing-secret", "xapp-1-secret", "phare-secret"):
        assert secret not in shown


def test_every_problem_is_reported_at_once_without_values() -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(
            {
                "SLACK_BOT_TOKEN": "xoxp-user-token-secret",
                "PORT": "eighty",
                "PHARE_API_URL": "not a url",
                "PHARE_PROJECT_ID": "-3",
                "CHECKLY_API_KEY": "checkly-secret",
                "INCIDENT_BOT_REACTIONS": "eyes",
                "INCIDENT_BOT_ALLOWED_USERS": "alice",
                "INCIDENT_BOT_REMINDER_MINUTES": "-1",
                "DATABASE_URL": "mysql://db/bot",
                "LOG_FORMAT": "yaml",
            }
        )
    problems = raised.value.problems
    named = {p.split(":")[0] for p in problems}
    assert named == {
        "SLACK_BOT_TOKEN",
        "PORT",
        "PHARE_API_URL",
        "PHARE_PROJECT_ID",
        "CHECKLY_ACCOUNT_ID",
        "INCIDENT_BOT_REACTIONS",
        "INCIDENT_BOT_ALLOWED_USERS",
        "INCIDENT_BOT_REMINDER_MINUTES",
        "DATABASE_URL",
        "LOG_FORMAT",
    }
    assert "xoxp-user-token-secret" not in str(raised.value)
    assert "checkly-secret" not in str(raised.value)


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"CHECKLY_ACCOUNT_ID": "acc"}, "CHECKLY_API_KEY"),
        ({"PORT": "70000"}, "PORT"),
        ({"SLACK_APP_TOKEN": "xoxb-not-an-app-token"}, "SLACK_APP_TOKEN"),
        ({"INCIDENT_BOT_REACTIONS": "eyes=sleeping"}, "INCIDENT_BOT_REACTIONS"),
        ({"INCIDENT_BOT_REACTIONS": "eyes=resolved,eyes=monitoring"}, "INCIDENT_BOT_REACTIONS"),
        ({"INCIDENT_BOT_ALLOWED_GROUPS": "U012ABC"}, "INCIDENT_BOT_ALLOWED_GROUPS"),
        ({"INCIDENT_BOT_REMINDER_MINUTES": "nan"}, "INCIDENT_BOT_REMINDER_MINUTES"),
        ({"LOG_FORMAT": "logfmt"}, "LOG_FORMAT"),
    ],
)
def test_each_bad_variable_is_named(variables: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(variables)
    assert [p.split(":")[0] for p in raised.value.problems] == [named]


CREDENTIALS = {
    "SLACK_BOT_TOKEN": "xoxb-1-secret",
    "SLACK_SIGNING_SECRET": "signing-secret",
    "SLACK_APP_TOKEN": "xapp-1-secret",
    "PHARE_API_TOKEN": "17|phare-secret",
    "CHECKLY_API_KEY": "cu_checkly-secret",
    "CHECKLY_ACCOUNT_ID": "acc-0001-0002",
}


@pytest.mark.parametrize("name", list(CREDENTIALS))
@pytest.mark.parametrize("inside", ["\n", "\r\n", " ", "\t", "\x00", "\x7f", "\u2028"], ids=repr)
def test_a_credential_with_a_break_or_space_inside_is_named(name: str, inside: str) -> None:
    value = CREDENTIALS[name]
    broken = value[:6] + inside + value[6:]
    with pytest.raises(ConfigError) as raised:
        load_settings({**CREDENTIALS, name: broken})
    assert [p.split(":")[0] for p in raised.value.problems] == [name]
    assert value[6:] not in str(raised.value)


def test_a_credential_pasted_with_a_line_break_or_spaces_around_is_used_without_them() -> None:
    settings = load_settings({k: f" {v}\r\n" for k, v in CREDENTIALS.items()})
    assert settings.slack.bot_token is not None
    assert settings.slack.bot_token.get_secret_value() == "xoxb-1-secret"
    assert settings.slack.signing_secret is not None
    assert settings.slack.signing_secret.get_secret_value() == "signing-secret"
    assert settings.slack.app_token is not None
    assert settings.slack.app_token.get_secret_value() == "xapp-1-secret"
    assert settings.phare is not None
    assert settings.phare.api_token.get_secret_value() == "17|phare-secret"
    assert settings.checkly is not None
    assert settings.checkly.api_key.get_secret_value() == "cu_checkly-secret"
    assert settings.checkly.account_id == "acc-0001-0002"


def test_the_env_file_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PORT", "PHARE_API_TOKEN", "SLACK_BOT_TOKEN", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=4000\nPHARE_API_TOKEN=from-file\nSLACK_BOT_TOKEN=xoxb-file\n")
    monkeypatch.setenv("PORT", "5000")
    settings = load_settings(env_file=env_file)
    assert settings.port == 5000
    assert settings.phare is not None
    assert settings.phare.api_token.get_secret_value() == "from-file"


def test_problems_in_the_env_file_are_reported_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("PORT", "CHECKLY_API_KEY", "CHECKLY_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=99999\nCHECKLY_ACCOUNT_ID=acc\n")
    with pytest.raises(ConfigError) as raised:
        load_settings(env_file=env_file)
    assert [p.split(":")[0] for p in raised.value.problems] == ["PORT", "CHECKLY_API_KEY"]


PAGE = "0c7b2f8e-3c1d-4a59-9d8e-7a1b2c3d4e5f"
CHECKLY_ON = {"CHECKLY_API_KEY": "cu_key", "CHECKLY_ACCOUNT_ID": "acc-1"}


def test_status_page_monitors_and_notification_default() -> None:
    settings = load_settings(
        {
            **CHECKLY_ON,
            "CHECKLY_STATUS_PAGE_ID": PAGE.upper(),
            "CHECKLY_NOTIFY_SUBSCRIBERS": "true",
            "PHARE_API_TOKEN": "phare-secret",
            "PHARE_MONITOR_IDS": "12, 7,12",
        }
    )
    assert settings.checkly is not None
    assert settings.phare is not None
    assert settings.checkly.status_page_id == PAGE
    assert settings.checkly.notify_subscribers is True
    assert settings.phare.monitor_ids == (12, 7)
    defaults = load_settings(CHECKLY_ON)
    assert defaults.checkly is not None
    assert (defaults.checkly.status_page_id, defaults.checkly.notify_subscribers) == (None, False)


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({**CHECKLY_ON, "CHECKLY_STATUS_PAGE_ID": "my-page"}, "CHECKLY_STATUS_PAGE_ID: not a UUID"),
        ({"CHECKLY_STATUS_PAGE_ID": PAGE}, "CHECKLY_STATUS_PAGE_ID: set, but Checkly is off"),
        ({"PHARE_API_TOKEN": "t", "PHARE_MONITOR_IDS": "3,x,-1"}, "PHARE_MONITOR_IDS: 'x', '-1'"),
        ({"PHARE_MONITOR_IDS": "3"}, "PHARE_MONITOR_IDS: set, but Phare is off"),
        ({**CHECKLY_ON, "CHECKLY_NOTIFY_SUBSCRIBERS": "perhaps"}, "CHECKLY_NOTIFY_SUBSCRIBERS"),
    ],
)
def test_status_page_and_monitor_problems_are_named(env: dict[str, str], problem: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(env)
    assert any(p.startswith(problem) for p in raised.value.problems), raised.value.problems


@pytest.mark.parametrize(
    "page",
    [
        f"{{{PAGE}}}",
        f"urn:uuid:{PAGE}",
        PAGE.replace("-", ""),
        PAGE.replace("-", " ", 1),
        f"{PAGE[:8]}-{PAGE[9:]}".replace("-", "", 1),
        f"{PAGE}/{PAGE}",
        PAGE.replace("c", "\uff43"),
    ],
)
def test_a_status_page_id_in_another_form_is_refused_beside_every_other_problem(
    page: str,
) -> None:
    env = {**CHECKLY_ON, "CHECKLY_STATUS_PAGE_ID": page, "PHARE_MONITOR_IDS": "x", "PORT": "no"}
    with pytest.raises(ConfigError) as raised:
        load_settings(env)
    named = [p.split(":")[0] for p in raised.value.problems]
    assert sorted(named) == ["CHECKLY_STATUS_PAGE_ID", "PHARE_MONITOR_IDS", "PORT"]


def test_a_status_page_id_is_trimmed_and_lower_cased_as_in_a_target() -> None:
    settings = load_settings({**CHECKLY_ON, "CHECKLY_STATUS_PAGE_ID": f" {PAGE.upper()}\n"})
    assert settings.checkly is not None
    assert settings.checkly.status_page_id == PAGE
