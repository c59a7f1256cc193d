"""A PORT taken between `serve`'s start-up check and its bind (another process won the race)
is one line and exit 2, like a PORT taken before the check; never a traceback."""

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.serve import run_serve
from bot.slack import startup
from tests.fakes.slack import FakeSlack
from tests.log_hooks import reset_process_hooks


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """Undo the process-wide logging set-up `run_serve` makes."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    reset_process_hooks()


def test_a_port_taken_after_the_start_up_check_is_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    logging_restored: None,
) -> None:
    monkeypatch.setattr(startup, "port_problem", lambda port, host="": None)  # free when checked
    with FakeSlack() as slack, socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))  # noqa: S104 - serve binds every interface
        taken.listen()
        port = taken.getsockname()[1]
        settings = load_settings(
            {
                "SLACK_BOT_TOKEN": slack.token,
                "SLACK_SIGNING_SECRET": "a-signing-secret-for-this-test",
                "SLACK_API_URL": slack.api_url,
                "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
                "PORT": str(port),
            },
            env_file=tmp_path / "absent.env",
        )

        code = run_serve(settings, worker=False)

    said = capsys.readouterr().err
    assert code == 2
    assert said.strip().splitlines()[-1] == (
        f"incident-bot serve: PORT {port} is already in use; stop what listens there or set PORT."
    )
    assert "Traceback" not in said
