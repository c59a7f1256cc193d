"""Settings from the environment (and `.env`), checked all at once before anything starts."""

import re
import tomllib
from collections.abc import Mapping
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

from bot.domain.states import DEFAULT_REACTIONS, State, parse_reactions
from bot.domain.templates import DEFAULT_TEMPLATES, parse_templates

DEFAULT_DATABASE_URL = "sqlite:///incident-bot.db"
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_GROUP_ID = re.compile(r"S[A-Z0-9]{2,}")


class ConfigError(Exception):
    """Everything wrong with the environment, one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


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


class ChecklySettings(BaseModel):
    """Checkly credentials; present only when Checkly is on."""

    api_key: SecretStr
    account_id: str
    api_url: str


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
    database_url: str = DEFAULT_DATABASE_URL
    port: int = Field(default=3000, ge=1, le=65535)
    incident_bot_reactions: str | None = None
    incident_bot_allowed_users: str | None = None
    incident_bot_allowed_groups: str | None = None
    incident_bot_reminder_minutes: float = Field(default=30.0, ge=0, allow_inf_nan=False)
    incident_bot_templates: Path | None = None

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
    problems = _cross_problems(raw)
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


def _cross_problems(raw: Mapping[str, str]) -> list[str]:
    """Problems that span variables or need parsing beyond one type, found from the strings."""
    problems: list[str] = []
    key, account = raw.get("checkly_api_key"), raw.get("checkly_account_id")
    if key is not None or account is not None:
        _checkly_pair(key is not None, account is not None, problems)
    _reactions(raw.get("incident_bot_reactions"), problems)
    _ids(raw.get("incident_bot_allowed_users"), _USER_ID, "INCIDENT_BOT_ALLOWED_USERS", problems)
    _ids(raw.get("incident_bot_allowed_groups"), _GROUP_ID, "INCIDENT_BOT_ALLOWED_GROUPS", problems)
    _database_url(raw.get("database_url", DEFAULT_DATABASE_URL), problems)
    templates = raw.get("incident_bot_templates")
    _templates(Path(templates) if templates else None, problems)
    return problems


def _describe(error: Mapping[str, object]) -> str:
    """One validation error as `NAME: what is wrong` (never the value: it may be a secret)."""
    loc = error.get("loc") or ("?",)
    name = str(loc[0]).upper() if isinstance(loc, tuple) else "?"
    message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
    return f"{name}: {message}"


def _build(raw: _Environment) -> Settings:
    """Turn raw variables into nested settings, collecting cross-field problems."""
    problems: list[str] = []
    phare = _phare(raw)
    checkly = _checkly(raw, problems)
    reactions = _reactions(raw.incident_bot_reactions, problems)
    users = _ids(raw.incident_bot_allowed_users, _USER_ID, "INCIDENT_BOT_ALLOWED_USERS", problems)
    groups = _ids(
        raw.incident_bot_allowed_groups, _GROUP_ID, "INCIDENT_BOT_ALLOWED_GROUPS", problems
    )
    store_url = _database_url(raw.database_url, problems)
    templates = _templates(raw.incident_bot_templates, problems)
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
    )


def _phare(raw: _Environment) -> PhareSettings | None:
    """Phare is on when its token is set."""
    if raw.phare_api_token is None:
        return None
    return PhareSettings(
        api_token=raw.phare_api_token,
        api_url=str(raw.phare_api_url).rstrip("/"),
        project_id=raw.phare_project_id,
        project_slug=raw.phare_project_slug,
    )


def _checkly(raw: _Environment, problems: list[str]) -> ChecklySettings | None:
    """Checkly is on when its key and account are both set; one without the other is an error."""
    if raw.checkly_api_key is None and raw.checkly_account_id is None:
        return None
    if raw.checkly_api_key is None or raw.checkly_account_id is None:
        _checkly_pair(raw.checkly_api_key is not None, raw.checkly_account_id is not None, problems)
        return None
    return ChecklySettings(
        api_key=raw.checkly_api_key,
        account_id=raw.checkly_account_id.strip(),
        api_url=str(raw.checkly_api_url).rstrip("/"),
    )


def _checkly_pair(has_key: bool, has_account: bool, problems: list[str]) -> None:
    """Checkly needs its key and its account id together."""
    if not has_key:
        problems.append("CHECKLY_API_KEY: required when CHECKLY_ACCOUNT_ID is set")
    elif not has_account:
        problems.append(
            "CHECKLY_ACCOUNT_ID: required when CHECKLY_API_KEY is set "
            "(Checkly: Settings → Account → General)"
        )


def _reactions(spec: str | None, problems: list[str]) -> Mapping[str, State]:
    """The emoji map: the defaults, or the operator's own pairs."""
    if spec is None:
        return dict(DEFAULT_REACTIONS)
    try:
        return parse_reactions(spec)
    except ValueError as error:
        problems.append(f"INCIDENT_BOT_REACTIONS: {error}")
        return {}


def _templates(path: Path | None, problems: list[str]) -> Mapping[State, str]:
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


def _ids(
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


def _database_url(url: str, problems: list[str]) -> str:
    """Accept Heroku's `postgres://` and check the scheme is one the store speaks."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    scheme = url.partition("://")[0]
    if not url.partition("://")[1] or scheme.split("+")[0] not in {"sqlite", "postgresql"}:
        problems.append("DATABASE_URL: must be a sqlite:/// or postgresql:// URL")
    return url


def _with_slash(url: str) -> str:
    """A base URL ending in exactly one slash."""
    return url.rstrip("/") + "/"
