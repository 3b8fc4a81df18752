"""The transactional outbox: enqueue an outbound message in the caller's transaction.

The domain change and its outbound message are committed together or not at all: ``enqueue``
only adds rows to the caller's session, the caller commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapter.errors import DocumentConflict
from adapter.persistence.outbox_models import OutboxEventRecord, OutboxMessageRecord

PENDING = "pending"
IN_FLIGHT = "in_flight"
DELIVERED = "delivered"
DEAD = "dead"
SKIPPED = "skipped"
#: Every status a message can have; see docs/delivery.md for the transitions.
STATUSES = (PENDING, IN_FLIGHT, DELIVERED, DEAD, SKIPPED)
#: Statuses that hold back later messages with the same ordering key.
BLOCKING_STATUSES = (PENDING, IN_FLIGHT, DEAD)


def enqueue(
    session: Session,
    *,
    destination: str,
    kind: str,
    sender_eic: str,
    mrid: str,
    revision: int,
    payload: bytes,
    ordering_key: str | None = None,
    correlation_id: str | None = None,
    now: datetime,
) -> int:
    """Add a message to the outbox in ``session`` (the caller commits) and return its id.

    Idempotent: the same (destination, sender_eic, mrid, revision) with the same payload returns
    the existing id and adds nothing; with another payload it raises DocumentConflict.
    """
    identity = (destination, sender_eic, mrid, revision)
    existing = _find(session, *identity)
    if existing is not None:
        return _same_or_conflict(existing, payload)
    record = OutboxMessageRecord(
        destination=destination, kind=kind, sender_eic=sender_eic, mrid=mrid,
        revision=revision, payload=payload, status=PENDING, attempts=0, attempts_total=0,
        next_attempt_at=now, first_enqueued_at=now, window_started_at=now,
        ordering_key=ordering_key, correlation_id=correlation_id,
    )
    try:
        # A savepoint, so losing a race with a concurrent enqueue of the same identity leaves
        # the caller's transaction usable.
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        existing = _find(session, *identity)
        if existing is None:
            raise
        return _same_or_conflict(existing, payload)
    session.add(OutboxEventRecord(message_id=record.id, event="enqueued", at=now,
                                  detail=destination, after_attempt=0))
    return record.id


def _find(
    session: Session, destination: str, sender_eic: str, mrid: str, revision: int
) -> OutboxMessageRecord | None:
    return session.scalars(
        select(OutboxMessageRecord).where(
            OutboxMessageRecord.destination == destination,
            OutboxMessageRecord.sender_eic == sender_eic,
            OutboxMessageRecord.mrid == mrid,
            OutboxMessageRecord.revision == revision,
        )
    ).one_or_none()


def _same_or_conflict(existing: OutboxMessageRecord, payload: bytes) -> int:
    if existing.payload != payload:
        raise DocumentConflict(
            f"Повідомлення {existing.mrid} (ревізія {existing.revision}) для "
            f"{existing.destination} вже є в черзі з іншим вмістом.",
            code="OUTBOX_CONFLICT",
            message_id=existing.id,
        )
    return existing.id
