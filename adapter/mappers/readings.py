"""MeterReadingsDocument <-> :class:`~adapter.domain.documents.MeterReadingsDocument`."""

from __future__ import annotations

from lxml import etree

from adapter.domain.documents import (
    DocumentHeader,
    MeteringPointReadings,
    MeterReadingsDocument,
    Reading,
    Register,
)
from adapter.mappers._xml import children, day, integer, opt_text, sub, text


def read(root: etree._Element, header: DocumentHeader) -> MeterReadingsDocument:
    """Map the body of a MeterReadingsDocument root."""
    return MeterReadingsDocument(
        header=header,
        contract_number=text(root, "contractNumber"),
        consumer_edrpou=text(root, "consumerEdrpou"),
        reading_date=day(root, "readingDate"),
        points=tuple(_read_point(point) for point in children(root, "MeteringPoint")),
    )


def _read_point(point: etree._Element) -> MeteringPointReadings:
    return MeteringPointReadings(
        eic=text(point, "eic"),
        meter_serial=text(point, "meterSerialNumber"),
        readings=tuple(_read_reading(reading) for reading in children(point, "Reading")),
    )


def _read_reading(reading: etree._Element) -> Reading:
    previous = opt_text(reading, "previousValue")
    return Reading(
        register=Register(text(reading, "register")),
        zone=integer(reading, "zone"),
        value=integer(reading, "value"),
        previous_value=None if previous is None else int(previous),
    )


def write(root: etree._Element, doc: MeterReadingsDocument) -> None:
    """Append the body of ``doc`` to ``root``."""
    sub(root, "contractNumber", doc.contract_number)
    sub(root, "consumerEdrpou", doc.consumer_edrpou)
    sub(root, "readingDate", doc.reading_date.isoformat())
    for point in doc.points:
        element = sub(root, "MeteringPoint")
        sub(element, "eic", point.eic)
        sub(element, "meterSerialNumber", point.meter_serial)
        for reading in point.readings:
            _write_reading(sub(element, "Reading"), reading)


def _write_reading(element: etree._Element, reading: Reading) -> None:
    sub(element, "register", Register(reading.register).value)
    sub(element, "zone", str(reading.zone))
    sub(element, "value", str(reading.value))
    if reading.previous_value is not None:
        sub(element, "previousValue", str(reading.previous_value))


__all__ = ["read", "write"]
