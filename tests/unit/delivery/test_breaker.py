"""The circuit breaker's state machine, driven by a hand-moved clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapter.delivery.breaker import Breakers, BreakerSettings, CircuitBreaker


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _breaker(clock: Clock, threshold: int = 3) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=threshold, cool_down=timedelta(seconds=30),
                          clock=clock)


def test_opens_after_threshold_consecutive_failures() -> None:
    breaker = _breaker(Clock())
    for _ in range(2):
        breaker.begin_call()
        breaker.record_failure()
    assert (breaker.state, breaker.allows()) == ("closed", True)
    breaker.record_failure()
    assert (breaker.state, breaker.allows()) == ("open", False)


def test_success_resets_the_failure_count() -> None:
    breaker = _breaker(Clock())
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "closed"


def test_half_open_after_cool_down_allows_one_trial() -> None:
    clock = Clock()
    breaker = _breaker(clock, threshold=1)
    breaker.record_failure()
    clock.now += timedelta(seconds=29)
    assert breaker.state == "open"
    clock.now += timedelta(seconds=1)
    assert (breaker.state, breaker.allows()) == ("half_open", True)
    breaker.begin_call()
    assert (breaker.state, breaker.allows()) == ("half_open", False)  # trial under way


@pytest.mark.parametrize(("success", "state"), [(True, "closed"), (False, "open")])
def test_trial_outcome_decides(success: bool, state: str) -> None:
    clock = Clock()
    breaker = _breaker(clock, threshold=5)
    for _ in range(5):
        breaker.record_failure()
    clock.now += timedelta(seconds=30)
    breaker.begin_call()
    breaker.record_success() if success else breaker.record_failure()  # one failure reopens
    assert breaker.state == state
    if not success:
        clock.now += timedelta(seconds=29)
        assert breaker.state == "open"  # a fresh cool-down from the failed trial


def test_neutral_end_of_trial_allows_another() -> None:
    clock = Clock()
    breaker = _breaker(clock, threshold=1)
    breaker.record_failure()
    clock.now += timedelta(seconds=30)
    breaker.begin_call()
    breaker.record_neutral()
    assert breaker.allows()


def test_breakers_per_destination_and_states() -> None:
    clock = Clock()
    breakers = Breakers(BreakerSettings(failure_threshold=1), clock=clock)
    breakers["billing"].record_failure()
    assert breakers["supplier:62X0000000000020"].allows()
    assert breakers.blocked() == frozenset({"billing"})
    assert breakers.breaker_states() == {"billing": "open",
                                         "supplier:62X0000000000020": "closed"}


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(failure_threshold=0, clock=Clock())
