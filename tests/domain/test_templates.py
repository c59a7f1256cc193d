"""Templates: sensible defaults for every state, overridable per state, bad overrides named."""

import tomllib

import pytest

from bot.domain.states import State
from bot.domain.templates import DEFAULT_TEMPLATES, parse_templates


def test_every_state_has_a_short_default() -> None:
    assert set(DEFAULT_TEMPLATES) == set(State)
    for text in DEFAULT_TEMPLATES.values():
        assert 0 < len(text) <= 200


def test_an_override_replaces_only_its_state() -> None:
    data = tomllib.loads('monitoring = "  Fix is out; watching error rates.  "\n')
    merged = parse_templates(data)
    assert merged[State.MONITORING] == "Fix is out; watching error rates."
    assert merged[State.RESOLVED] == DEFAULT_TEMPLATES[State.RESOLVED]


def test_overrides_may_sit_under_a_templates_table_and_any_case() -> None:
    data = tomllib.loads('[templates]\nInvestigating = "Looking into it."\n')
    assert parse_templates(data)[State.INVESTIGATING] == "Looking into it."


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('degraded = "x"', "'degraded' is not a state"),
        ("resolved = 3", "'resolved' must be a string"),
        ('resolved = "   "', "'resolved' is empty"),
        (f'resolved = "{"x" * 3001}"', "longer than 3000"),
        ('resolved = "a\\u0000b"', "contains NUL"),
    ],
)
def test_bad_overrides_are_named(toml: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_templates(tomllib.loads(toml))
