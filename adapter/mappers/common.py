"""Parts several document kinds share: period, consumer, totals, references to documents."""

from __future__ import annotations

from lxml import etree

from adapter.domain.documents import ConsumerRef, DocumentKind, DocumentRef, Period, Totals
from adapter.mappers._xml import (
    child,
    children,
    day,
    decimal,
    fmt_money,
    integer,
    string_value,
    sub,
    text,
)
from adapter.mappers.header import EIC_CODING_SCHEME, SENDER


def read_period(parent: etree._Element) -> Period:
    """The ``Period`` child of ``parent``."""
    period = child(parent, "Period")
    return Period(start=day(period, "start"), end=day(period, "end"))


def write_period(parent: etree._Element, period: Period) -> None:
    """Append a ``Period`` child."""
    element = sub(parent, "Period")
    sub(element, "start", period.start.isoformat())
    sub(element, "end", period.end.isoformat())


def read_consumer(parent: etree._Element) -> ConsumerRef:
    """The ``Consumer`` child of ``parent``."""
    consumer = child(parent, "Consumer")
    return ConsumerRef(
        contract_number=text(consumer, "contractNumber"),
        edrpou=text(consumer, "edrpou"),
        metering_point_eics=tuple(string_value(e) for e in children(consumer, "meteringPointEic")),
    )


def write_consumer(parent: etree._Element, consumer: ConsumerRef) -> None:
    """Append a ``Consumer`` child."""
    element = sub(parent, "Consumer")
    sub(element, "contractNumber", consumer.contract_number)
    sub(element, "edrpou", consumer.edrpou)
    for eic in consumer.metering_point_eics:
        sub(element, "meteringPointEic", eic)


_TOTALS = ("totalAmountWithoutVat", "vatAmount", "totalAmountWithVat")


def read_totals(parent: etree._Element) -> Totals:
    """The three totals elements of ``parent``."""
    net, vat, gross = (decimal(parent, name) for name in _TOTALS)
    return Totals(net=net, vat=vat, gross=gross)


def write_totals(parent: etree._Element, totals: Totals) -> None:
    """Append the three totals elements."""
    for name, value in zip(_TOTALS, (totals.net, totals.vat, totals.gross), strict=True):
        sub(parent, name, fmt_money(value, name))


def read_document_ref(element: etree._Element) -> DocumentRef:
    """A reference to another exchanged document (kind, sender EIC, mRID, revision)."""
    return DocumentRef(
        kind=DocumentKind(text(element, "kind")),
        sender_eic=text(element, SENDER),
        mrid=text(element, "mRID"),
        revision=integer(element, "revisionNumber"),
    )


def write_document_ref(element: etree._Element, ref: DocumentRef) -> None:
    """Append the children of a document reference to ``element``."""
    sub(element, "kind", DocumentKind(ref.kind).value)
    sub(element, SENDER, ref.sender_eic, codingScheme=EIC_CODING_SCHEME)
    sub(element, "mRID", ref.mrid)
    sub(element, "revisionNumber", str(ref.revision))
