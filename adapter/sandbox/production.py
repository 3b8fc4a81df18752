"""What the sandbox peers make of delivered readings: priced invoices and acts (Decimal, VAT 20 %).

Consumption is the difference between a reading and the one before it (``previousValue`` when the
document carries it, else the last value the peer remembers for that meter register and zone).
The first reading of a register only sets the baseline. Identifiers of produced documents are
derived from the readings' identity, so the same readings always yield the same mRIDs.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from adapter.domain import documents as d
from adapter.domain.money import gross_of, line_amount, vat_of

#: The payee accounts of the sandbox (valid IBAN check digits).
SUPPLIER_IBAN = "UA213223130000026007233566001"
DSO_IBAN = "UA483333910000026001234567001"

InvoiceT = TypeVar("InvoiceT", bound=d.Invoice)
ActT = TypeVar("ActT", bound=d.Act)


@dataclass(frozen=True)
class Volume:
    """Consumption of one register and zone at one metering point."""

    point: str
    meter: str
    register: d.Register
    zone: int
    volume: Decimal


def consumption(conn: sqlite3.Connection, doc: d.MeterReadingsDocument,
                meters: Mapping[str, tuple[int, int]]) -> list[Volume]:
    """Volumes of ``doc`` against the remembered values; remembers the new values.

    A volume is the counter difference (a rollover at the meter's digit capacity counts) times
    the meter's transformation coefficient, both from ``meters`` (the peer's registry, by serial).
    """
    volumes: list[Volume] = []
    for point in doc.points:
        for reading in point.readings:
            key = (point.eic, point.meter_serial, reading.register.value, reading.zone)
            previous = reading.previous_value
            if previous is None:
                row = conn.execute(
                    "SELECT value FROM meter_values WHERE point=? AND meter=? AND register=? "
                    "AND zone=?", key,
                ).fetchone()
                previous = None if row is None else int(row[0])
            conn.execute("INSERT OR REPLACE INTO meter_values VALUES (?, ?, ?, ?, ?)",
                         (*key, reading.value))
            if previous is None or reading.value == previous:
                continue
            digits, coefficient = meters.get(point.meter_serial, (None, 1))
            difference = reading.value - previous
            if difference < 0 and digits is not None:
                difference += 10**digits  # the counter rolled over
            if difference > 0:
                volumes.append(Volume(point.eic, point.meter_serial, reading.register,
                                      reading.zone, Decimal(difference * coefficient)))
    return volumes


@dataclass(frozen=True)
class Issuer:
    """Who issues the documents and to whom, at what moment."""

    sender_eic: str
    receiver_eic: str
    now: datetime

    def header(self, kind: d.DocumentKind, source: d.DocumentHeader) -> d.DocumentHeader:
        """A header whose mRID is derived from the kind and the source document's identity."""
        name = f"{kind.value}:{source.sender_eic}:{source.mrid}:{source.revision}"
        return d.DocumentHeader(
            mrid=f"{kind.type_code}-{uuid.uuid5(uuid.NAMESPACE_URL, name)}",
            revision=1,
            kind=kind,
            sender_eic=self.sender_eic,
            receiver_eic=self.receiver_eic,
            created_at=self.now.replace(microsecond=0),
        )


def _totals(amounts: list[Decimal]) -> d.Totals:
    net = sum(amounts, start=Decimal("0.00"))
    return d.Totals(net=net, vat=vat_of(net), gross=gross_of(net))


def _period(doc: d.MeterReadingsDocument) -> d.Period:
    # A reading on the 1st closes the month before it: that month is the billing period.
    end = doc.reading_date - timedelta(days=1) if doc.reading_date.day == 1 else doc.reading_date
    return d.Period(end.replace(day=1), end)


def _consumer(doc: d.MeterReadingsDocument) -> d.ConsumerRef:
    return d.ConsumerRef(doc.contract_number, doc.consumer_edrpou,
                         tuple(point.eic for point in doc.points))


def invoice(
    cls: type[InvoiceT],
    issuer: Issuer,
    doc: d.MeterReadingsDocument,
    quantities: Mapping[str, Decimal],
    *,
    unit: str,
    tariff: Decimal,
    iban: str,
) -> InvoiceT:
    """An invoice of ``cls`` with one line per description in ``quantities``."""
    lines = tuple(
        d.InvoiceLine(description, quantity, unit, tariff, line_amount(quantity, tariff))
        for description, quantity in quantities.items()
    )
    header = issuer.header(cls.KIND, doc.header)
    return cls(
        header=header,
        invoice_number=f"{cls.KIND.type_code}-{header.mrid[4:12]}",
        period=_period(doc),
        consumer=_consumer(doc),
        lines=lines,
        totals=_totals([line.amount for line in lines]),
        due_date=doc.reading_date + timedelta(days=20),
        payee_iban=iban,
    )


def act(
    cls: type[ActT],
    issuer: Issuer,
    doc: d.MeterReadingsDocument,
    volumes: list[Volume],
    *,
    tariff: Decimal,
    invoice_mrid: str,
) -> ActT:
    """An act of ``cls`` with one line per metering point and register."""
    totals: dict[tuple[str, d.Register], Decimal] = defaultdict(Decimal)
    for item in volumes:
        totals[(item.point, item.register)] += item.volume
    lines = tuple(
        d.ActLine(point, register, volume, tariff, line_amount(volume, tariff))
        for (point, register), volume in totals.items()
    )
    header = issuer.header(cls.KIND, doc.header)
    return cls(
        header=header,
        act_number=f"{cls.KIND.type_code}-{header.mrid[4:12]}",
        period=_period(doc),
        consumer=_consumer(doc),
        lines=lines,
        totals=_totals([line.amount for line in lines]),
        invoice_mrid=invoice_mrid,
    )


def by_point(volumes: list[Volume], what: str) -> dict[str, Decimal]:
    """Quantities keyed by a readable line description: ``what`` and the metering point.

    One line per point, its zones summed, like the act's lines: the invoice and the act of the
    same consumption are rounded the same way and so agree to the kopeck.
    """
    quantities: dict[str, Decimal] = defaultdict(Decimal)
    for item in volumes:
        quantities[f"{what}, точка {item.point}"] += item.volume
    return dict(quantities)
