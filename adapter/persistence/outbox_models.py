"""Models of the transactional outbox: messages to deliver, delivery attempts, timeline events.

A message's identity is its destination plus the document's (sender EIC, mRID, revision); the
peer receives ``sender:mrid:revision`` as the idempotency key, so a second delivery of the same
message (after a lost lease, a replay, a timeout after the peer committed) has no second effect.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from adapter.persistence.models import Base
from adapter.persistence.types import UtcDateTime

_LANE_HEAD = "status IN ('pending', 'in_flight', 'dead') AND ordering_key IS NOT NULL"


class OutboxMessageRecord(Base):
    """One outbound message and where its delivery stands (see docs/delivery.md for states)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("destination", "sender_eic", "mrid", "revision",
                         name="uq_outbox_identity"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_ordering", "destination", "ordering_key", "id"),
        Index("ix_outbox_lease", "status", "lease_expires_at"),
        # At most one head (pending, in flight or dead) per lane: adapter.delivery.outbox.
        Index("uq_outbox_lane_head", "destination", "ordering_key", unique=True,
              postgresql_where=text(_LANE_HEAD), sqlite_where=text(_LANE_HEAD)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    destination: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    sender_eic: Mapped[str] = mapped_column(String(16))
    mrid: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int]
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(default=0)
    attempts_total: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    first_enqueued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    window_started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    last_error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    ack_code: Mapped[str | None] = mapped_column(String(3), nullable=True)
    acknowledgement: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    ordering_key: Mapped[str | None] = mapped_column(String(120), nullable=True)
    correlation_id: Mapped[str | None] = mapped_column(String(120), nullable=True)


class OutboxAttemptRecord(Base):
    """One delivery attempt: who tried, when, and how it ended."""

    __tablename__ = "outbox_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    number: Mapped[int]
    worker_id: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    outcome: Mapped[str] = mapped_column(String(20))
    error_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)


class OutboxEventRecord(Base):
    """A step of a message's life that is not an attempt: enqueued, dead, replayed, skipped..."""

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    event: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    detail: Mapped[str] = mapped_column(Text, default="")
    #: How many attempts the message had when this happened: orders the timeline even when
    #: several steps share a timestamp.
    after_attempt: Mapped[int] = mapped_column(default=0)
