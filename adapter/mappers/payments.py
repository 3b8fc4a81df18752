"""PaymentNotice <-> :class:`~adapter.domain.documents.PaymentNotice`."""

from __future__ import annotations

from lxml import etree

from adapter.domain.documents import DocumentHeader, DocumentKind, DocumentRef, PaymentNotice
from adapter.mappers._xml import child, decimal, fmt_money, fmt_utc, integer, sub, text, utc
from adapter.mappers.header import EIC_CODING_SCHEME, SENDER


def read(root: etree._Element, header: DocumentHeader) -> PaymentNotice:
    """Map the body of a PaymentNotice root."""
    invoice = child(root, "Invoice")
    return PaymentNotice(
        header=header,
        invoice=DocumentRef(
            kind=DocumentKind(text(invoice, "kind")),
            sender_eic=text(invoice, SENDER),
            mrid=text(invoice, "mRID"),
            revision=integer(invoice, "revisionNumber"),
        ),
        contract_number=text(root, "contractNumber"),
        amount=decimal(root, "amount"),
        paid_at=utc(root, "paidAt"),
        provider_reference=text(root, "providerReference"),
    )


def write(root: etree._Element, doc: PaymentNotice) -> None:
    """Append the body of ``doc`` to ``root``."""
    invoice = sub(root, "Invoice")
    sub(invoice, "kind", DocumentKind(doc.invoice.kind).value)
    sub(invoice, SENDER, doc.invoice.sender_eic, codingScheme=EIC_CODING_SCHEME)
    sub(invoice, "mRID", doc.invoice.mrid)
    sub(invoice, "revisionNumber", str(doc.invoice.revision))
    sub(root, "contractNumber", doc.contract_number)
    sub(root, "amount", fmt_money(doc.amount, "amount"))
    sub(root, "paidAt", fmt_utc(doc.paid_at, "paidAt"))
    sub(root, "providerReference", doc.provider_reference)
