"""The reaper: frees the leases of workers that died or stalled in the middle of a delivery.

The lost attempt counts (a message that kills every worker that touches it must end up dead, not
loop forever), so the retry policy decides what happens next, as for any transient failure.
Whether the peer received the lost delivery is unknown; the next delivery carries the same
idempotency key, so the peer answers A51 if it already had it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from adapter.delivery.claims import expired_leases, lose_attempts
from adapter.delivery.outbox import DEAD, PENDING
from adapter.delivery.policy import Final, Policies
from adapter.errors import TransientRemoteError
from adapter.persistence.outbox_models import OutboxEventRecord


def reap_expired_leases(
    session_factory: sessionmaker[Session], now: datetime, policies: Policies
) -> int:
    """Return in-flight messages with expired leases to pending (or dead); how many were freed."""
    with session_factory() as session, session.begin():
        records = expired_leases(session, now)
        for record in records:
            owner = record.lease_owner
            lose_attempts(session, record, now)
            error = TransientRemoteError(
                f"Воркер {owner} не завершив доставку до кінця оренди.",
                code="DELIVERY_LEASE_EXPIRED",
            )
            policy = policies.for_destination(record.destination)
            decision = policy.decide(record.attempts, error, record.window_started_at, now)
            record.last_error_code = error.code
            record.last_error_message = error.message
            if isinstance(decision, Final):
                record.status = DEAD
                record.last_error_code, record.last_error_message = decision.code, decision.reason
                session.add(OutboxEventRecord(message_id=record.id, event=DEAD, at=now,
                                              detail=f"{decision.code}: {decision.reason}",
                                              after_attempt=record.attempts_total))
            else:
                record.status = PENDING
                record.next_attempt_at = decision.at
        return len(records)
