"""Retry as a pure decision (procrastinate's RetryStrategy): when to try again, or that it is final.

The durable backoff lives in the outbox row (``next_attempt_at``); this module only decides.
Backoff is exponential with full jitter: the n-th retry waits a uniformly random time between zero
and ``min(cap, base * 2 ** (n - 1))``, so workers that failed together do not retry together.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from adapter.errors import AdapterError


@dataclass(frozen=True)
class Retry:
    """Try again at ``at``."""

    at: datetime


@dataclass(frozen=True)
class Final:
    """Stop trying: the message is dead, for ``reason`` (machine ``code`` and a human message)."""

    code: str
    reason: str


Decision = Retry | Final


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded by attempts and by the message's age.

    ``jitter`` draws a number in [0, 1) (``random.random`` by default; tests inject their own).
    """

    base: timedelta = timedelta(seconds=5)
    cap: timedelta = timedelta(minutes=30)
    max_attempts: int = 25
    max_age: timedelta = timedelta(days=3)
    jitter: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def backoff_ceiling(self, attempts: int) -> timedelta:
        """The longest wait after the ``attempts``-th failed attempt (before jitter)."""
        exponent = max(attempts - 1, 0)
        # Capping the exponent keeps 2 ** n small; the cap wins long before 2 ** 40 anyway.
        return min(self.cap, self.base * (2 ** min(exponent, 40)))

    def delay(self, attempts: int) -> timedelta:
        """A random wait in [0, ceiling) after the ``attempts``-th failed attempt."""
        return self.backoff_ceiling(attempts) * self.jitter()

    def decide(
        self, attempts: int, error: AdapterError, first_enqueued_at: datetime, now: datetime
    ) -> Decision:
        """What to do after ``attempts`` attempts, the last of which failed with ``error``."""
        if not error.retryable:
            return Final(error.code, error.message)
        if attempts >= self.max_attempts:
            return Final("DELIVERY_ATTEMPTS_EXHAUSTED",
                         f"Вичерпано спроби доставки ({attempts}); остання помилка: {error}")
        if now - first_enqueued_at >= self.max_age:
            return Final("DELIVERY_TOO_OLD",
                         f"Повідомлення не доставлено за {self.max_age}; остання помилка: {error}")
        return Retry(now + self.delay(attempts))


@dataclass(frozen=True)
class Policies:
    """The retry policy of each destination: a default and per-destination overrides."""

    default: RetryPolicy = field(default_factory=RetryPolicy)
    overrides: Mapping[str, RetryPolicy] = field(default_factory=dict)

    def for_destination(self, destination: str) -> RetryPolicy:
        """The policy that governs ``destination``."""
        return self.overrides.get(destination, self.default)
