"""The PaymentNotice the DSO sends billing when an invoice is paid online (pure, no I/O)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from adapter.domain.documents import DocumentHeader, DocumentKind, DocumentRef, PaymentNotice


def notice_mrid(order_id: str) -> str:
    """The mRID of an order's PaymentNotice: one notice per order, so billing can deduplicate."""
    return f"PAY-{order_id}"


def build_notice(
    *,
    order_id: str,
    dso_eic: str,
    billing_eic: str,
    invoice: DocumentRef,
    contract_number: str,
    amount: Decimal,
    paid_at: datetime,
    provider_reference: str,
) -> PaymentNotice:
    """A PaymentNotice (revision 1) from the DSO to billing about ``invoice``."""
    return PaymentNotice(
        header=DocumentHeader(mrid=notice_mrid(order_id), revision=1,
                              kind=DocumentKind.PAYMENT_NOTICE, sender_eic=dso_eic,
                              receiver_eic=billing_eic, created_at=paid_at),
        invoice=invoice, contract_number=contract_number, amount=amount, paid_at=paid_at,
        provider_reference=provider_reference,
    )
