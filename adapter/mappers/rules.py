"""Domain rules a document must keep beyond its XSD: checksums, totals, VAT, consistency.

The same checks run when a document is read (so a signed but wrong invoice is rejected with a
stable code) and before one is written (so we never sign one ourselves).
"""

from __future__ import annotations

from decimal import Decimal
from functools import singledispatch
from typing import NoReturn

from stdnum import iban as _iban

from adapter.domain import documents as d
from adapter.domain.identifiers import EIC_METERING_POINT, is_valid_edrpou, is_valid_eic
from adapter.domain.money import is_money, line_amount, vat_of
from adapter.errors import MappingError


def _fail(code: str, message: str, **fields: object) -> NoReturn:
    raise MappingError(message, code=code, **fields)


def check_eic(code: str, what: str, *, object_type: str | None = None) -> None:
    """Raise ``MAPPING_EIC_INVALID`` unless ``code`` is a valid EIC (of ``object_type``)."""
    if not is_valid_eic(code, object_type=object_type):
        kind = f" типу {object_type}" if object_type else ""
        _fail("MAPPING_EIC_INVALID", f"Некоректний EIC-код{kind} ({what}): {code!r}.", eic=code)


def check_edrpou(code: str) -> None:
    """Raise ``MAPPING_EDRPOU_INVALID`` unless ``code`` is a valid EDRPOU."""
    if not is_valid_edrpou(code):
        _fail("MAPPING_EDRPOU_INVALID", f"Некоректний код ЄДРПОУ: {code!r}.", edrpou=code)


def check_header(header: d.DocumentHeader) -> None:
    """Sender and receiver must be valid EICs."""
    check_eic(header.sender_eic, "відправник")
    check_eic(header.receiver_eic, "одержувач")


def check_period(period: d.Period) -> None:
    """A period must not end before it starts."""
    if period.end < period.start:
        _fail(
            "MAPPING_PERIOD_INVALID",
            f"Період закінчується ({period.end}) раніше, ніж починається ({period.start}).",
        )


def check_consumer(consumer: d.ConsumerRef) -> None:
    """EDRPOU and metering point EICs of a consumer reference."""
    check_edrpou(consumer.edrpou)
    for eic in consumer.metering_point_eics:
        check_eic(eic, "точка обліку", object_type=EIC_METERING_POINT)


def check_totals(net_lines: list[Decimal], totals: d.Totals) -> None:
    """Lines add up to the net total, VAT is 20 % of it, gross is net + VAT."""
    for name, value in (("без ПДВ", totals.net), ("ПДВ", totals.vat), ("з ПДВ", totals.gross)):
        if not is_money(value):
            _fail(
                "MAPPING_AMOUNT_PRECISION", f"Сума {name} має бути з точністю до копійки: {value}."
            )
    if sum(net_lines, start=Decimal(0)) != totals.net:
        _fail(
            "MAPPING_TOTALS_MISMATCH",
            f"Сума рядків {sum(net_lines)} не дорівнює сумі без ПДВ {totals.net}.",
        )
    if vat_of(totals.net) != totals.vat:
        _fail(
            "MAPPING_VAT_MISMATCH",
            f"ПДВ {totals.vat} не дорівнює 20 % від {totals.net} ({vat_of(totals.net)}).",
        )
    if totals.net + totals.vat != totals.gross:
        _fail(
            "MAPPING_TOTALS_MISMATCH",
            f"Сума з ПДВ {totals.gross} не дорівнює {totals.net} + {totals.vat}.",
        )


def check_line_amount(
    quantity: Decimal, unit_price: Decimal, amount: Decimal, position: int
) -> None:
    """A line's amount is quantity x unit price, rounded to kopecks."""
    expected = line_amount(quantity, unit_price)
    if amount != expected:
        _fail(
            "MAPPING_LINE_AMOUNT_MISMATCH",
            f"Рядок {position}: сума {amount} не дорівнює {quantity} x {unit_price} = {expected}.",
            line=position,
        )


