"""Masking secrets in log records: the configured tokens, any Slack token, and response URLs."""

import logging
import re
from collections.abc import Iterable

from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.config import Settings

MASK = "***"
MIN_SECRET_LENGTH = 4

_PATTERNS = (
    # Slack tokens of every kind: bot, user, app-level, workflow, refresh.
    (re.compile(r"\b(?:xox[abeoprs]|xapp|xwfp)-[A-Za-z0-9-]+"), MASK),
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
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class SecretRedactor(logging.Filter):
    """A handler filter that masks secrets in a record's message and traceback, then lets it by."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted(
            {s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True
        )

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place with secrets masked (never drops it)."""
        record.msg = redact(record.getMessage(), self._secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self._secrets)
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
