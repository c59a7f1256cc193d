"""Settings from the environment (and `.env`), checked all at once before anything starts."""

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

from pydantic import (
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    create_model,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config_checks import (
    DEFAULT_DATABASE_URL,
    GROUP_ID,
    USER_ID,
    check_checkly_pair,
    cross_problems,
    monitor_ids,
    normalised_database_url,
    reaction_map,
    slack_ids,
    status_page_id,
    template_map,
)
from bot.domain.states import State
from bot.domain.templates import DEFAULT_TEMPLATES


class ConfigError(Exception):
    """Everything wrong with the environment, one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class LogFormat(StrEnum):
    """How log lines are written."""

    TEXT = "text"
    JSON = "json"


class SlackSettings(BaseModel):
    """How to reach Slack and verify what it sends."""

    bot_token: SecretStr | None
    signing_secret: SecretStr | None
    app_token: SecretStr | None
    api_url: str

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is set; HTTP mode otherwise."""
        return self.app_token is not None

    def missing_for_serve(self) -> list[str]:
        """The variables `serve` needs that are not set."""
        missing = [] if self.bot_token else ["SLACK_BOT_TOKEN"]
        if not self.socket_mode and not self.signing_secret:
            missing.append("SLACK_SIGNING_SECRET")
        return missing


class PhareSettings(BaseModel):
    """Phare credentials; present only when Phare is on."""

    api_token: SecretStr
    api_url: str
    project_id: int | None = None
    project_slug: str | None = None
    monitor_ids: tuple[int, ...] = ()


class ChecklySettings(BaseModel):
    """Checkly credentials; present only when Checkly is on."""

    api_key: SecretStr
    account_id: str
    api_url: str
    status_page_id: str | None = None
    notify_subscribers: bool = False


class StoreSettings(BaseModel):
    """Where updates and deliveries are kept."""

    url: str


class Settings(BaseModel):
    """Everything the bot is configured with."""

    slack: SlackSettings
    phare: PhareSettings | None
    checkly: ChecklySettings | None
    store: StoreSettings
    port: int
    reactions: Mapping[str, State]
    allowed_users: frozenset[str]
    allowed_groups: frozenset[str]
    reminder_minutes: float
    templates: Mapping[State, str] = Field(default_factory=lambda: dict(DEFAULT_TEMPLATES))
    log_format: LogFormat = LogFormat.TEXT


# Every value that goes into an HTTP header (tokens, keys, the account id) or an HMAC.
_CREDENTIALS = (
    "slack_bot_token",
    "slack_signing_secret",
    "slack_app_token",
    "phare_api_token",
    "checkly_api_key",
    "checkly_account_id",
)


class _Environment(BaseModel):
    """The variables of PRODUCT.md, one typed field each."""

    model_config = ConfigDict(extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: AnyHttpUrl = AnyHttpUrl("https://slack.com/api/")
    phare_api_token: SecretStr | None = None
    phare_project_id: int | None = Field(default=None, gt=0)
    phare_project_slug: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    phare_api_url: AnyHttpUrl = AnyHttpUrl("https://api.phare.io")
    checkly_api_key: SecretStr | None = None
    checkly_account_id: str | None = None
    checkly_api_url: AnyHttpUrl = AnyHttpUrl("https://api.checklyhq.com")
    checkly_status_page_id: str | None = None
    checkly_notify_subscribers: bool = False
    phare_monitor_ids: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    port: int = Field(default=3000, ge=1, le=65535)
    incident_bot_reactions: str | None = None
    incident_bot_allowed_users: str | None = None
    incident_bot_allowed_groups: str | None = None
    incident_bot_reminder_minutes: float = Field(default=30.0, ge=0, allow_inf_nan=False)
    incident_bot_templates: Path | None = None
    log_format: LogFormat = LogFormat.TEXT

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format_any_case(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator(*_CREDENTIALS, mode="before")
    @classmethod
    def _credential_as_pasted(cls, value: object) -> object:
        """Spaces and line breaks around a pasted credential are dropped; inside, refused."""
        if not isinstance(value, str):
            return value
        value = value.strip()
        if not all(" " < char < "\x7f" for char in value):
            raise ValueError(
                "holds a space, a line break or a character that is not plain ASCII; "
                "copy it again without them"
            )
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value


def load_settings(env: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
    """Read and check every variable; raise ConfigError listing all problems at once."""
    raw = _raw_values(env, env_file)
    problems = cross_problems(raw)
    try:
        typed = _Environment.model_validate(raw)
    except ValidationError as error:
        raise ConfigError([_describe(e) for e in error.errors()] + problems) from None
    if problems:
        raise ConfigError(problems)
    return _build(typed)


_RawEnvironment: type[BaseSettings] = create_model(  # type: ignore[call-overload]
    "_RawEnvironment",
    __base__=BaseSettings,
    __config__=None,
    **{name: (str | None, None) for name in _Environment.model_fields},
)
_RawEnvironment.model_config = SettingsConfigDict(
    env_file=".env", env_ignore_empty=True, extra="ignore", case_sensitive=False
)


def _raw_values(env: Mapping[str, str] | None, env_file: Path | None) -> dict[str, str]:
    """The variables as strings, from `env` or from the environment and the `.env` file."""
    if env is not None:
        return {k.lower(): v for k, v in env.items() if v != ""}
    settings = _RawEnvironment(_env_file=env_file or Path(".env"))
    return {k: v for k, v in settings.model_dump().items() if v is not None}


def _describe(error: Mapping[str, object]) -> str:
    """One validation error as `NAME: what is wrong` (never the value: it may be a secret)."""
    loc = error.get("loc") or ("?",)
    name = str(loc[0]).upper() if isinstance(loc, tuple) else "?"
    message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
    return f"{name}: {message}"


def _build(raw: _Environment) -> Settings:
    """Turn raw variables into nested settings, collecting cross-field problems."""
    problems: list[str] = []
    phare = _phare(raw, problems)
    checkly = _checkly(raw, problems)
    reactions = reaction_map(raw.incident_bot_reactions, problems)
    users = slack_ids(
        raw.incident_bot_allowed_users, USER_ID, "INCIDENT_BOT_ALLOWED_USERS", problems
    )
    groups = slack_ids(
        raw.incident_bot_allowed_groups, GROUP_ID, "INCIDENT_BOT_ALLOWED_GROUPS", problems
    )
    store_url = normalised_database_url(raw.database_url, problems)
    templates = template_map(raw.incident_bot_templates, problems)
    if problems:
        raise ConfigError(problems)
    slack = SlackSettings(
        bot_token=raw.slack_bot_token,
        signing_secret=raw.slack_signing_secret,
        app_token=raw.slack_app_token,
        api_url=_with_slash(str(raw.slack_api_url)),
    )
    return Settings(
        slack=slack,
        phare=phare,
        checkly=checkly,
        store=StoreSettings(url=store_url),
        port=raw.port,
        reactions=reactions,
        allowed_users=users,
        allowed_groups=groups,
        reminder_minutes=raw.incident_bot_reminder_minutes,
        templates=templates,
        log_format=raw.log_format,
    )


def _phare(raw: _Environment, problems: list[str]) -> PhareSettings | None:
    """Phare is on when its token is set."""
    on = raw.phare_api_token is not None
    monitors = monitor_ids(raw.phare_monitor_ids, on, problems)
    if raw.phare_api_token is None:
        return None
    return PhareSettings(
        api_token=raw.phare_api_token,
        api_url=str(raw.phare_api_url).rstrip("/"),
        project_id=raw.phare_project_id,
        project_slug=raw.phare_project_slug,
        monitor_ids=monitors,
    )


def _checkly(raw: _Environment, problems: list[str]) -> ChecklySettings | None:
    """Checkly is on when its key and account are both set; one without the other is an error."""
    on = raw.checkly_api_key is not None and raw.checkly_account_id is not None
    page = status_page_id(raw.checkly_status_page_id, on, problems)
    if raw.checkly_api_key is None and raw.checkly_account_id is None:
        return None
    if raw.checkly_api_key is None or raw.checkly_account_id is None:
        check_checkly_pair(
            raw.checkly_api_key is not None, raw.checkly_account_id is not None, problems
        )
        return None
    return ChecklySettings(
        api_key=raw.checkly_api_key,
        account_id=raw.checkly_account_id.strip(),
        api_url=str(raw.checkly_api_url).rstrip("/"),
        status_page_id=page,
        notify_subscribers=raw.checkly_notify_subscribers,
    )


def _with_slash(url: str) -> str:
    """A base URL ending in exactly one slash."""
    return url.rstrip("/") + "/"
