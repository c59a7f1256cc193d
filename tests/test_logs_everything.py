"""LOG_FORMAT=json covers what does not come through a logger call: warnings, uncaught
exceptions (main thread and others), and the lines said to whoever starts the bot."""

import io
import json
import logging
import sys
import threading
import warnings
from collections.abc import Callable, Iterator

import pytest

from bot.config import LogFormat
from bot.logs import configure_logging, tell
from tests.log_hooks import reset_process_hooks

SECRET = "phare-token-Zq81"


@pytest.fixture
def json_logs() -> Iterator[Callable[[], list[dict[str, object]]]]:
    """Logging set up as `serve` does with LOG_FORMAT=json; the lines written, parsed."""
    root = logging.getLogger()
    before = root.level
    stream = io.StringIO()
    handler = configure_logging(secrets=(SECRET,), stream=stream, log_format=LogFormat.JSON)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(before)
    reset_process_hooks()


def test_a_warning_is_a_json_line(json_logs: Callable[[], list[dict[str, object]]]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn(f"token {SECRET} looks old", RuntimeWarning, stacklevel=1)

    (line,) = json_logs()
    assert line["level"] == "WARNING"
    assert line["logger"] == "py.warnings"
    assert "RuntimeWarning: token *** looks old" in str(line["message"])


def test_an_uncaught_exception_is_a_json_line(
    json_logs: Callable[[], list[dict[str, object]]],
) -> None:
    try:
        raise OSError(f"disk full while writing {SECRET}")
    except OSError as error:
        sys.excepthook(type(error), error, error.__traceback__)

    (line,) = json_logs()
    assert line["level"] == "CRITICAL"
    assert line["message"] == "uncaught OSError; the process stops"
    assert "OSError: disk full while writing ***" in str(line["exception"])


def test_an_exception_ending_a_thread_is_a_json_line(
    json_logs: Callable[[], list[dict[str, object]]],
) -> None:
    def fail() -> None:
        raise ValueError("bad value")

    thread = threading.Thread(target=fail, name="resolver")
    thread.start()
    thread.join()

    (line,) = json_logs()
    assert line["level"] == "ERROR"
    assert line["message"] == "uncaught ValueError in thread resolver"
    assert "ValueError: bad value" in str(line["exception"])


def test_a_line_for_whoever_starts_the_bot_is_json_too(
    json_logs: Callable[[], list[dict[str, object]]],
) -> None:
    plain = io.StringIO()

    tell(f"incident-bot serve: PORT 3000 is already in use ({SECRET}).", plain)

    assert plain.getvalue() == ""
    (line,) = json_logs()
    assert (line["level"], line["logger"]) == ("ERROR", "bot")
    assert line["message"] == "incident-bot serve: PORT 3000 is already in use (***)."


def test_in_text_the_line_is_written_as_it_is() -> None:
    plain = io.StringIO()

    tell("incident-bot serve: PORT 3000 is already in use.", plain)

    assert plain.getvalue() == "incident-bot serve: PORT 3000 is already in use.\n"
