"""Log lines: text by default; LOG_FORMAT=json writes one JSON object per line, secrets masked."""

import io
import json
import logging
from collections.abc import Callable, Iterator

import pytest

from bot.config import LogFormat
from bot.domain.states import ProviderName
from bot.logs import about, configure_logging
from tests.log_hooks import reset_process_hooks

CONFIGURED = ("phare-token-Zq81", "checkly-key-Lm42", "signing-secret-Xy7")
SLACK_SHAPED = ("xoxb-9-unconfigured-bot-token", "xapp-1-A0-unconfigured-app-token")
RESPONSE_URL = "https://hooks.slack.com/commands/T0TEAM/1/SECRET-RESPONSE-PATH"

Logged = Callable[[], list[str]]


@pytest.fixture
def configured() -> Iterator[Callable[[LogFormat | None], Logged]]:
    """Set up logging as `serve` does in the given format; read back the lines written."""
    root = logging.getLogger()
    before, handlers = root.level, []

    def start(log_format: LogFormat | None) -> Logged:
        stream = io.StringIO()
        if log_format is None:
            handler = configure_logging(secrets=CONFIGURED, stream=stream)
        else:
            handler = configure_logging(secrets=CONFIGURED, stream=stream, log_format=log_format)
        handlers.append(handler)
        return lambda: stream.getvalue().splitlines()

    yield start
    for handler in handlers:
        root.removeHandler(handler)
    root.setLevel(before)
    reset_process_hooks()


def parsed(lines: list[str]) -> list[dict[str, object]]:
    """Every line as a JSON object (fails on any line that is not one)."""
    objects = [json.loads(line) for line in lines]
    assert all(isinstance(o, dict) for o in objects)
    return objects


def test_json_lines_carry_time_level_logger_message_and_ids(
    configured: Callable[[LogFormat | None], Logged],
) -> None:
    lines = configured(LogFormat.JSON)
    log = logging.getLogger("bot.delivery.engine")

    log.info(
        "delivery %s to %s: accepted",
        17,
        "phare:42",
        extra=about(update_id=5, delivery_id=17, provider=ProviderName.PHARE),
    )
    log.warning("store call failed:\nOperationalError")

    first, second = parsed(lines())
    assert first == {
        "time": first["time"],
        "level": "INFO",
        "logger": "bot.delivery.engine",
        "message": "delivery 17 to phare:42: accepted",
        "update_id": 5,
        "delivery_id": 17,
        "provider": "phare",
    }
    assert str(first["time"]).endswith("+00:00")
    assert second["level"] == "WARNING"
    assert second["message"] == "store call failed:\nOperationalError"
    assert {"update_id", "delivery_id", "provider"}.isdisjoint(second)


def test_an_exception_is_one_field_of_one_line(
    configured: Callable[[LogFormat | None], Logged],
) -> None:
    lines = configured(LogFormat.JSON)
    try:
        raise ValueError(f"refused with token {CONFIGURED[0]} at {RESPONSE_URL}")
    except ValueError:
        logging.getLogger("bot.providers.router").exception(
            "provider %s raised", "phare", extra=about(provider=ProviderName.PHARE)
        )

    assert len(lines()) == 1
    (line,) = parsed(lines())
    assert line["message"] == "provider phare raised"
    exception = str(line["exception"])
    assert exception.startswith("Traceback (most recent call last):")
    assert "ValueError: refused with token *** at ***" in exception
    assert CONFIGURED[0] not in exception
    assert "hooks.slack.com" not in exception


@pytest.mark.parametrize("log_format", [LogFormat.JSON, LogFormat.TEXT])
def test_no_secret_reaches_a_line_in_either_format(
    configured: Callable[[LogFormat | None], Logged], log_format: LogFormat
) -> None:
    lines = configured(log_format)
    log = logging.getLogger("bot.slack.commands")

    for secret in CONFIGURED + SLACK_SHAPED:
        log.warning("Slack said no to %s", secret)
        log.warning(f"answer echoed {secret!r} back")
    log.info("payload %s", {"response_url": RESPONSE_URL, "text": "status"})
    log.error("failed", exc_info=RuntimeError(f"auth header Bearer {CONFIGURED[1]}"))

    text = "\n".join(lines())
    for secret in (*CONFIGURED, *SLACK_SHAPED, "SECRET-RESPONSE-PATH"):
        assert secret not in text
    assert text.count("***") >= 2 * len(CONFIGURED + SLACK_SHAPED) + 2
    if log_format is LogFormat.JSON:
        assert len(parsed(lines())) == 2 * len(CONFIGURED + SLACK_SHAPED) + 2


def test_text_stays_the_default(configured: Callable[[LogFormat | None], Logged]) -> None:
    lines = configured(None)
    logging.getLogger("bot.web").info(
        "refused a request: %s", "stale timestamp", extra=about(update_id=3)
    )

    (line,) = lines()
    assert line.endswith(" INFO bot.web: refused a request: stale timestamp")
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_about_names_only_what_is_given() -> None:
    assert about() == {}
    assert about(delivery_id=9) == {"delivery_id": 9}
    assert about(update_id=1, provider=ProviderName.CHECKLY) == {
        "update_id": 1,
        "provider": ProviderName.CHECKLY,
    }
