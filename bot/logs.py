"""Logging set-up: text or JSON lines, every one through the secret filter."""

import json
import logging
import sys
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from types import TracebackType
from typing import TextIO

from bot.config import LogFormat
from bot.domain.states import ProviderName
from bot.redaction import SecretRedactor

QUIET_LOGGERS = ("alembic", "apscheduler", "httpx", "httpcore", "slack_bolt.AsyncApp")
# Their DEBUG lines hold whole requests and answers (Socket Mode envelopes with response_url).
PAYLOAD_LOGGERS = ("slack_sdk", "slack_bolt")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The `extra=` fields a line may carry to say what it is about (see `about`).
ID_FIELDS = ("update_id", "delivery_id", "provider")
BOT_LOGGER = "bot"


def about(
    *,
    update_id: int | None = None,
    delivery_id: int | None = None,
    provider: ProviderName | None = None,
) -> dict[str, object]:
    """The `extra=` of a log line about an update, a delivery and/or a provider."""
    fields = {"update_id": update_id, "delivery_id": delivery_id, "provider": provider}
    return {name: value for name, value in fields.items() if value is not None}


class JsonLines(logging.Formatter):
    """One JSON object per record: time, level, logger, message, ids, exception as one field."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON (tracebacks escaped inside it, never extra lines)."""
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ID_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, int | str):
                line[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(
    level: int = logging.INFO,
    *,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
    log_format: LogFormat = LogFormat.TEXT,
) -> logging.Handler:
    """Log lines (text, or JSON objects) with secrets masked; chatty libraries kept quiet.

    Every line passes a SecretRedactor (the configured secrets, any Slack token, any
    response_url); Slack's libraries never log below INFO, whatever `level` is. Warnings are
    log lines; with JSON, so are uncaught exceptions (of any thread).
    """
    handler = logging.StreamHandler(stream)
    json_lines = log_format is LogFormat.JSON
    handler.setFormatter(JsonLines() if json_lines else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(SecretRedactor(secrets))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    for name in PAYLOAD_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    logging.captureWarnings(True)
    if json_lines:
        sys.excepthook = _uncaught
        threading.excepthook = _uncaught_in_thread
    return handler


def tell(line: str, stream: TextIO | None = None) -> None:
    """A line for whoever starts the bot (why it will not start): as it is on `stream`
    (stderr), or, when the logs are JSON, an ERROR log line like any other."""
    if any(isinstance(h.formatter, JsonLines) for h in logging.getLogger().handlers):
        logging.getLogger(BOT_LOGGER).error("%s", line)
    else:
        print(line, file=stream or sys.stderr)


def _uncaught(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    """An exception nothing caught, ending the process: one CRITICAL line."""
    logging.getLogger(BOT_LOGGER).critical(
        "uncaught %s; the process stops", kind.__name__, exc_info=(kind, error, trace)
    )


def _uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    """An exception that ended a thread: one ERROR line."""
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "unknown"
    logging.getLogger(BOT_LOGGER).error(
        "uncaught %s in thread %s",
        args.exc_type.__name__,
        name,
        exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback),
    )
