"""The transactional outbox: enqueue an outbound message in the caller's transaction.

The domain change and its outbound message are committed together or not at all: ``enqueue``
only adds rows to the caller's session, the caller commits.

Messages with an ordering key form a lane per (destination, ordering key), delivered one at a
time in id order. Only a lane's head is ``pending`` (or in flight, or dead); the messages behind
it are ``waiting`` and one is promoted when the head settles. So workers look only at heads: a
claim costs the same with ten messages queued or a hundred thousand (bench/bench_scaleout.py).
A partial unique index (``uq_outbox_lane_head``) lets the database itself refuse a second head.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapter.errors import DocumentConflict
from adapter.persistence.outbox_models import OutboxEventRecord, OutboxMessageRecord

WAITING = "waiting"
PENDING = "pending"
IN_FLIGHT = "in_flight"
DELIVERED = "delivered"
DEAD = "dead"
SKIPPED = "skipped"
#: Every status a message can have; see docs/delivery.md for the transitions.
STATUSES = (WAITING, PENDING, IN_FLIGHT, DELIVERED, DEAD, SKIPPED)
#: The statuses of a lane's head: it holds back the messages waiting behind it.
HEAD_STATUSES = (PENDING, IN_FLIGHT, DEAD)


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
    for _ in range(2):
        record = OutboxMessageRecord(
            destination=destination, kind=kind, sender_eic=sender_eic, mrid=mrid,
            revision=revision, payload=payload, attempts=0, attempts_total=0,
            next_attempt_at=now, first_enqueued_at=now, window_started_at=now,
            ordering_key=ordering_key, correlation_id=correlation_id,
            status=PENDING if lane_head(session, destination, ordering_key) is None else WAITING,
        )
        try:
            # A savepoint, so losing a race (the same identity, or another head of the lane
            # committed meanwhile) leaves the caller's transaction usable.
            with session.begin_nested():
                session.add(record)
                session.flush()
        except IntegrityError:
            existing = _find(session, *identity)
            if existing is not None:
                return _same_or_conflict(existing, payload)
            continue  # a concurrent enqueue became the lane's head: look at the lane again
        session.add(OutboxEventRecord(message_id=record.id, event="enqueued", at=now,
                                      detail=destination, after_attempt=0))
        return record.id
    raise IntegrityError("outbox lane head", None, Exception("lane head race lost twice"))


def lane_head(session: Session, destination: str, ordering_key: str | None) -> int | None:
    """The id of the lane's head (pending, in flight or dead), locked; None if it has none.

    The lock orders this transaction with the one settling the head: either the head settles
    first (then it is no longer a head here), or our ``waiting`` row is committed before the
    settling transaction looks for the next message to promote.
    """
    if ordering_key is None:
        return None
    query = select(OutboxMessageRecord.id).where(
        OutboxMessageRecord.destination == destination,
        OutboxMessageRecord.ordering_key == ordering_key,
        OutboxMessageRecord.status.in_(HEAD_STATUSES))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalar(query.limit(1))


def promote_next(session: Session, destination: str, ordering_key: str | None,
                 now: datetime) -> int | None:
    """Make the oldest waiting message of the lane its head, if the lane has no head; its id.

    Called in the transaction that settles the old head (delivered or skipped). It is due at
    once; its retry window starts now: the time it waited behind the head was not spent trying.
    """
    if ordering_key is None or lane_head(session, destination, ordering_key) is not None:
        return None
    record = session.scalars(select(OutboxMessageRecord).where(
        OutboxMessageRecord.destination == destination,
        OutboxMessageRecord.ordering_key == ordering_key,
        OutboxMessageRecord.status == WAITING,
    ).order_by(OutboxMessageRecord.id).limit(1)).first()
    if record is None:
        return None
    record.status = PENDING
    record.window_started_at = now
    session.flush()
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
