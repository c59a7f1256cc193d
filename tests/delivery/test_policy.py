"""Retry policy and reconciliation matching, as pure functions."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery.policy import AttemptResult, RetryPolicy
from bot.delivery.reconcile import candidates
from bot.domain.models import (
    Accepted,
    DeliveryStatus,
    Refused,
    RemoteUpdate,
    Retry,
    Target,
    Unclear,
    Update,
)
from bot.domain.records import Claim
from bot.domain.states import ProviderName, State
from tests.delivery.fakes import MaxJitter

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
UPDATE = Update(State.MONITORING, "A fix is\r\nout")


def _claim(attempts: int = 1, *, reconcile: bool = False, started: datetime = T0) -> Claim:
    """A claimed delivery at its n-th attempt."""
    return Claim(1, 1, Target(ProviderName.PHARE, "42"), UPDATE, attempts, started, reconcile)


def test_full_jitter_stays_within_the_doubling_ceiling_and_the_cap() -> None:
    policy = RetryPolicy()
    rng = random.Random(1)
    for attempts, ceiling in [(1, 2), (2, 4), (3, 8), (8, 256), (9, 300), (30, 300)]:
        delays = [policy.backoff(attempts, rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # spread over the whole range


def test_retry_after_is_a_floor() -> None:
    policy = RetryPolicy()
    assert policy.delay(1, 45.0, random.Random(2)) >= 45.0
    assert policy.delay(1, None, MaxJitter()) == 2.0


def test_accepted_and_refused_are_final() -> None:
    policy = RetryPolicy()
    accepted = policy.decide(_claim(), AttemptResult(Accepted("9"), True), T0, MaxJitter())
    refused = policy.decide(_claim(), AttemptResult(Refused(422, "no"), True), T0, MaxJitter())
    assert (accepted.status, refused.status) == (DeliveryStatus.ACCEPTED, DeliveryStatus.REFUSED)


def test_retry_is_scheduled_and_unclear_asks_for_a_check() -> None:
    policy = RetryPolicy()
    retry = policy.decide(_claim(2), AttemptResult(Retry("503"), True), T0, MaxJitter())
    assert (retry.status, retry.next_attempt_at, retry.needs_reconcile) == (
        DeliveryStatus.PENDING,
        T0 + timedelta(seconds=4),
        False,
    )
    unclear = policy.decide(_claim(), AttemptResult(Unclear("timeout"), True), T0, MaxJitter())
    assert unclear.needs_reconcile


@pytest.mark.parametrize(
    ("status", "checked"),
    [
        (500, True),
        (502, True),
        (504, True),
        (599, True),
        (503, False),
        (501, False),
        (429, False),
        (None, False),
    ],
)
def test_a_server_error_that_may_have_been_applied_asks_for_a_check(
    status: int | None, checked: bool
) -> None:
    policy = RetryPolicy()
    answered = AttemptResult(Retry("server error", status=status), sent=True)
    assert policy.decide(_claim(), answered, T0, MaxJitter()).needs_reconcile is checked


def test_a_failed_check_keeps_asking_for_a_check() -> None:
    policy = RetryPolicy()
    claim = _claim(2, reconcile=True)
    result = AttemptResult(Retry("listing failed"), sent=False)
    assert policy.decide(claim, result, T0, MaxJitter()).needs_reconcile


def test_budget_of_attempts_and_of_time() -> None:
    policy = RetryPolicy(max_attempts=12, budget_seconds=1800)
    outcome = AttemptResult(Retry("503"), True)
    assert policy.decide(_claim(12), outcome, T0, MaxJitter()).status is DeliveryStatus.FAILED
    late = T0 + timedelta(seconds=1799)
    assert policy.decide(_claim(3), outcome, late, MaxJitter()).status is DeliveryStatus.FAILED
    assert policy.decide(_claim(3), outcome, T0, MaxJitter()).status is DeliveryStatus.PENDING


def test_a_final_attempt_ends_failed_at_once() -> None:
    result = AttemptResult(Unclear("could not tell"), sent=False, final=True)
    decided = RetryPolicy().decide(_claim(1, reconcile=True), result, T0, MaxJitter())
    assert (decided.status, decided.outcome) == (DeliveryStatus.FAILED, Unclear("could not tell"))


@pytest.mark.parametrize(
    ("reconcile", "result", "ends_with"),
    [
        (True, AttemptResult(Retry("listing failed"), sent=False), Unclear("listing failed")),
        (False, AttemptResult(Retry("bad gateway", None, 502), True), Unclear("bad gateway")),
        (False, AttemptResult(Retry("busy", None, 503), True), Retry("busy", None, 503)),
        (True, AttemptResult(Retry("busy", None, 503), True), Retry("busy", None, 503)),
    ],
)
def test_a_budget_spent_while_the_vendor_may_hold_the_request_ends_unclear(
    reconcile: bool, result: AttemptResult, ends_with: Retry | Unclear
) -> None:
    claim = _claim(12, reconcile=reconcile)
    decided = RetryPolicy(max_attempts=12).decide(claim, result, T0, MaxJitter())
    assert (decided.status, decided.outcome) == (DeliveryStatus.FAILED, ends_with)


def test_candidates_match_state_and_text_after_the_first_attempt() -> None:
    ours = RemoteUpdate("1", State.MONITORING, "A fix is out", T0 + timedelta(seconds=1))
    skewed = RemoteUpdate("2", State.MONITORING, "A fix is out ", T0 - timedelta(seconds=60))
    no_time = RemoteUpdate("3", State.MONITORING, "A fix is out", None)
    older = RemoteUpdate("4", State.MONITORING, "A fix is out", T0 - timedelta(hours=1))
    other_state = RemoteUpdate("5", State.RESOLVED, "A fix is out", T0)
    other_text = RemoteUpdate("6", State.MONITORING, "A fix is in", T0)
    listed = [ours, skewed, no_time, older, other_state, other_text]
    found = candidates(listed, UPDATE, T0, skew_seconds=120)
    assert [r.id for r in found] == ["1", "2", "3"]
