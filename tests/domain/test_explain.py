"""explain(): one plain line per outcome, in the provider's own words."""

import pytest

from bot.domain.explain import explain
from bot.domain.models import Accepted, Outcome, Refused, Retry, Unclear
from bot.domain.operations import Operation
from bot.domain.states import ProviderName

PHARE = ProviderName.PHARE
CHECKLY = ProviderName.CHECKLY


@pytest.mark.parametrize(
    ("provider", "outcome", "text"),
    [
        (PHARE, Accepted("1001"), "Phare accepted the update (update id 1001)."),
        (
            PHARE,
            Refused(
                422,
                "The content field is required. (and 1 more error)",
                {"content": ("The content field is required.",), "state": ("Bad state.",)},
            ),
            "Phare refused the update (HTTP 422): content: The content field is required. "
            "state: Bad state.",
        ),
        (
            PHARE,
            Refused(422, "The given data was invalid.", {"content": ("Too long.",)}),
            "Phare refused the update (HTTP 422): The given data was invalid. content: Too long.",
        ),
        (
            CHECKLY,
            Refused(403, "Forbidden"),
            "Checkly refused the update (HTTP 403): Forbidden.",
        ),
        (
            CHECKLY,
            Refused(None, "Checkly has no 'unknown' state"),
            "Not sent to Checkly: Checkly has no 'unknown' state.",
        ),
        (
            PHARE,
            Retry("Phare is limiting requests (HTTP 429)", 90, 429),
            "Phare is limiting requests (HTTP 429); Phare asked to wait 1 min 30 s before trying "
            "again.",
        ),
        (
            CHECKLY,
            Retry("Checkly had a server error (HTTP 503)", None, 503),
            "Checkly had a server error (HTTP 503).",
        ),
        (
            PHARE,
            Unclear("Phare did not answer in time after receiving the request"),
            "Phare did not answer in time after receiving the request; the update may or may not "
            "have been applied.",
        ),
    ],
)
def test_explain(provider: ProviderName, outcome: Outcome, text: str) -> None:
    assert explain(provider, outcome) == text


@pytest.mark.parametrize(("seconds", "words"), [(5, "5 s"), (120, "2 min"), (600, "10 min")])
def test_waits_in_words(seconds: float, words: str) -> None:
    assert f"wait {words} before" in explain(PHARE, Retry("Phare is busy", seconds))


@pytest.mark.parametrize(
    ("operation", "outcome", "text"),
    [
        (Operation.OPEN, Accepted("42"), "Phare opened the incident phare:42."),
        (Operation.RECOVER, Accepted("42"), "Phare recovered the incident."),
        (
            Operation.OPEN,
            Refused(422, "The given data was invalid.", {"title": ("The title is required.",)}),
            "Phare refused to open the incident (HTTP 422): The given data was invalid. "
            "title: The title is required.",
        ),
        (
            Operation.RECOVER,
            Refused(403, "This action is unauthorized."),
            "Phare refused to recover the incident (HTTP 403): This action is unauthorized.",
        ),
        (
            Operation.OPEN,
            Unclear("no answer within 60 s"),
            "no answer within 60 s; the opening may or may not have been applied.",
        ),
    ],
)
def test_openings_and_recoveries_are_worded_as_what_they_do(
    operation: Operation, outcome: Outcome, text: str
) -> None:
    assert explain(PHARE, outcome, operation) == text
