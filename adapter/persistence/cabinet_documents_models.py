"""Models of the cabinet's documents page: a search index of documents, countersignatures.

``cabinet_document_index`` is filled when a document arrives (in the intake's transaction): the
contract it belongs to, its number, period and total as plain indexed columns, so the documents
page filters and searches in SQL on every backend without reading JSON.
``cabinet_countersignatures`` keeps each act's countersignature: the consumer's signed original
verbatim with its SHA-256 (the legal record) and the outbox message that carries it to the supplier.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from adapter.persistence.models import Base
from adapter.persistence.types import UtcDateTime


class DocumentIndexRecord(Base):
    """One consumer document (invoice or act) as the documents page searches it."""

    __tablename__ = "cabinet_document_index"
    __table_args__ = (
        Index("ix_cabinet_document_index_contract_received", "contract_number", "received_at"),
    )

    document_id: Mapped[int] = mapped_column(ForeignKey("inbound_documents.id"),
                                             primary_key=True)
    contract_number: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    number: Mapped[str] = mapped_column(String(64), index=True)
    mrid: Mapped[str] = mapped_column(String(64), index=True)
    period_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    period_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    total: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CountersignatureRecord(Base):
    """The consumer's signed ActCountersignature of one act (one per act)."""

    __tablename__ = "cabinet_countersignatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    act_document_id: Mapped[int] = mapped_column(ForeignKey("inbound_documents.id"), unique=True)
    contract_number: Mapped[str] = mapped_column(String(20), index=True)
    organisation_id: Mapped[int | None] = mapped_column(nullable=True)
    user_id: Mapped[int | None] = mapped_column(nullable=True)
    decision: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    mrid: Mapped[str] = mapped_column(String(64))
    signer_subject: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    original: Mapped[bytes] = mapped_column(LargeBinary)
    signed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    outbox_message_id: Mapped[int | None] = mapped_column(nullable=True)
