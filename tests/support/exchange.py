"""Valid exchange documents built from domain objects (they pass the XSD and domain rules)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from adapter.domain.documents import (
    ConsumerRef,
    DocumentHeader,
    DocumentKind,
    InvoiceLine,
    Period,
    SupplierInvoice,
    Totals,
)
from adapter.domain.money import gross_of, line_amount, vat_of
from adapter.mappers import write_document

DSO_EIC = "62X0000000000012"
SUPPLIER_EIC = "62X0000000000020"
BILLING_EIC = "62X000000000003Z"
CONSUMER_CONTRACT = "270000001"
CONSUMER_EDRPOU = "12345678"
METERING_POINTS = ("62Z000000000001B", "62Z0000000000029")


def supplier_invoice(
    mrid: str = "INV-1",
    *,
    revision: int = 1,
    lines: int = 3,
    sender_eic: str = SUPPLIER_EIC,
    receiver_eic: str = DSO_EIC,
    first_quantity: int = 1000,
) -> SupplierInvoice:
    """A supplier invoice with ``lines`` lines whose totals add up."""
    items = tuple(
        InvoiceLine(
            description=f"Активна електрична енергія, позиція {n + 1}",
            quantity=Decimal(first_quantity + n),
            unit="kWh",
            unit_price=Decimal("5.185680"),
            amount=line_amount(Decimal(first_quantity + n), Decimal("5.185680")),
        )
        for n in range(lines)
    )
    net = sum((item.amount for item in items), Decimal("0.00"))
    return SupplierInvoice(
        header=DocumentHeader(
            mrid=mrid,
            revision=revision,
            kind=DocumentKind.SUPPLIER_INVOICE,
            sender_eic=sender_eic,
            receiver_eic=receiver_eic,
            created_at=datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        ),
        invoice_number=f"РЕ-{mrid}",
        period=Period(date(2026, 10, 1), date(2026, 10, 31)),
        consumer=ConsumerRef(CONSUMER_CONTRACT, CONSUMER_EDRPOU, METERING_POINTS),
        lines=items,
        totals=Totals(net=net, vat=vat_of(net), gross=gross_of(net)),
        due_date=date(2026, 11, 20),
        payee_iban="UA213223130000026007233566001",
    )


def supplier_invoice_xml(mrid: str = "INV-1", **kwargs: object) -> bytes:
    """The unsigned XML of :func:`supplier_invoice`."""
    return write_document(supplier_invoice(mrid, **kwargs))  # type: ignore[arg-type]
