"""A target is read the same strict way wherever it is written: form, slash command, CLI."""

import pytest

from bot.cli_delivery import UsageError
from bot.domain.models import Target
from bot.domain.states import ProviderName
from bot.post import PostArguments, build_submission
from bot.slack import ids
from bot.slack.command_text import Link, Malformed, parse_command_text
from bot.slack.form_seal import FormSeal
from bot.slack.modal import ModalErrors, ModalInput, build_modal, parse_submission
from tests.slack.signing import view_submission_payload

SEAL = FormSeal("xoxb-test-targets-token")
UUID = "0b9e1c52-6d2f-4a3b-9c1d-2e8f7a6b5c4d"
PAGE = "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b"
FIELDS = {ProviderName.PHARE: ids.PHARE_ACTION, ProviderName.CHECKLY: ids.CHECKLY_ACTION}

REFUSED = [
    (ProviderName.CHECKLY, f"checkly: {UUID}"),
    (ProviderName.CHECKLY, f"checkly:\t{UUID}"),
    (ProviderName.CHECKLY, f"checkly:\u00a0{UUID}"),
    (ProviderName.CHECKLY, f"checkly :{UUID}"),
    (ProviderName.CHECKLY, f"checkly:{PAGE} /{UUID}"),
    (ProviderName.CHECKLY, f"checkly:{PAGE}/ {UUID}"),
    (ProviderName.CHECKLY, f"chec\u212aly:{UUID}"),
    (ProviderName.CHECKLY, f"checkly:{{{UUID}}}"),
    (ProviderName.PHARE, "phare: 42"),
    (ProviderName.PHARE, "phare:4 2"),
    (ProviderName.PHARE, "phare :42"),
]
ACCEPTED = [
    (Target(ProviderName.CHECKLY, UUID), f"  checkly:{UUID.upper()}\n"),
    (Target(ProviderName.CHECKLY, UUID), f"\u00a0CHECKLY:{UUID}"),
    (Target(ProviderName.CHECKLY, f"{PAGE}/{UUID}"), f"checkly:{PAGE}/{UUID}\t"),
    (Target(ProviderName.PHARE, "42"), " Phare:42 "),
]


def _form(provider: ProviderName, text: str) -> ModalInput | ModalErrors:
    """The update form submitted with `text` in the provider's incident field."""
    view = build_modal("C1", None, frozenset(ProviderName), seal=SEAL)
    entries = {ids.MESSAGE_ACTION: "Looking into it", FIELDS[provider]: text}
    payload = view_submission_payload(view, entries)
    return parse_submission(payload["view"], frozenset(ProviderName), SEAL)


def _post(text: str) -> tuple[Target, ...]:
    """The targets `incident-bot post --to TEXT` would publish to."""
    args = PostArguments((text,), "investigating", "Looking into it", None, "0", False)
    return build_submission(args).targets


@pytest.mark.parametrize(("provider", "text"), REFUSED)
def test_whitespace_or_lookalikes_inside_a_target_are_refused_everywhere(
    provider: ProviderName, text: str
) -> None:
    form = _form(provider, text)
    assert isinstance(form, ModalErrors)
    block_id = ids.PHARE_BLOCK if provider is ProviderName.PHARE else ids.CHECKLY_BLOCK
    assert " is not " in form.errors[block_id]
    assert isinstance(parse_command_text(f"link {text}"), Malformed)
    with pytest.raises(UsageError, match="--to"):
        _post(text)


@pytest.mark.parametrize(("target", "text"), ACCEPTED)
def test_a_target_with_whitespace_around_it_is_read_alike_everywhere(
    target: Target, text: str
) -> None:
    form = _form(target.provider, text)
    assert isinstance(form, ModalInput)
    assert form.targets == (target,)
    assert parse_command_text(f"link {text}") == Link((target,))
    assert _post(text) == (target,)
