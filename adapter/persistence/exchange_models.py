"""Models of the pull and file exchange: one cursor row per polled peer.

The cursor is the peer's own opaque position in the documents it issued (``FetchDocuments``). It
moves only after every document of a page went through intake, so a crash re-fetches the page and
intake's idempotency answers ``A51`` for what was already stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from adapter.persistence.models import Base
from adapter.persistence.types import UtcDateTime


class ExchangeCursorRecord(Base):
    """Where polling of one peer stands, and how its last fetch went (for the operator)."""

    __tablename__ = "exchange_cursors"

    peer: Mapped[str] = mapped_column(String(40), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    documents_total: Mapped[int] = mapped_column(default=0)
    last_polled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_error_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    last_error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
