"""SQLAlchemy 2.0 models of what the adapter keeps.

The signed original of every accepted document is stored byte for byte (``original``) with its
SHA-256: it is the legal record. Parsed fields sit beside it for search, but they were read from
the signed content only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from adapter.persistence.types import UtcDateTime


class Base(DeclarativeBase):
    """Declarative base of every table."""


class InboundDocumentRecord(Base):
    """A signed document a counterparty sent us and we accepted."""

    __tablename__ = "inbound_documents"
    __table_args__ = (
        UniqueConstraint("sender_eic", "mrid", "revision", name="uq_inbound_identity"),
        Index("ix_inbound_received_at", "received_at"),
        Index("ix_inbound_kind", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    sender_eic: Mapped[str] = mapped_column(String(16))
    mrid: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int]
    receiver_eic: Mapped[str] = mapped_column(String(16))
    document_created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    channel: Mapped[str] = mapped_column(String(20))
    party: Mapped[str] = mapped_column(String(40))
    signer_subject: Mapped[str] = mapped_column(Text)
    signer_serial: Mapped[str] = mapped_column(String(64))
    signer_fingerprint: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    original: Mapped[bytes] = mapped_column(LargeBinary)
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)

    events: Mapped[list[DocumentEventRecord]] = relationship(
        back_populates="document", order_by="DocumentEventRecord.id", cascade="all, delete-orphan"
    )


class DocumentEventRecord(Base):
    """One step of a document's timeline: received, verified, stored, acknowledged..."""

    __tablename__ = "document_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("inbound_documents.id"), index=True)
    event: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    detail: Mapped[str] = mapped_column(Text, default="")

    document: Mapped[InboundDocumentRecord] = relationship(back_populates="events")


class InboundRejectionRecord(Base):
    """A document or request we refused: its code and reason, never its content.

    Hostile or broken input is not stored; what is kept is enough for an operator to answer
    "why was my document refused" (the SHA-256 of what arrived lets a sender match it).
    """

    __tablename__ = "inbound_rejections"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(60), index=True)
    message: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    party: Mapped[str | None] = mapped_column(String(40), nullable=True)


class WsseReplayRecord(Base):
    """A WS-Security message signature already seen, remembered until it would expire anyway."""

    __tablename__ = "wsse_replay_cache"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
