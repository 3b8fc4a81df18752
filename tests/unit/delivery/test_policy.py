"""The retry policy is a pure decision: backoff bounds, jitter, limits, error classes."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from adapter.delivery.policy import Final, Policies, Retry, RetryPolicy
from adapter.errors import (
    PermanentRemoteError,
    SchemaError,
    TransientRemoteError,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)
BASE, CAP = timedelta(seconds=2), timedelta(seconds=60)


def _policy(jitter: float | None = None, **kw: object) -> RetryPolicy:
    source = (lambda: jitter) if jitter is not None else random.Random(7).random
    return RetryPolicy(base=BASE, cap=CAP, jitter=source, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("attempts", "ceiling"), [(1, 2), (2, 4), (3, 8), (5, 32), (6, 60),
                                                   (50, 60), (10_000, 60)])
def test_ceiling_doubles_up_to_the_cap(attempts: int, ceiling: int) -> None:
    assert _policy().backoff_ceiling(attempts) == timedelta(seconds=ceiling)


@pytest.mark.parametrize("attempts", [1, 3, 8])
def test_full_jitter_stays_within_zero_and_the_ceiling(attempts: int) -> None:
    policy = _policy()
    ceiling = policy.backoff_ceiling(attempts)
    delays = [policy.delay(attempts) for _ in range(500)]
    assert all(timedelta(0) <= d < ceiling for d in delays)
    # full jitter spreads over the whole range, not around the ceiling
    assert min(delays) < ceiling * 0.1 and max(delays) > ceiling * 0.9


def test_transient_error_is_retried_at_now_plus_jittered_delay() -> None:
    now = T0 + timedelta(minutes=1)
    decision = _policy(jitter=0.25).decide(3, TransientRemoteError("timeout"), T0, now)
    assert decision == Retry(now + timedelta(seconds=2))  # ceiling 8 s * 0.25


@pytest.mark.parametrize("error", [
    PermanentRemoteError("Відхилено: невідомий EIC", code="A02"),
    PermanentRemoteError("Client fault", code="SOAP_CLIENT"),
    SchemaError("bad"),
])
def test_permanent_errors_are_final_with_their_reason(error: Exception) -> None:
    decision = _policy(jitter=0.5).decide(1, error, T0, T0)  # type: ignore[arg-type]
    assert isinstance(decision, Final)
    assert (decision.code, decision.reason) == (error.code, error.message)  # type: ignore[attr-defined]


def test_attempt_limit_is_final() -> None:
    policy = _policy(jitter=0.5, max_attempts=3)
    assert isinstance(policy.decide(2, TransientRemoteError(), T0, T0), Retry)
    decision = policy.decide(3, TransientRemoteError(), T0, T0)
    assert isinstance(decision, Final) and decision.code == "DELIVERY_ATTEMPTS_EXHAUSTED"


def test_age_limit_is_final() -> None:
    policy = _policy(jitter=0.5, max_age=timedelta(hours=1))
    assert isinstance(policy.decide(1, TransientRemoteError(), T0,
                                    T0 + timedelta(minutes=59)), Retry)
    decision = policy.decide(1, TransientRemoteError(), T0, T0 + timedelta(hours=1))
    assert isinstance(decision, Final) and decision.code == "DELIVERY_TOO_OLD"


def test_policies_per_destination() -> None:
    billing = RetryPolicy(max_attempts=3)
    policies = Policies(RetryPolicy(), {"billing": billing})
    assert policies.for_destination("billing") is billing
    assert policies.for_destination("supplier:62X0000000000020") == RetryPolicy()
