"""Short message templates per state: shipped defaults, overridable by the operator."""

from collections.abc import Mapping

from bot.domain.states import State
from bot.domain.text import forbidden_character, has_visible_text

TEMPLATE_MAX = 3000
"""A template must fit Slack's message field (one plain_text_input holds 3000 characters)."""

DEFAULT_TEMPLATES: Mapping[State, str] = {
    State.UNKNOWN: "We are looking into reports of a problem and will share more shortly.",
    State.INVESTIGATING: (
        "We are investigating reports of degraded service. Next update within 30 minutes."
    ),
    State.IDENTIFIED: "We have identified the cause and are working on a fix.",
    State.MONITORING: "A fix has been applied and we are monitoring the results.",
    State.RESOLVED: "This incident has been resolved. Thank you for your patience.",
    State.MAINTENANCE: (
        "Scheduled maintenance is in progress; some services may be briefly unavailable."
    ),
}


def parse_templates(data: Mapping[str, object]) -> dict[State, str]:
    """The defaults with the given `state = "text"` pairs replacing theirs; ValueError if bad.

    `data` is a parsed TOML document: top-level keys, or the same keys under `[templates]`.
    """
    nested = data.get("templates")
    table: Mapping[str, object] = nested if isinstance(nested, Mapping) else data
    merged = dict(DEFAULT_TEMPLATES)
    problems = []
    for key, value in table.items():
        state = _state(str(key))
        if state is None:
            valid = ", ".join(s.value for s in State)
            problems.append(f"'{key}' is not a state (states: {valid})")
        elif not isinstance(value, str):
            problems.append(f"'{key}' must be a string")
        else:
            problem = _text_problem(value)
            if problem is not None:
                problems.append(f"'{key}' {problem}")
            else:
                merged[state] = value.strip()
    if problems:
        raise ValueError("; ".join(problems))
    return merged


def _state(key: str) -> State | None:
    """The state a template key names."""
    try:
        return State(key.strip().lower())
    except ValueError:
        return None


def _text_problem(text: str) -> str | None:
    """What is wrong with a template's text, or None."""
    if not has_visible_text(text):
        return "is empty"
    if len(text.strip()) > TEMPLATE_MAX:
        return f"is longer than {TEMPLATE_MAX} characters"
    bad = forbidden_character(text)
    return f"contains {bad}" if bad is not None else None
