"""A circuit breaker per destination: a pure state machine with an injectable clock.

closed: calls go through; ``failure_threshold`` transient failures in a row open it.
open: nothing for that destination is claimed (messages stay pending, no attempt is spent) until
``cool_down`` has passed; then it is half-open.
half-open: one trial call; success closes the breaker, failure opens it for another cool-down.
Only transient failures count: a peer that answers A02 is up and working.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

CLOSED = "closed"
OPEN = "open"
HALF_OPEN = "half_open"


class CircuitBreaker:
    """The breaker of one destination."""

    def __init__(self, *, failure_threshold: int = 5, cool_down: timedelta = timedelta(seconds=30),
                 clock: Callable[[], datetime]) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self.failure_threshold = failure_threshold
        self.cool_down = cool_down
        self._clock = clock
        self._failures = 0
        self._opened_at: datetime | None = None
        self._trial = False

    @property
    def state(self) -> str:
        """closed, open or half_open, as of now."""
        if self._opened_at is None:
            return CLOSED
        if self._trial or self._clock() - self._opened_at >= self.cool_down:
            return HALF_OPEN
        return OPEN

    def allows(self) -> bool:
        """Whether a call may be made now (closed, or half-open with no trial under way)."""
        state = self.state
        return state == CLOSED or (state == HALF_OPEN and not self._trial)

    def begin_call(self) -> None:
        """A call starts; in half-open it is the one trial."""
        if self.state == HALF_OPEN:
            self._trial = True

    def record_success(self) -> None:
        """The peer answered: close."""
        self._failures = 0
        self._opened_at = None
        self._trial = False

    def record_failure(self) -> None:
        """A transient failure: count it, open at the threshold or after a failed trial."""
        self._failures += 1
        if self._trial or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()
            self._trial = False

    def record_neutral(self) -> None:
        """The call ended without telling whether the peer works (e.g. it was not made)."""
        self._trial = False


@dataclass(frozen=True)
class BreakerSettings:
    """Thresholds of the breakers."""

    failure_threshold: int = 5
    cool_down: timedelta = timedelta(seconds=30)


class Breakers:
    """One breaker per destination, made on first use; thread-safe for readers (/readyz)."""

    def __init__(self, settings: BreakerSettings | None = None, *,
                 clock: Callable[[], datetime]) -> None:
        self._settings = settings or BreakerSettings()
        self._clock = clock
        self._breakers: dict[str, CircuitBreaker] = {}
        self._lock = threading.Lock()

    def __getitem__(self, destination: str) -> CircuitBreaker:
        with self._lock:
            breaker = self._breakers.get(destination)
            if breaker is None:
                breaker = CircuitBreaker(failure_threshold=self._settings.failure_threshold,
                                         cool_down=self._settings.cool_down, clock=self._clock)
                self._breakers[destination] = breaker
            return breaker

    def blocked(self) -> frozenset[str]:
        """Destinations whose messages must not be claimed now."""
        with self._lock:
            items = list(self._breakers.items())
        return frozenset(name for name, breaker in items if not breaker.allows())

    def breaker_states(self) -> dict[str, str]:
        """Each known destination's state, for /readyz and metrics."""
        with self._lock:
            items = list(self._breakers.items())
        return {name: breaker.state for name, breaker in sorted(items)}
