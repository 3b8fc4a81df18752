"""PaymentNotice <-> :class:`~adapter.domain.documents.PaymentNotice`."""

from __future__ import annotations

from lxml import etree

from adapter.domain.documents import DocumentHeader, PaymentNotice
from adapter.mappers._xml import child, decimal, fmt_money, fmt_utc, sub, text, utc
from adapter.mappers.common import read_document_ref, write_document_ref


def read(root: etree._Element, header: DocumentHeader) -> PaymentNotice:
    """Map the body of a PaymentNotice root."""
    invoice = child(root, "Invoice")
    return PaymentNotice(
        header=header,
        invoice=read_document_ref(invoice),
        contract_number=text(root, "contractNumber"),
        amount=decimal(root, "amount"),
        paid_at=utc(root, "paidAt"),
        provider_reference=text(root, "providerReference"),
    )


def write(root: etree._Element, doc: PaymentNotice) -> None:
    """Append the body of ``doc`` to ``root``."""
    write_document_ref(sub(root, "Invoice"), doc.invoice)
    sub(root, "contractNumber", doc.contract_number)
    sub(root, "amount", fmt_money(doc.amount, "amount"))
    sub(root, "paidAt", fmt_utc(doc.paid_at, "paidAt"))
    sub(root, "providerReference", doc.provider_reference)
