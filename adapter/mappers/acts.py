"""AcceptanceAct, DistributionAct and ActCountersignature <-> the domain classes."""

from __future__ import annotations

from lxml import etree

from adapter.domain.documents import (
    AcceptanceAct,
    Act,
    ActCountersignature,
    ActDecision,
    ActLine,
    DistributionAct,
    DocumentHeader,
    DocumentKind,
    Register,
)
from adapter.mappers._xml import (
    child,
    children,
    decimal,
    fmt_decimal,
    fmt_money,
    opt_text,
    sub,
    text,
)
from adapter.mappers.common import (
    read_consumer,
    read_document_ref,
    read_period,
    read_totals,
    write_consumer,
    write_document_ref,
    write_period,
    write_totals,
)

ACT_CLASSES: dict[DocumentKind, type[Act]] = {
    DocumentKind.ACCEPTANCE_ACT: AcceptanceAct,
    DocumentKind.DISTRIBUTION_ACT: DistributionAct,
}
_INVOICE_REF = "invoice_MarketDocument.mRID"


def read_act(root: etree._Element, header: DocumentHeader) -> Act:
    """Map the body of an act root to the class of its kind."""
    return ACT_CLASSES[header.kind](
        header=header,
        act_number=text(root, "actNumber"),
        period=read_period(root),
        consumer=read_consumer(root),
        invoice_mrid=opt_text(root, _INVOICE_REF),
        lines=tuple(_read_line(line) for line in children(root, "Line")),
        totals=read_totals(root),
    )


def _read_line(line: etree._Element) -> ActLine:
    return ActLine(
        metering_point_eic=text(line, "meteringPointEic"),
        register=Register(text(line, "register")),
        volume=decimal(line, "volume"),
        unit_price=decimal(line, "unitPrice"),
        amount=decimal(line, "amount"),
    )


def write_act(root: etree._Element, doc: Act) -> None:
    """Append the body of an act to ``root``."""
    sub(root, "actNumber", doc.act_number)
    write_period(root, doc.period)
    write_consumer(root, doc.consumer)
    if doc.invoice_mrid is not None:
        sub(root, _INVOICE_REF, doc.invoice_mrid)
    for line in doc.lines:
        element = sub(root, "Line")
        sub(element, "meteringPointEic", line.metering_point_eic)
        sub(element, "register", Register(line.register).value)
        sub(element, "volume", fmt_decimal(line.volume))
        sub(element, "unitPrice", fmt_decimal(line.unit_price))
        sub(element, "amount", fmt_money(line.amount, "amount"))
    write_totals(root, doc.totals)


def read_countersignature(root: etree._Element, header: DocumentHeader) -> ActCountersignature:
    """Map the body of an ActCountersignature root."""
    act = child(root, "Act")
    return ActCountersignature(
        header=header,
        act=read_document_ref(act),
        act_sha256=text(act, "originalSha256"),
        decision=ActDecision(text(root, "decision")),
        comment=opt_text(root, "comment"),
    )


def write_countersignature(root: etree._Element, doc: ActCountersignature) -> None:
    """Append the body of an ActCountersignature to ``root``."""
    act = sub(root, "Act")
    write_document_ref(act, doc.act)
    sub(act, "originalSha256", doc.act_sha256)
    sub(root, "decision", ActDecision(doc.decision).value)
    if doc.comment is not None:
        sub(root, "comment", doc.comment)
