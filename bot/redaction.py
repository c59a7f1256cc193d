"""Masking secrets wherever text leaves the bot: Slack messages, the CLI's output, the log.

One function, `redact`, does it for all three: every configured secret (also any part of it
of FRAGMENT_LENGTH characters or more, where a vendor cut, split, re-encoded or prefixed it)
and anything shaped like a Slack token, a Slack response URL or a Socket Mode ticket.
"""

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote

from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.config import Settings

MASK = "***"
MIN_SECRET_LENGTH = 4
# A secret this long is also masked where any FRAGMENT_LENGTH of its characters in a row
# remain (a vendor's message cut in the middle of a key, a key split across field errors,
# percent-encoded, or without its prefix); the word holding them is masked whole.
FRAGMENT_MIN_SECRET = 16
FRAGMENT_LENGTH = 8
# What ends a masked word: whitespace, quotes, brackets, separators.
_WORD_END = "\"'`<>(){}[],;"
_WORD_REST = re.compile(r"[^\s" + re.escape(_WORD_END) + "]*")

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
    return Redactor(secrets)(text)


class Redactor:
    """`redact` with the configured secrets bound: call it on any text before it leaves."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = tuple(
            sorted({s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True)
        )
        self._fragments = _fragment_pattern(self.secrets)

    @classmethod
    def of(cls, settings: Settings) -> "Redactor":
        """A redactor for every secret in the settings."""
        return cls(secrets_of(settings))

    def __call__(self, text: str) -> str:
        """The text with secrets masked."""
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        if self._fragments is not None:
            text = _mask_words(text, self._fragments)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


def _fragment_pattern(secrets: Iterable[str]) -> re.Pattern[str] | None:
    """Every FRAGMENT_LENGTH-character run of each long secret (as is and percent-encoded)."""
    runs: set[str] = set()
    for secret in secrets:
        if len(secret) < FRAGMENT_MIN_SECRET:
            continue
        for form in {secret, quote(secret, safe="")}:
            end = len(form) - FRAGMENT_LENGTH + 1
            runs.update(form[i : i + FRAGMENT_LENGTH] for i in range(end))
    return re.compile(_as_trie(runs)) if runs else None


def _as_trie(runs: Iterable[str]) -> str:
    """A regex matching any of the runs (all one length), factored as a trie: fast to scan."""
    by_first: dict[str, list[str]] = {}
    for run in runs:
        by_first.setdefault(run[:1], []).append(run[1:])
    branches = [
        re.escape(first) + (_as_trie(rests) if rests[0] else "")
        for first, rests in sorted(by_first.items())
    ]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _mask_words(text: str, fragments: re.Pattern[str]) -> str:
    """The text with each word that holds a fragment masked whole (linear in the text)."""
    kept: list[str] = []
    done = 0
    for found in fragments.finditer(text):
        if found.start() < done:
            continue
        start = found.start()
        while start > done and not (text[start - 1].isspace() or text[start - 1] in _WORD_END):
            start -= 1
        rest = _WORD_REST.match(text, found.end())
        kept += [text[done:start], MASK]
        done = rest.end() if rest else found.end()
    return "".join(kept) + text[done:] if kept else text


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
