"""Mapping details: NCName ids, comments inside text, writer refusals, kind/type consistency."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

import pytest

from adapter.domain.documents import DocumentKind
from adapter.errors import MappingError, SchemaError
from adapter.mappers import element_id_for, read_document, write_document
from adapter.safexml import parse_xml

from .conftest import golden_bytes, set_text
from .samples import SAMPLES, payment_notice, supplier_invoice


def test_element_id_is_an_ncname_even_for_urn_mrids() -> None:
    assert element_id_for("urn:uuid:0b7e-11") == "doc-urn_uuid_0b7e-11"
    sample = payment_notice()
    mrid = "urn:uuid:7d0f1a52-4f64-4f7e-9d7a-2c1f5c4f0a11"
    document = dataclasses.replace(sample, header=dataclasses.replace(sample.header, mrid=mrid))
    root = parse_xml(write_document(document))
    assert root.get("Id") == "doc-urn_uuid_7d0f1a52-4f64-4f7e-9d7a-2c1f5c4f0a11"
    assert read_document(root).header.mrid == mrid


def test_comment_inside_signed_text_reads_as_the_whole_value() -> None:
    # Exclusive c14n keeps signed text split by a comment; a naive .text would read "64406".
    data = golden_bytes("PaymentNotice").replace(b">64406.15<", b">64406<!---->.15<")
    assert read_document(parse_xml(data)).amount == Decimal("64406.15")


def test_writer_refuses_naive_datetime() -> None:
    sample = payment_notice()
    naive = dataclasses.replace(sample, paid_at=datetime(2025, 3, 5, 10, 42, 7))
    with pytest.raises(MappingError) as caught:
        write_document(naive)
    assert caught.value.code == "MAPPING_NAIVE_DATETIME"


def test_writer_refuses_sub_kopeck_amounts() -> None:
    sample = payment_notice()
    with pytest.raises(MappingError) as caught:
        write_document(dataclasses.replace(sample, amount=Decimal("10.005")))
    assert caught.value.code == "MAPPING_AMOUNT_PRECISION"


def test_writer_refuses_header_of_another_kind() -> None:
    sample = supplier_invoice()
    wrong = dataclasses.replace(sample.header, kind=DocumentKind.DISTRIBUTION_INVOICE)
    with pytest.raises(MappingError) as caught:
        write_document(dataclasses.replace(sample, header=wrong))
    assert caught.value.code == "MAPPING_TYPE_MISMATCH"


def test_writer_output_is_schema_checked() -> None:
    sample = payment_notice()
    bad = dataclasses.replace(sample, contract_number="280000001")
    with pytest.raises(SchemaError) as caught:
        write_document(bad)
    assert caught.value.code == "SCHEMA_INVALID"


def test_type_code_must_match_root(golden_root) -> None:
    root = golden_root("SupplierInvoice")
    set_text(root, "ex:type", DocumentKind.DISTRIBUTION_INVOICE.type_code)
    with pytest.raises(MappingError) as caught:
        read_document(root)
    assert caught.value.code == "MAPPING_TYPE_MISMATCH"


def test_read_document_validates_schema_first(golden_root) -> None:
    root = golden_root("MeterReadingsDocument")
    set_text(root, "ex:MeteringPoint/ex:Reading/ex:value", "12.5")
    with pytest.raises(SchemaError) as caught:
        read_document(root)
    assert caught.value.code == "SCHEMA_INVALID"


def test_duplicate_reading_for_register_and_zone_is_schema_invalid(golden_root) -> None:
    root = golden_root("MeterReadingsDocument")
    set_text(root, "ex:MeteringPoint/ex:Reading[2]/ex:zone", "1")
    with pytest.raises(SchemaError) as caught:
        read_document(root)
    assert caught.value.code == "SCHEMA_INVALID"


@pytest.mark.parametrize("kind", list(DocumentKind), ids=str)
def test_samples_survive_write_then_read(kind: DocumentKind) -> None:
    document = SAMPLES[kind]()
    assert read_document(parse_xml(write_document(document))) == document


def test_a_document_nested_in_another_tree_is_read_on_its_own() -> None:
    # Signed content may be an element inside a larger tree (e.g. a SOAP body); only it counts.
    body = golden_bytes("PaymentNotice").split(b"\n", 1)[1]
    wrapper = parse_xml(b"<wrap>" + body + b"</wrap>")
    assert read_document(wrapper[0]) == payment_notice()
