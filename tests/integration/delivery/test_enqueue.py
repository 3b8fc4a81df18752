"""The outbox enqueue: same transaction as the caller, idempotent on the document identity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from adapter.delivery import enqueue
from adapter.errors import DocumentConflict
from adapter.persistence.outbox_models import OutboxEventRecord, OutboxMessageRecord

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SUPPLIER = "supplier:62X0000000000020"


def _enqueue(session: Session, mrid: str = "R-1", payload: bytes = b"<doc/>", **kw: object) -> int:
    return enqueue(session, destination=kw.pop("destination", SUPPLIER), kind="readings",
                   sender_eic="62X0000000000012", mrid=mrid, revision=1, payload=payload,
                   now=NOW, **kw)  # type: ignore[arg-type]


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxMessageRecord)) or 0


def test_enqueue_stores_pending_message_verbatim(session_factory: sessionmaker[Session]) -> None:
    payload = b"<?xml version='1.0'?>\n<doc>\xd0\x86</doc>\r\n"
    with session_factory() as session, session.begin():
        message_id = _enqueue(session, payload=payload, ordering_key="mp:62Z000000000001B")
    with session_factory() as session:
        record = session.get(OutboxMessageRecord, message_id)
        assert record is not None
        assert record.payload == payload
        assert (record.status, record.attempts, record.next_attempt_at) == ("pending", 0, NOW)
        assert record.ordering_key == "mp:62Z000000000001B"
        events = session.scalars(select(OutboxEventRecord.event)).all()
        assert events == ["enqueued"]


def test_enqueue_rolls_back_with_the_caller(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        _enqueue(session)
        session.rollback()
    with session_factory() as session:
        assert _count(session) == 0


def test_same_identity_and_payload_returns_existing(
    session_factory: sessionmaker[Session],
) -> None:
    with session_factory() as session, session.begin():
        first = _enqueue(session)
    with session_factory() as session, session.begin():
        again = _enqueue(session)
        other_destination = _enqueue(session, destination="billing")
    assert again == first
    assert other_destination != first
    with session_factory() as session:
        assert _count(session) == 2


def test_same_identity_other_payload_conflicts(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session, session.begin():
        _enqueue(session)
    with session_factory() as session, session.begin():
        with pytest.raises(DocumentConflict) as raised:
            _enqueue(session, payload=b"<doc>changed</doc>")
    assert raised.value.code == "OUTBOX_CONFLICT"
    with session_factory() as session:
        assert _count(session) == 1
