"""The delivery worker: claims due messages, delivers them, records what happened.

Small surface: ``run_once()``, ``run_forever()``, ``stop()``. Every outcome is written to the
message's status and its attempt row; nothing is swallowed.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from adapter.delivery.breaker import Breakers
from adapter.delivery.claims import (
    Claim,
    ClaimRequest,
    Outcome,
    SettledHook,
    claim_next,
    record_and_claim_next,
    record_outcome,
)
from adapter.delivery.lease import LeaseKeeper
from adapter.delivery.outcomes import call_transport, outcome_of, peer_failed, unconfigured
from adapter.delivery.policy import Policies
from adapter.delivery.reaper import reap_expired_leases
from adapter.delivery.transport import TransportFactory
from adapter.errors import ConfigurationError
from adapter.observability.correlation import bound

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def default_worker_id() -> str:
    """host:pid:random, unique enough that two workers never share a lease owner."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    """Delivers outbox messages through ``transports``; one message at a time."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        transports: TransportFactory,
        *,
        policies: Policies | None = None,
        breakers: Breakers | None = None,
        clock: Callable[[], datetime] = _utcnow,
        worker_id: str | None = None,
        lease: timedelta = timedelta(seconds=60),
        heartbeat: float | None = None,
        batch_size: int = 50,
        unconfigured_delay: timedelta = timedelta(minutes=1),
        on_settled: SettledHook | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._on_settled = on_settled
        self._transports = transports
        self.policies = policies or Policies()
        self.breakers = breakers or Breakers(clock=clock)
        self._clock = clock
        self.worker_id = worker_id or default_worker_id()
        self.lease = lease
        # Renew three times per lease, so one late beat never loses it.
        self._heartbeat = heartbeat if heartbeat is not None else lease.total_seconds() / 3
        self._batch_size = batch_size
        self._unconfigured_delay = unconfigured_delay
        self._stopping = threading.Event()
        self.processed = 0

    def stop(self) -> None:
        """Finish the call in flight, record it, and return from run_once / run_forever."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        """Whether stop() was called."""
        return self._stopping.is_set()

    def reap_expired_leases(self, now: datetime | None = None) -> int:
        """Free the rows of workers whose lease expired; how many were freed."""
        return reap_expired_leases(self._session_factory, now or self._clock(), self.policies)

    def run_once(self) -> int:
        """Reap, then deliver due messages until none is left (or a batch is done); the count."""
        freed = self.reap_expired_leases()
        if freed:
            log.warning("freed %d message(s) whose worker lease expired", freed)
        processed = 0
        claim = None if self.stopping else self._claim()
        while claim is not None:
            processed += 1
            self.processed += 1
            # Record this outcome and claim the next message in one transaction while the batch
            # has room; the last of a batch, or one after stop(), is recorded alone.
            claim = self._process(claim, batch_left=processed < self._batch_size)
        return processed

    def run_forever(self, poll_interval: float = 1.0) -> None:
        """run_once in a loop until stop(); sleeps ``poll_interval`` when there is nothing to do."""
        while not self.stopping:
            try:
                processed = self.run_once()
            except DBAPIError:
                # The database went away: the leases we hold run out and the reaper (ours, once
                # it is back, or another worker's) frees them. Keep polling.
                log.exception("delivery worker %s: database error", self.worker_id)
                processed = 0
            if processed == 0:
                self._stopping.wait(poll_interval)

    def _next_claim(self) -> ClaimRequest:
        now = self._clock()
        return ClaimRequest(self.worker_id, now, now + self.lease, self.breakers.blocked())

    def _claim(self) -> Claim | None:
        return claim_next(self._session_factory, self._next_claim())

    def _process(self, claim: Claim, *, batch_left: bool) -> Claim | None:
        """Deliver ``claim``, record the outcome; the next claim if the batch has room, or None."""
        # Every log line of this delivery (here, in the SOAP client, in the hooks) carries the
        # request's correlation id recorded at enqueue, else the outbox's own (readings:<id>).
        message = claim.message
        with bound(claim.request_correlation or message.correlation_id):
            log.info("delivering message %s to %s (attempt %d)", message.id,
                     message.destination, message.attempts,
                     extra={"outbox_message_id": message.id, "destination": message.destination,
                            "attempt": message.attempts})
            return self._record(claim, self._deliver(claim), batch_left=batch_left)

    def _deliver(self, claim: Claim) -> Outcome:
        message = claim.message
        breaker = self.breakers[message.destination]
        try:
            transport = self._transports(message.destination)
        except ConfigurationError as error:
            breaker.record_neutral()
            return unconfigured(error, self._clock() + self._unconfigured_delay)
        breaker.begin_call()
        with LeaseKeeper(self._session_factory, message_id=message.id, worker_id=self.worker_id,
                         lease=self.lease, clock=self._clock, interval=self._heartbeat):
            result = call_transport(transport, message)
        now = self._clock()
        policy = self.policies.for_destination(message.destination)
        outcome = outcome_of(result, policy=policy, attempts=message.attempts,
                             window_started_at=claim.window_started_at, now=now,
                             unconfigured_until=now + self._unconfigured_delay)
        if peer_failed(result):
            breaker.record_failure()
        elif isinstance(result, ConfigurationError):
            breaker.record_neutral()
        else:
            breaker.record_success()
        return outcome

    def _record(self, claim: Claim, outcome: Outcome, *, batch_left: bool) -> Claim | None:
        following = None
        # stop() may have come during the call: asked now, not before it.
        if batch_left and not self.stopping:
            kept, following = record_and_claim_next(self._session_factory, claim, outcome,
                                                    self._on_settled, self._next_claim())
        else:
            kept = record_outcome(self._session_factory, claim, self.worker_id, outcome,
                                  self._clock(), self._on_settled)
        log.info("message %s (%s): %s%s", claim.message.id, claim.message.idempotency_key,
                 outcome.attempt_outcome, "" if kept else " (lease lost, result discarded)",
                 extra={"outbox_message_id": claim.message.id, "outcome": outcome.attempt_outcome,
                        "error_code": outcome.error_code})
        return following
