"""Models of online payment: one row per checkout (order), one row per paid invoice.

``payments_orders`` is the order we send to the payment provider and what its callbacks did to it.
``payments_invoice_status`` says an invoice is paid; its primary key is the invoice's document id,
so an invoice is marked paid once even if two of its orders are paid at the same moment.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from adapter.persistence.models import Base
from adapter.persistence.types import UtcDateTime


class PaymentRecord(Base):
    """A checkout of one invoice and where it stands: pending, paid, failed or reversed."""

    __tablename__ = "payments_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[str] = mapped_column(String(64), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("inbound_documents.id"), index=True)
    contract_number: Mapped[str] = mapped_column(String(20), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    provider_status: Mapped[str | None] = mapped_column(String(40), nullable=True)
    provider_payment_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    failure_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    notice_mrid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    outbox_message_id: Mapped[int | None] = mapped_column(nullable=True)


class InvoicePaymentStatusRecord(Base):
    """An invoice that is paid, and by which order (the first one that succeeded)."""

    __tablename__ = "payments_invoice_status"

    document_id: Mapped[int] = mapped_column(ForeignKey("inbound_documents.id"),
                                             primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments_orders.id"))
    contract_number: Mapped[str] = mapped_column(String(20), index=True)
    paid_at: Mapped[datetime] = mapped_column(UtcDateTime())
