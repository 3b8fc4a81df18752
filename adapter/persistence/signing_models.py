"""Drafts of two-phase signing in the consumer's browser (``cabinet_signing_drafts``).

A draft keeps what the server prepared for one signature: the unsigned document, the signature
element without its value and the exact ``SignedInfo`` bytes the browser signs. The private key
never reaches us: only the signature value comes back. A draft is single-use (``used_at``),
expires (``expires_at``) and belongs to one organisation and one purpose.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from adapter.persistence.models import Base
from adapter.persistence.types import UtcDateTime


class SigningDraftRecord(Base):
    """One prepared signature waiting for the browser's signature value."""

    __tablename__ = "cabinet_signing_drafts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    document: Mapped[bytes] = mapped_column(LargeBinary)
    signature_xml: Mapped[bytes] = mapped_column(LargeBinary)
    signed_info: Mapped[bytes] = mapped_column(LargeBinary)
    signature_method: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
