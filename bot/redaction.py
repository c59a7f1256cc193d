"""Masking secrets wherever text leaves the bot: Slack messages, the CLI's output, the log.

One function, `redact`, does it for all three: every configured secret (also its first
characters where a cut left only part of it) and anything shaped like a Slack token,
a Slack response URL or a Socket Mode ticket.
"""

import logging
import re
from collections.abc import Iterable

from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.config import Settings

MASK = "***"
MIN_SECRET_LENGTH = 4
# A secret this long is also masked where only its first PREFIX_LENGTH characters remain
# (a vendor's message cut in the middle of an echoed key).
PREFIX_MIN_SECRET = 16
PREFIX_LENGTH = 8

_PATTERNS = (
    # Slack tokens of every kind: bot, user, app-level, workflow, refresh, config.
    (re.compile(r"(?:xox[a-z]|xapp|xwfp)-[A-Za-z0-9-]+", re.IGNORECASE), MASK),
    # A response_url, as JSON (slashes maybe escaped), as a form field, or as a bare URL.
    (re.compile(r"""(response_urls?['"]?\s*[:=]\s*\[?\s*['"]?)[^'"\s,}\]&]+"""), r"\1" + MASK),
    (re.compile(r"https?:(?:\\?/){2}hooks\.slack\.com(?:\\?/)[^\s'\"<>]*"), MASK),
    (re.compile(r"https?%3A%2F%2Fhooks\.slack\.com[^\s'\"&]*", re.IGNORECASE), MASK),
    # Socket Mode connection URLs carry a ticket.
    (re.compile(r"(wss://[^\s'\"?]+)\?[^\s'\"]*"), r"\1?" + MASK),
)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with every known secret and every secret-shaped string masked."""
    for secret in secrets:
        text = text.replace(secret, MASK)
        if len(secret) >= PREFIX_MIN_SECRET:
            text = re.sub(re.escape(secret[:PREFIX_LENGTH]) + r"\S*", MASK, text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class Redactor:
    """`redact` with the configured secrets bound: call it on any text before it leaves."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = tuple(
            sorted({s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True)
        )

    @classmethod
    def of(cls, settings: Settings) -> "Redactor":
        """A redactor for every secret in the settings."""
        return cls(secrets_of(settings))

    def __call__(self, text: str) -> str:
        """The text with secrets masked."""
        return redact(text, self.secrets)


class SecretRedactor(logging.Filter):
    """A handler filter that masks secrets in a record's message and traceback, then lets it by."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._redact = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place with secrets masked (never drops it)."""
        record.msg = self._redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


def secrets_of(settings: Settings) -> list[str]:
    """Every secret value in the settings: tokens, keys, the signing secret, the DB password."""
    found: list[SecretStr | None] = [
        settings.slack.bot_token,
        settings.slack.signing_secret,
        settings.slack.app_token,
        settings.phare.api_token if settings.phare else None,
        settings.checkly.api_key if settings.checkly else None,
    ]
    values = [s.get_secret_value() for s in found if s is not None]
    try:
        password = make_url(settings.store.url).password
    except ArgumentError:
        password = None
    if password:
        values.append(str(password))
    return values
