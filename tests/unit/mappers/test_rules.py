"""Domain rules beyond the XSD raise MappingError with stable codes, on read and on write."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from adapter.domain import documents as d
from adapter.errors import MappingError
from adapter.mappers import read_document, write_document

from .conftest import set_text
from .samples import (
    acceptance_act,
    acknowledgement,
    act_countersignature,
    consumer_registry,
    payment_notice,
    supplier_invoice,
)

# (golden file, element path, new text, expected code): each edit keeps the XML schema-valid.
READ_CASES = [
    ("SupplierInvoice", "ex:vatAmount", "10734.00", "MAPPING_VAT_MISMATCH"),
    ("SupplierInvoice", "ex:totalAmountWithoutVat", "53671.80", "MAPPING_TOTALS_MISMATCH"),
    ("SupplierInvoice", "ex:totalAmountWithVat", "64406.16", "MAPPING_TOTALS_MISMATCH"),
    ("SupplierInvoice", "ex:Line[2]/ex:amount", "11149.20", "MAPPING_LINE_AMOUNT_MISMATCH"),
    ("SupplierInvoice", "ex:payeeIban", "UA213223130000026007233566002", "MAPPING_IBAN_INVALID"),
    ("SupplierInvoice", "ex:Period/ex:end", "2025-01-31", "MAPPING_PERIOD_INVALID"),
    ("SupplierInvoice", "ex:Consumer/ex:edrpou", "12345679", "MAPPING_EDRPOU_INVALID"),
    ("DistributionInvoice", "ex:vatAmount", "3703.16", "MAPPING_VAT_MISMATCH"),
    ("ReactiveEnergyInvoice", "ex:Line/ex:amount", "968.61", "MAPPING_LINE_AMOUNT_MISMATCH"),
    ("AcceptanceAct", "ex:totalAmountWithoutVat", "1.00", "MAPPING_TOTALS_MISMATCH"),
    ("AcceptanceAct", "ex:Line/ex:meteringPointEic", "62X0000000000012", "MAPPING_EIC_INVALID"),
    ("DistributionAct", "ex:Line/ex:volume", "12501", "MAPPING_LINE_AMOUNT_MISMATCH"),
    ("MeterReadingsDocument", "ex:MeteringPoint/ex:eic", "62Z000000000001C", "MAPPING_EIC_INVALID"),
    ("MeterReadingsDocument", "ex:consumerEdrpou", "12345670", "MAPPING_EDRPOU_INVALID"),
    (
        "MeterReadingsDocument",
        "ex:sender_MarketParticipant.mRID",
        "62X0000000000013",
        "MAPPING_EIC_INVALID",
    ),
    ("ConsumerRegistry", "ex:Consumer/ex:supplierEic", "62X0000000000021", "MAPPING_EIC_INVALID"),
    (
        "ConsumerRegistry",
        "ex:Consumer/ex:MeteringPoint[2]/ex:eic",
        "62Y000000000002N",
        "MAPPING_EIC_INVALID",
    ),
    (
        "ActCountersignature",
        "ex:Act/ex:sender_MarketParticipant.mRID",
        "62X000000000002-",
        "MAPPING_EIC_INVALID",
    ),
    (
        "PaymentNotice",
        "ex:Invoice/ex:sender_MarketParticipant.mRID",
        "62X0000000000022",
        "MAPPING_EIC_INVALID",
    ),
]


@pytest.mark.parametrize(("name", "path", "value", "code"), READ_CASES)
def test_read_document_raises_stable_code(golden_root, name, path, value, code) -> None:
    root = golden_root(name)
    set_text(root, path, value)
    with pytest.raises(MappingError) as caught:
        read_document(root)
    assert caught.value.code == code
    assert caught.value.message  # a human (Ukrainian) message comes with every code


def test_registry_duplicate_register_is_refused(golden_root) -> None:
    root = golden_root("ConsumerRegistry")
    set_text(root, "ex:Consumer/ex:MeteringPoint[2]/ex:Meter/ex:register[2]", "A+")
    with pytest.raises(MappingError) as caught:
        read_document(root)
    assert caught.value.code == "MAPPING_DUPLICATE_REGISTER"


def test_disputed_act_needs_a_comment() -> None:
    with pytest.raises(MappingError) as caught:
        write_document(dataclasses.replace(act_countersignature(), comment=None))
    assert caught.value.code == "MAPPING_COMMENT_REQUIRED"
    accepted = dataclasses.replace(
        act_countersignature(), decision=d.ActDecision.ACCEPTED, comment=None
    )
    assert b"<decision>accepted</decision>" in write_document(accepted)


def test_countersignature_must_point_at_an_act() -> None:
    sample = act_countersignature()
    ref = dataclasses.replace(sample.act, kind=d.DocumentKind.SUPPLIER_INVOICE)
    with pytest.raises(MappingError) as caught:
        write_document(dataclasses.replace(sample, act=ref))
    assert caught.value.code == "MAPPING_REFERENCE_KIND"


def test_payment_must_point_at_an_invoice() -> None:
    sample = payment_notice()
    ref = dataclasses.replace(sample.invoice, kind=d.DocumentKind.ACCEPTANCE_ACT)
    with pytest.raises(MappingError) as caught:
        write_document(dataclasses.replace(sample, invoice=ref))
    assert caught.value.code == "MAPPING_REFERENCE_KIND"


def test_rejection_needs_an_error_code() -> None:
    with pytest.raises(MappingError) as caught:
        write_document(dataclasses.replace(acknowledgement(), error_code=None))
    assert caught.value.code == "MAPPING_ERROR_CODE_REQUIRED"


def test_writer_refuses_an_invoice_whose_totals_do_not_add_up() -> None:
    sample = supplier_invoice()
    totals = dataclasses.replace(sample.totals, vat=Decimal("10734.35"), gross=Decimal("64406.14"))
    with pytest.raises(MappingError) as caught:
        write_document(dataclasses.replace(sample, totals=totals))
    assert caught.value.code == "MAPPING_VAT_MISMATCH"


def test_writer_refuses_a_registry_with_an_invalid_edrpou() -> None:
    sample = consumer_registry()
    consumer = dataclasses.replace(sample.consumers[0], edrpou="00000001")
    with pytest.raises(MappingError) as caught:
        write_document(dataclasses.replace(sample, consumers=(consumer,)))
    assert caught.value.code == "MAPPING_EDRPOU_INVALID"


def test_act_lines_total_is_checked_on_write() -> None:
    sample = acceptance_act()
    with pytest.raises(MappingError) as caught:
        write_document(dataclasses.replace(sample, lines=sample.lines[:1]))
    assert caught.value.code == "MAPPING_TOTALS_MISMATCH"
