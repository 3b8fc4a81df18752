"""The outbox rows' transactions: claim under a lease, renew it, record the outcome, reap.

Each function is one short transaction (a busy worker records one outcome and claims its next
message in the same one); the delivery itself happens outside any transaction. An
outcome is recorded only while the worker still owns the lease: a worker that lost its lease
(it stalled, the reaper freed the row, another worker may be delivering it) discards its result,
and the peer's idempotency key keeps the second delivery from having a second effect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, sessionmaker

from adapter.delivery.outbox import DEAD, DELIVERED, IN_FLIGHT, PENDING, promote_next
from adapter.delivery.transport import DeliveryReceipt, OutboundMessage, idempotency_key
from adapter.observability.correlation import message_correlation
from adapter.persistence.outbox_models import (
    OutboxAttemptRecord,
    OutboxEventRecord,
    OutboxMessageRecord,
)

Message = OutboxMessageRecord


@dataclass(frozen=True)
class Claim:
    """A message this worker holds under a lease, and the attempt row that records the try."""

    message: OutboundMessage
    attempt_id: int
    window_started_at: datetime
    #: The id of the request that enqueued the message (cabinet, SOAP), for the delivery's logs.
    request_correlation: str | None = None


def _due(now: datetime, exclude: frozenset[str]) -> Select[Message]:
    # Only lane heads are pending (adapter.delivery.outbox): nothing here has to ask whether an
    # earlier message holds this one back.
    query = select(Message).where(Message.status == PENDING, Message.next_attempt_at <= now)
    if exclude:
        query = query.where(Message.destination.not_in(sorted(exclude)))
    return query.order_by(Message.id).limit(1)


def _locking(session: Session, query: Select[Message]) -> Select[Message]:
    # PostgreSQL: concurrent workers skip each other's rows. SQLite has no row locks; its
    # BEGIN IMMEDIATE (adapter.persistence.database) serialises whole claim transactions.
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True, of=Message)
    return query


@dataclass(frozen=True)
class ClaimRequest:
    """Who claims, at what moment, for how long, and which destinations to leave alone."""

    worker_id: str
    now: datetime
    lease_until: datetime
    exclude: frozenset[str] = frozenset()


def claim_next(session_factory: sessionmaker[Session], request: ClaimRequest) -> Claim | None:
    """Take the oldest due, unblocked message under a lease until ``lease_until``, or None."""
    with session_factory() as session, session.begin():
        return _claim_in(session, request)


def _claim_in(session: Session, request: ClaimRequest) -> Claim | None:
    record = session.scalars(_locking(session, _due(request.now, request.exclude))).first()
    if record is None:
        return None
    record.status = IN_FLIGHT
    record.lease_owner = request.worker_id
    record.lease_expires_at = request.lease_until
    record.attempts += 1
    record.attempts_total += 1
    attempt = OutboxAttemptRecord(message_id=record.id, number=record.attempts_total,
                                  worker_id=request.worker_id, started_at=request.now,
                                  outcome="in_flight")
    session.add(attempt)
    session.flush()
    return Claim(_outbound(record), attempt.id, record.window_started_at,
                 message_correlation(session, record.id))


def _outbound(record: Message) -> OutboundMessage:
    return OutboundMessage(
        id=record.id, destination=record.destination, kind=record.kind,
        sender_eic=record.sender_eic, mrid=record.mrid, revision=record.revision,
        payload=record.payload, attempts=record.attempts,
        idempotency_key=idempotency_key(record.sender_eic, record.mrid, record.revision),
        correlation_id=record.correlation_id,
    )


def renew_lease(
    session_factory: sessionmaker[Session], message_id: int, worker_id: str, until: datetime
) -> bool:
    """Extend our lease; False when it is no longer ours."""
    with session_factory() as session, session.begin():
        result = session.execute(
            update(Message)
            .where(Message.id == message_id, Message.lease_owner == worker_id,
                   Message.status == IN_FLIGHT)
            .values(lease_expires_at=until)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))


@dataclass(frozen=True)
class Outcome:
    """How an attempt ended, as the worker decided it."""

    attempt_outcome: str  # delivered, duplicate, failed, rejected, not_sent
    status: str  # the message's new status
    next_attempt_at: datetime | None = None
    error_code: str | None = None
    error_message: str | None = None
    receipt: DeliveryReceipt | None = None
    undo_attempt: bool = False  # not_sent: the attempt does not count against the policy


@dataclass(frozen=True)
class Settlement:
    """A message reached a final state: what the ``on_settled`` hook is told."""

    message_id: int
    destination: str
    correlation_id: str | None
    status: str
    detail: str
    at: datetime


#: Called in the same transaction that settles a message, so the domain's own record of the
#: delivery (e.g. a readings submission's timeline) can never disagree with the outbox.
SettledHook = Callable[[Session, Settlement], None]


def record_outcome(
    session_factory: sessionmaker[Session], claim: Claim, worker_id: str, outcome: Outcome,
    now: datetime, on_settled: SettledHook | None = None,
) -> bool:
    """Write the outcome if we still own the lease; False (and a note) when we do not."""
    with session_factory() as session, session.begin():
        return _record_in(session, claim, worker_id, outcome, now, on_settled)


def record_and_claim_next(
    session_factory: sessionmaker[Session], claim: Claim, outcome: Outcome,
    on_settled: SettledHook | None, next_claim: ClaimRequest,
) -> tuple[bool, Claim | None]:
    """:func:`record_outcome`, then :func:`claim_next`, in one transaction.

    A busy worker commits once per message instead of twice. Should that commit fail, the
    outcome is lost with it: the lease runs out, the reaper frees the row and the redelivery is
    answered as a duplicate by the peer's idempotency key, as after any lost outcome.
    """
    with session_factory() as session, session.begin():
        kept = _record_in(session, claim, next_claim.worker_id, outcome, next_claim.now,
                          on_settled)
        return kept, _claim_in(session, next_claim)


def _record_in(session: Session, claim: Claim, worker_id: str, outcome: Outcome,
               now: datetime, on_settled: SettledHook | None) -> bool:
    record = session.scalars(
        select(Message).where(Message.id == claim.message.id).with_for_update()
    ).one()
    attempt = session.get(OutboxAttemptRecord, claim.attempt_id)
    assert attempt is not None
    if record.status != IN_FLIGHT or record.lease_owner != worker_id:
        _note_discarded(attempt, outcome, now)
        return False
    _finish_attempt(attempt, outcome.attempt_outcome, now, outcome.error_code,
                    outcome.error_message)
    _apply(record, outcome, now)
    if outcome.status == DELIVERED:
        promote_next(session, record.destination, record.ordering_key, now)
    if outcome.status in (DELIVERED, DEAD):
        detail = outcome.receipt.ack_code if outcome.receipt else (
            f"{outcome.error_code}: {outcome.error_message}")
        session.add(OutboxEventRecord(message_id=record.id, event=outcome.status, at=now,
                                      detail=detail, after_attempt=record.attempts_total))
        if on_settled is not None:
            on_settled(session, Settlement(record.id, record.destination,
                                           record.correlation_id, outcome.status, detail, now))
    return True


def _apply(record: Message, outcome: Outcome, now: datetime) -> None:
    record.status = outcome.status
    record.lease_owner = None
    record.lease_expires_at = None
    if outcome.undo_attempt:
        record.attempts -= 1
    if outcome.next_attempt_at is not None:
        record.next_attempt_at = outcome.next_attempt_at
    if outcome.receipt is not None:
        record.delivered_at = now
        record.ack_code = outcome.receipt.ack_code
        record.acknowledgement = outcome.receipt.acknowledgement
        record.last_error_code = record.last_error_message = None
    else:
        record.last_error_code = outcome.error_code
        record.last_error_message = outcome.error_message


def _finish_attempt(attempt: OutboxAttemptRecord, outcome: str, now: datetime,
                    code: str | None, message: str | None) -> None:
    attempt.finished_at = now
    attempt.outcome = outcome
    attempt.error_code = code
    attempt.error_message = message


def _note_discarded(attempt: OutboxAttemptRecord, outcome: Outcome, now: datetime) -> None:
    note = f"Результат після втрати оренди відкинуто: {outcome.attempt_outcome}"
    if outcome.error_code:
        note += f" ({outcome.error_code})"
    if attempt.finished_at is None:
        _finish_attempt(attempt, "discarded", now, "DELIVERY_LEASE_LOST", note)
    else:
        attempt.error_message = f"{attempt.error_message or ''} {note}".strip()


def expired_leases(session: Session, now: datetime) -> list[Message]:
    """In-flight messages whose lease has run out (their worker died or stalled), locked."""
    query = select(Message).where(Message.status == IN_FLIGHT, Message.lease_expires_at < now)
    return list(session.scalars(_locking(session, query.order_by(Message.id))))


def lose_attempts(session: Session, record: Message, now: datetime) -> None:
    """Close the record's unfinished attempts as lost and note it on the timeline."""
    owner = record.lease_owner
    attempts = session.scalars(select(OutboxAttemptRecord).where(
        OutboxAttemptRecord.message_id == record.id, OutboxAttemptRecord.finished_at.is_(None)))
    for attempt in attempts:
        _finish_attempt(attempt, "lost", now, "DELIVERY_LEASE_EXPIRED",
                        f"Оренда воркера {attempt.worker_id} сплила до завершення доставки.")
    session.add(OutboxEventRecord(message_id=record.id, event="lease_expired", at=now,
                                  detail=f"воркер {owner}",
                                  after_attempt=record.attempts_total))
    record.lease_owner = None
    record.lease_expires_at = None
