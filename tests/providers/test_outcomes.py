"""Every scripted vendor answer becomes the right outcome, explained in the vendor's words."""

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bot.domain.models import Accepted, Refused, Retry, Unclear, Update
from bot.domain.states import ProviderName, State
from tests.fakes.vendor import Reply
from tests.providers.conftest import Harness

UPDATE = Update(State.MONITORING, "Fix deployed; watching error rates.")
PERMISSION = "The platform:write permission is required to perform this action."


async def test_success_is_accepted_with_the_vendors_update_id(vendor: Harness) -> None:
    outcome = await vendor.client.send(UPDATE, vendor.incident)

    stored = vendor.applied()
    assert len(stored) == 1
    assert outcome == Accepted(str(stored[0]["id"]))
    assert vendor.explain(outcome) == (
        f"{vendor.name.label} accepted the update (update id {stored[0]['id']})."
    )


async def test_scripted_401_is_refused_and_names_the_variable(vendor: Harness) -> None:
    vendor.fake.script(Reply.unauthorized("Token expired"))

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, Refused)
    assert outcome.status == 401
    variable = "PHARE_API_TOKEN" if vendor.name is ProviderName.PHARE else "CHECKLY_API_KEY"
    text = vendor.explain(outcome)
    assert variable in text
    assert "Token expired" in text
    assert "was refused; check" in text
    assert vendor.applied() == []


async def test_403_carries_the_vendors_message_verbatim(vendor: Harness) -> None:
    vendor.fake.script(Reply.forbidden(PERMISSION))

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, Refused)
    assert (outcome.status, outcome.message) == (403, PERMISSION)
    assert vendor.explain(outcome) == (
        f"{vendor.name.label} refused the update (HTTP 403): {PERMISSION}"
    )


async def test_scripted_404_is_refused_as_not_found(vendor: Harness) -> None:
    vendor.fake.script(Reply.not_found())

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, Refused)
    assert outcome.status == 404
    assert f"incident {vendor.incident} was not found" in vendor.explain(outcome)


async def test_validation_error_keeps_each_field_error(vendor: Harness) -> None:
    vendor.fake.script(
        Reply.invalid({"content": ["The content field is required."], "state": ["Bad state."]})
    )

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, Refused)
    text = vendor.explain(outcome)
    if vendor.name is ProviderName.PHARE:
        assert outcome.status == 422
        assert outcome.field_errors == {
            "content": ("The content field is required.",),
            "state": ("Bad state.",),
        }
        assert "content: The content field is required." in text
        assert "state: Bad state." in text
    else:
        assert outcome.status == 400
        assert "The content field is required." in text


@pytest.mark.parametrize("status", [429, 420])
async def test_rate_limit_is_retried_after_the_seconds_given(vendor: Harness, status: int) -> None:
    vendor.fake.script(Reply.rate_limited(retry_after=30, status=status))

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, Retry)
    assert (outcome.status, outcome.after_seconds) == (status, 30.0)
    assert "asked to wait 30 s" in vendor.explain(outcome)


async def test_retry_after_as_an_http_date(vendor: Harness) -> None:
    when = datetime.now(UTC) + timedelta(seconds=120)
    vendor.fake.script(Reply.rate_limited(retry_after=format_datetime(when, usegmt=True)))

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, Retry)
    assert outcome.after_seconds is not None
    assert 100 <= outcome.after_seconds <= 120


@pytest.mark.parametrize(
    ("header", "expected"),
    [("86400", 600.0), (None, None), ("soon", None), ("-5", None)],
    ids=["huge-capped", "missing", "garbage", "negative"],
)
async def test_retry_after_capped_or_absent(
    vendor: Harness, header: str | None, expected: float | None
) -> None:
    vendor.fake.script(Reply.rate_limited(retry_after=header))

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, Retry)
    assert outcome.after_seconds == expected


@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_are_retried(vendor: Harness, status: int) -> None:
    vendor.fake.script(Reply.server_error(status))

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, Retry)
    assert outcome.status == status
    assert f"server error (HTTP {status})" in vendor.explain(outcome)


async def test_server_error_honours_retry_after(vendor: Harness) -> None:
    vendor.fake.script(Reply.server_error(503, retry_after=15))

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, Retry)
    assert outcome.after_seconds == 15.0


async def test_html_proxy_page_is_reduced_to_clean_text(vendor: Harness) -> None:
    vendor.fake.script(Reply.html(502))

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, Retry)
    text = vendor.explain(outcome)
    assert "502 Bad Gateway" in text
    assert "<" not in text
    assert "color:red" not in text
    assert len(outcome.reason) < 300


async def test_html_on_a_4xx_is_refused_with_an_excerpt(vendor: Harness) -> None:
    page = "<html><body><h1>Request   blocked</h1>\n<p>by the firewall</p></body></html>"
    vendor.fake.script(Reply.html(418, page))

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert outcome == Refused(418, "Request blocked by the firewall")


@pytest.mark.parametrize(("status", "kind"), [(500, Retry), (403, Refused), (404, Refused)])
async def test_empty_error_bodies_still_explain(
    vendor: Harness, status: int, kind: type[Retry] | type[Refused]
) -> None:
    vendor.fake.script(Reply.empty(status))

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, kind)
    assert vendor.explain(outcome).startswith(vendor.name.label)


@pytest.mark.parametrize(
    "reply",
    [Reply.empty(201), Reply.raw(200, "OK"), Reply.html(200)],
    ids=["empty", "text", "html"],
)
async def test_success_without_a_readable_body_is_unclear(vendor: Harness, reply: Reply) -> None:
    vendor.fake.script(reply)

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, Unclear)
    assert "may or may not have been applied" in vendor.explain(outcome)


async def test_dropped_connection_is_unclear_and_nothing_applied(vendor: Harness) -> None:
    vendor.fake.script(Reply.drop())

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, Unclear)
    assert vendor.applied() == []
    assert len(vendor.fake.requests) == 1


async def test_applied_then_dropped_is_unclear_and_listed_afterwards(vendor: Harness) -> None:
    vendor.fake.script(Reply.apply_then_drop())

    outcome = await vendor.client.send(UPDATE, vendor.incident)
    listed = await vendor.client.list_updates(vendor.incident)

    assert isinstance(outcome, Unclear)
    assert isinstance(listed, list)
    assert [(u.state, u.content) for u in listed] == [(UPDATE.state, UPDATE.content)]
    assert listed[0].id == str(vendor.applied()[0]["id"])


async def test_unknown_incident_at_the_vendor_is_refused_404(vendor: Harness) -> None:
    other = "99" if vendor.name is ProviderName.PHARE else "11111111-2222-4333-8444-555555555555"

    outcome = await vendor.client.send(UPDATE, other)

    assert isinstance(outcome, Refused)
    assert outcome.status == 404
    assert f"incident {other} was not found at {vendor.name.label}" in vendor.explain(outcome)


async def test_latency_is_applied_to_each_answer(vendor: Harness) -> None:
    vendor.fake.latency = 0.2
    started = time.monotonic()

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert isinstance(outcome, Accepted)
    assert time.monotonic() - started >= 0.2


async def test_a_secret_echoed_by_the_vendor_is_masked(vendor: Harness) -> None:
    vendor.fake.script(Reply.forbidden(f"Key {vendor.secret} may not write"))

    outcome = await vendor.client.send(UPDATE, vendor.incident)

    assert outcome == Refused(403, "Key *** may not write")
