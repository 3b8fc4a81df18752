"""A readable view of one stored invoice or act: parties, period, lines, totals.

Built from the fields the mappers read out of the *signed* content at intake (never from the raw
original), so what a person reads is what the signature covers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from adapter.persistence.models import InboundDocumentRecord
from adapter.services.cabinet_documents import ACTS, INVOICES, KIND_LABELS
from adapter.services.stored_fields import as_date, as_decimal, as_dict

PARTY_LABELS = {"supplier": "Постачальник", "billing": "Білінг ОСР"}
UNITS = {"A+": "кВт·год", "A-": "кВт·год", "R+": "квар·год", "R-": "квар·год",
         "kWh": "кВт·год", "kvarh": "квар·год"}


@dataclass(frozen=True)
class LineView:
    """One line: what, how much, at what price, for how much (net of VAT)."""

    description: str
    quantity: Decimal | None
    unit: str
    unit_price: Decimal | None
    amount: Decimal | None


@dataclass(frozen=True)
class DocumentView:
    """What the document page and its PDF show."""

    id: int
    kind: str
    number: str
    mrid: str
    revision: int
    sender_eic: str
    sender_label: str
    receiver_eic: str
    created_at: datetime
    received_at: datetime
    period_start: date | None
    period_end: date | None
    contract_number: str
    edrpou: str
    metering_points: tuple[str, ...]
    lines: tuple[LineView, ...]
    net: Decimal | None
    vat: Decimal | None
    gross: Decimal | None
    due_date: date | None
    payee_iban: str
    invoice_mrid: str
    sha256: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_invoice(self) -> bool:
        return self.kind in INVOICES

    @property
    def is_act(self) -> bool:
        return self.kind in ACTS


def readable_view(record: InboundDocumentRecord) -> DocumentView:
    """The view of a stored document (call only on a document already scoped to the org)."""
    fields: dict[str, Any] = record.fields or {}
    consumer = as_dict(fields.get("consumer"))
    period, totals = as_dict(fields.get("period")), as_dict(fields.get("totals"))
    return DocumentView(
        id=record.id, kind=record.kind,
        number=str(fields.get("invoice_number") or fields.get("act_number") or record.mrid),
        mrid=record.mrid, revision=record.revision, sender_eic=record.sender_eic,
        sender_label=PARTY_LABELS.get(record.party, record.party),
        receiver_eic=record.receiver_eic, created_at=record.document_created_at,
        received_at=record.received_at, period_start=as_date(period.get("start")),
        period_end=as_date(period.get("end")),
        contract_number=str(consumer.get("contract_number", "")),
        edrpou=str(consumer.get("edrpou", "")),
        metering_points=tuple(str(p) for p in consumer.get("metering_point_eics") or ()),
        lines=tuple(_line(as_dict(line)) for line in fields.get("lines") or ()),
        net=as_decimal(totals.get("net")), vat=as_decimal(totals.get("vat")),
        gross=as_decimal(totals.get("gross")), due_date=as_date(fields.get("due_date")),
        payee_iban=str(fields.get("payee_iban") or ""),
        invoice_mrid=str(fields.get("invoice_mrid") or ""), sha256=record.sha256,
    )


def _line(line: dict[str, Any]) -> LineView:
    if "metering_point_eic" in line:  # an act's line: a metering point's volume of a register
        register = str(line.get("register", ""))
        return LineView(f"Точка обліку {line.get('metering_point_eic')}, регістр {register}",
                        as_decimal(line.get("volume")), UNITS.get(register, ""),
                        as_decimal(line.get("unit_price")), as_decimal(line.get("amount")))
    unit = str(line.get("unit", ""))
    return LineView(str(line.get("description", "")), as_decimal(line.get("quantity")),
                    UNITS.get(unit, unit), as_decimal(line.get("unit_price")),
                    as_decimal(line.get("amount")))


def money(value: Decimal | None) -> str:
    """``18 667,45`` (Ukrainian grouping and decimal comma); a dash when unknown."""
    if value is None:
        return "—"
    text = f"{value:,.2f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def quantity(value: Decimal | None) -> str:
    """A quantity as written in the document, with a decimal comma."""
    return "—" if value is None else format(value, "f").replace(".", ",")





__all__ = ["DocumentView", "LineView", "money", "quantity", "readable_view"]