@singledispatch
def check_document(doc: object) -> None:
    """Raise :class:`MappingError` with a stable code when ``doc`` breaks a domain rule."""
    _fail("MAPPING_UNKNOWN_KIND", f"Невідомий вид документа: {type(doc).__name__}.")


def _check_header_of(doc: object) -> None:
    check_header(doc.header)  # type: ignore[attr-defined]


@check_document.register
def _(doc: d.MeterReadingsDocument) -> None:
    _check_header_of(doc)
    check_edrpou(doc.consumer_edrpou)
    for point in doc.points:
        check_eic(point.eic, "точка обліку", object_type=EIC_METERING_POINT)


@check_document.register
def _(doc: d.Invoice) -> None:
    _check_header_of(doc)
    check_period(doc.period)
    check_consumer(doc.consumer)
    for position, line in enumerate(doc.lines, start=1):
        check_line_amount(line.quantity, line.unit_price, line.amount, position)
    check_totals([line.amount for line in doc.lines], doc.totals)
    if not _iban.is_valid(doc.payee_iban):
        _fail("MAPPING_IBAN_INVALID", f"Некоректний IBAN одержувача: {doc.payee_iban!r}.")


@check_document.register
def _(doc: d.Act) -> None:
    _check_header_of(doc)
    check_period(doc.period)
    check_consumer(doc.consumer)
    for position, line in enumerate(doc.lines, start=1):
        check_eic(line.metering_point_eic, "точка обліку", object_type=EIC_METERING_POINT)
        check_line_amount(line.volume, line.unit_price, line.amount, position)
    check_totals([line.amount for line in doc.lines], doc.totals)


@check_document.register
def _(doc: d.ActCountersignature) -> None:
    _check_header_of(doc)
    check_eic(doc.act.sender_eic, "відправник акта")
    if doc.act.kind not in d.ACT_KINDS:
        _fail("MAPPING_REFERENCE_KIND", f"Підписати можна лише акт, а не {doc.act.kind}.")
    if doc.decision == d.ActDecision.DISPUTED and not (doc.comment or "").strip():
        _fail(
            "MAPPING_COMMENT_REQUIRED", "Якщо акт оскаржено, потрібно вказати причину в коментарі."
        )


@check_document.register
def _(doc: d.PaymentNotice) -> None:
    _check_header_of(doc)
    check_eic(doc.invoice.sender_eic, "відправник рахунку")
    if doc.invoice.kind not in d.INVOICE_KINDS:
        _fail("MAPPING_REFERENCE_KIND", f"Оплатити можна лише рахунок, а не {doc.invoice.kind}.")
    if not is_money(doc.amount) or doc.amount <= 0:
        _fail(
            "MAPPING_AMOUNT_PRECISION",
            f"Сума оплати має бути додатною, з точністю до копійки: {doc.amount}.",
        )


@check_document.register
def _(doc: d.ConsumerRegistry) -> None:
    _check_header_of(doc)
    for consumer in doc.consumers:
        check_edrpou(consumer.edrpou)
        check_eic(consumer.supplier_eic, "постачальник")
        for point in consumer.metering_points:
            check_eic(point.eic, "точка обліку", object_type=EIC_METERING_POINT)
            for meter in point.meters:
                _check_meter(meter)


def _check_meter(meter: d.RegistryMeter) -> None:
    if len(set(meter.registers)) != len(meter.registers):
        _fail(
            "MAPPING_DUPLICATE_REGISTER", f"Лічильник {meter.serial_number}: регістр повторюється."
        )


@check_document.register
def _(doc: d.AcknowledgementDocument) -> None:
    _check_header_of(doc)
    if doc.reason == d.AckReason.REJECTED and not doc.error_code:
        _fail("MAPPING_ERROR_CODE_REQUIRED", "Відхилення (A02) має містити код помилки errorCode.")
