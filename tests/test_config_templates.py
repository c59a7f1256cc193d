"""INCIDENT_BOT_TEMPLATES: an operator's TOML file replaces the default text of its states."""

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.domain.states import State
from bot.domain.templates import DEFAULT_TEMPLATES

BASE = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret"}


def test_without_a_file_the_defaults_apply() -> None:
    assert dict(load_settings(BASE).templates) == dict(DEFAULT_TEMPLATES)


def test_a_file_overrides_its_states(tmp_path: Path) -> None:
    path = tmp_path / "templates.toml"
    path.write_text('identified = "Root cause found: a bad deploy. Rolling back."\n')
    settings = load_settings({**BASE, "INCIDENT_BOT_TEMPLATES": str(path)})
    assert settings.templates[State.IDENTIFIED] == "Root cause found: a bad deploy. Rolling back."
    assert settings.templates[State.RESOLVED] == DEFAULT_TEMPLATES[State.RESOLVED]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "cannot read"),
        ("identified = ", "is not valid TOML"),
        ('stalled = "x"', "'stalled' is not a state"),
    ],
)
def test_a_bad_file_is_reported_before_anything_starts(
    tmp_path: Path, content: str | None, words: str
) -> None:
    path = tmp_path / "templates.toml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError) as raised:
        load_settings({**BASE, "INCIDENT_BOT_TEMPLATES": str(path)})
    [problem] = raised.value.problems
    assert problem.startswith("INCIDENT_BOT_TEMPLATES: ")
    assert words in problem
