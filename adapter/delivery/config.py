"""The delivery engine's knobs in one frozen value, and the worker built from them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from adapter.delivery.breaker import Breakers, BreakerSettings
from adapter.delivery.claims import SettledHook
from adapter.delivery.policy import Policies, RetryPolicy
from adapter.delivery.transport import TransportFactory
from adapter.delivery.worker import Worker


@dataclass(frozen=True)
class DeliveryConfig:
    """Retry, breaker and lease settings (the composition root fills it from Settings)."""

    retry_base: timedelta = timedelta(seconds=5)
    retry_cap: timedelta = timedelta(minutes=30)
    max_attempts: int = 25
    max_age: timedelta = timedelta(days=3)
    retry_overrides: Mapping[str, RetryPolicy] = field(default_factory=dict)
    breaker_threshold: int = 5
    breaker_cool_down: timedelta = timedelta(seconds=30)
    lease: timedelta = timedelta(seconds=60)
    poll_interval: float = 1.0
    batch_size: int = 50
    unconfigured_delay: timedelta = timedelta(minutes=1)

    def policies(self) -> Policies:
        """The retry policy of every destination."""
        default = RetryPolicy(base=self.retry_base, cap=self.retry_cap,
                              max_attempts=self.max_attempts, max_age=self.max_age)
        return Policies(default, dict(self.retry_overrides))

    def breakers(self, clock: Callable[[], datetime]) -> Breakers:
        """Fresh breakers (one set per worker process)."""
        return Breakers(BreakerSettings(self.breaker_threshold, self.breaker_cool_down),
                        clock=clock)

    def worker(self, session_factory: sessionmaker[Session], transports: TransportFactory, *,
               clock: Callable[[], datetime], worker_id: str | None = None,
               on_settled: SettledHook | None = None) -> Worker:
        """A worker configured from these settings."""
        return Worker(session_factory, transports, policies=self.policies(),
                      breakers=self.breakers(clock), clock=clock, worker_id=worker_id,
                      lease=self.lease, batch_size=self.batch_size,
                      unconfigured_delay=self.unconfigured_delay, on_settled=on_settled)
