"""SupplierInvoice, DistributionInvoice and ReactiveEnergyInvoice <-> the domain invoice classes."""

from __future__ import annotations

from lxml import etree

from adapter.domain.documents import (
    DistributionInvoice,
    DocumentHeader,
    DocumentKind,
    Invoice,
    InvoiceLine,
    ReactiveEnergyInvoice,
    SupplierInvoice,
)
from adapter.mappers._xml import children, day, decimal, fmt_decimal, fmt_money, sub, text
from adapter.mappers.common import (
    read_consumer,
    read_period,
    read_totals,
    write_consumer,
    write_period,
    write_totals,
)

INVOICE_CLASSES: dict[DocumentKind, type[Invoice]] = {
    DocumentKind.SUPPLIER_INVOICE: SupplierInvoice,
    DocumentKind.DISTRIBUTION_INVOICE: DistributionInvoice,
    DocumentKind.REACTIVE_ENERGY_INVOICE: ReactiveEnergyInvoice,
}


def read(root: etree._Element, header: DocumentHeader) -> Invoice:
    """Map the body of any invoice root to the class of its kind."""
    return INVOICE_CLASSES[header.kind](
        header=header,
        invoice_number=text(root, "invoiceNumber"),
        period=read_period(root),
        consumer=read_consumer(root),
        lines=tuple(_read_line(line) for line in children(root, "Line")),
        totals=read_totals(root),
        due_date=day(root, "dueDate"),
        payee_iban=text(root, "payeeIban"),
    )


def _read_line(line: etree._Element) -> InvoiceLine:
    return InvoiceLine(
        description=text(line, "description"),
        quantity=decimal(line, "quantity"),
        unit=text(line, "unit"),
        unit_price=decimal(line, "unitPrice"),
        amount=decimal(line, "amount"),
    )


def write(root: etree._Element, doc: Invoice) -> None:
    """Append the body of ``doc`` to ``root``."""
    sub(root, "invoiceNumber", doc.invoice_number)
    write_period(root, doc.period)
    write_consumer(root, doc.consumer)
    for line in doc.lines:
        element = sub(root, "Line")
        sub(element, "description", line.description)
        sub(element, "quantity", fmt_decimal(line.quantity))
        sub(element, "unit", line.unit)
        sub(element, "unitPrice", fmt_decimal(line.unit_price))
        sub(element, "amount", fmt_money(line.amount, "amount"))
    write_totals(root, doc.totals)
    sub(root, "dueDate", doc.due_date.isoformat())
    sub(root, "payeeIban", doc.payee_iban)
