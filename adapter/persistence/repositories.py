"""Repositories: the only place that writes SQL for a table, in SQLAlchemy 2.0 style."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from adapter.persistence.models import (
    InboundDocumentRecord,
    InboundRejectionRecord,
    WsseReplayRecord,
)


class InboundDocuments:
    """Accepted inbound documents, keyed by their identity (sender EIC, mRID, revision)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def find(self, sender_eic: str, mrid: str, revision: int) -> InboundDocumentRecord | None:
        """The stored document with this identity, if any."""
        return self._session.scalar(
            select(InboundDocumentRecord).where(
                InboundDocumentRecord.sender_eic == sender_eic,
                InboundDocumentRecord.mrid == mrid,
                InboundDocumentRecord.revision == revision,
            )
        )

    def add(self, record: InboundDocumentRecord) -> None:
        """Stage a new document (and its events) for the unit's commit."""
        self._session.add(record)
        self._session.flush()

    def get(self, document_id: int) -> InboundDocumentRecord | None:
        """One document with its timeline."""
        return self._session.scalar(
            select(InboundDocumentRecord)
            .options(selectinload(InboundDocumentRecord.events))
            .where(InboundDocumentRecord.id == document_id)
        )

    def latest(self, limit: int = 100) -> Sequence[InboundDocumentRecord]:
        """The newest documents first."""
        return self._session.scalars(
            select(InboundDocumentRecord).order_by(InboundDocumentRecord.id.desc()).limit(limit)
        ).all()

    def count(self) -> int:
        """How many documents are stored."""
        return self._session.scalar(select(func.count()).select_from(InboundDocumentRecord)) or 0


class Rejections:
    """Refused inbound input: codes and reasons, never the content."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, record: InboundRejectionRecord) -> None:
        """Stage a rejection for the unit's commit."""
        self._session.add(record)

    def latest(self, limit: int = 100) -> Sequence[InboundRejectionRecord]:
        """The newest rejections first."""
        return self._session.scalars(
            select(InboundRejectionRecord).order_by(InboundRejectionRecord.id.desc()).limit(limit)
        ).all()


class ReplayCacheRows:
    """WS-Security signatures already seen (the database half of the replay cache)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def remember(self, key: str, expires_at: datetime, now: datetime) -> bool:
        """Record ``key``; False if it was already there (a replay). Commits on its own."""
        self._session.execute(delete(WsseReplayRecord).where(WsseReplayRecord.expires_at < now))
        self._session.add(WsseReplayRecord(key=key, expires_at=expires_at))
        try:
            self._session.commit()
        except IntegrityError:
            self._session.rollback()
            return False
        return True
