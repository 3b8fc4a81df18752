"""What operators do with the outbox: list, inspect, replay dead letters, skip a blocker.

A replay puts a dead (or skipped) message back to pending with a fresh retry window: its
``attempts`` counter and the window start are reset (the attempts table keeps the full history,
numbered on), and its identity is unchanged, so the peer's idempotency still holds: a message the
peer did get after all is answered A51 and counts as delivered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adapter.delivery.outbox import (
    DEAD,
    HEAD_STATUSES,
    PENDING,
    SKIPPED,
    STATUSES,
    WAITING,
    lane_head,
    promote_next,
)
from adapter.delivery.timeline import TimelineEntry, timeline
from adapter.errors import DeliveryError, ValidationError
from adapter.persistence.outbox_models import OutboxEventRecord, OutboxMessageRecord

Message = OutboxMessageRecord
REPLAYABLE = (DEAD, SKIPPED)


@dataclass(frozen=True)
class MessageView:
    """A message as operators see it (without its payload)."""

    id: int
    destination: str
    kind: str
    idempotency_key: str
    status: str
    attempts: int
    next_attempt_at: datetime
    first_enqueued_at: datetime
    last_error_code: str | None
    last_error_message: str | None
    delivered_at: datetime | None
    ack_code: str | None
    ordering_key: str | None
    correlation_id: str | None
    blocked_by: int | None
    size: int


@dataclass(frozen=True)
class MessageDetail:
    """``adapter outbox show``: the message and its timeline."""

    message: MessageView
    timeline: list[TimelineEntry]
    payload: bytes
    acknowledgement: bytes | None


def _blocked_by(session: Session, record: Message) -> int | None:
    if record.status != WAITING:
        return None
    return session.scalar(select(Message.id).where(
        Message.destination == record.destination, Message.ordering_key == record.ordering_key,
        Message.status.in_(HEAD_STATUSES)))


def _view(session: Session, record: Message) -> MessageView:
    return MessageView(
        id=record.id, destination=record.destination, kind=record.kind,
        idempotency_key=f"{record.sender_eic}:{record.mrid}:{record.revision}",
        status=record.status, attempts=record.attempts, next_attempt_at=record.next_attempt_at,
        first_enqueued_at=record.first_enqueued_at, last_error_code=record.last_error_code,
        last_error_message=record.last_error_message, delivered_at=record.delivered_at,
        ack_code=record.ack_code, ordering_key=record.ordering_key,
        correlation_id=record.correlation_id, blocked_by=_blocked_by(session, record),
        size=len(record.payload),
    )


def list_messages(session: Session, *, status: str | None = None,
                  destination: str | None = None, limit: int = 100) -> list[MessageView]:
    """Messages, newest first, optionally of one status and destination."""
    if status is not None and status not in STATUSES:
        raise ValidationError(f"Невідомий стан «{status}»; можливі: {', '.join(STATUSES)}.",
                              code="OUTBOX_BAD_STATUS")
    query = select(Message).order_by(Message.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Message.status == status)
    if destination is not None:
        query = query.where(Message.destination == destination)
    return [_view(session, record) for record in session.scalars(query)]


def count_by_status(session: Session) -> dict[str, int]:
    """How many messages are in each status (metrics, summary lines)."""
    rows = session.execute(select(Message.status, func.count()).group_by(Message.status))
    return {status: count for status, count in rows}


def _get(session: Session, message_id: int) -> Message:
    record = session.get(Message, message_id)
    if record is None:
        raise DeliveryError(f"Повідомлення #{message_id} немає в черзі.",
                            code="OUTBOX_NOT_FOUND")
    return record


def show_message(session: Session, message_id: int) -> MessageDetail:
    """One message with its timeline, payload and acknowledgement."""
    record = _get(session, message_id)
    return MessageDetail(_view(session, record), timeline(session, message_id),
                         record.payload, record.acknowledgement)


def dead_ids(session: Session) -> Sequence[int]:
    """Ids of every dead message, oldest first."""
    return session.scalars(select(Message.id).where(Message.status == DEAD)
                           .order_by(Message.id)).all()


def replay(session: Session, message_id: int, *, now: datetime, by: str = "operator") -> None:
    """Put a dead or skipped message back to pending with a fresh retry window (caller commits)."""
    record = _get(session, message_id)
    if record.status not in REPLAYABLE:
        raise DeliveryError(
            f"Повідомлення #{message_id} у стані «{record.status}»; повторити можна лише "
            f"{' або '.join(REPLAYABLE)}.", code="OUTBOX_NOT_REPLAYABLE")
    previous = record.status
    # A dead message is its lane's head and goes again at once. A skipped one rejoins its lane:
    # at once if the lane is idle, else it waits, next in line (the oldest waiting message).
    head = lane_head(session, record.destination, record.ordering_key)
    record.status = PENDING if head in (None, record.id) else WAITING
    record.attempts = 0
    record.window_started_at = now
    record.next_attempt_at = now
    session.add(OutboxEventRecord(message_id=record.id, event="replayed", at=now,
                                  detail=f"{by}; був {previous}",
                                  after_attempt=record.attempts_total))


def skip(session: Session, message_id: int, *, now: datetime, reason: str,
         by: str = "operator") -> None:
    """Give up on a dead message so later ones with its ordering key may go (caller commits)."""
    record = _get(session, message_id)
    if record.status != DEAD:
        raise DeliveryError(f"Пропустити можна лише мертве повідомлення; #{message_id} у стані "
                            f"«{record.status}».", code="OUTBOX_NOT_SKIPPABLE")
    record.status = SKIPPED
    session.add(OutboxEventRecord(message_id=record.id, event="skipped", at=now,
                                  detail=f"{by}: {reason}",
                                  after_attempt=record.attempts_total))
    session.flush()  # no longer the head: the next message of its lane may go
    promote_next(session, record.destination, record.ordering_key, now)


def replay_many(session: Session, ids: Iterable[int], *, now: datetime) -> int:
    """Replay several messages in one transaction; how many (caller commits)."""
    count = 0
    for message_id in ids:
        replay(session, message_id, now=now)
        count += 1
    return count
