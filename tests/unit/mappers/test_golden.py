"""Golden files: write_document of a known object equals the golden bytes, and reads back."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapter.domain.documents import DocumentKind
from adapter.mappers import read_document, read_header, write_document
from adapter.safexml import parse_xml
from adapter.xml_schemas import validate

from .conftest import GOLDEN, golden_bytes
from .samples import SAMPLES

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples" / "unsigned"
KINDS = list(DocumentKind)


def test_every_kind_has_a_sample_and_a_golden_file() -> None:
    assert set(SAMPLES) == set(DocumentKind)
    assert {p.stem for p in GOLDEN.glob("*.xml")} == {k.value for k in DocumentKind}


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_write_document_equals_golden_bytes(kind: DocumentKind) -> None:
    assert write_document(SAMPLES[kind]()) == golden_bytes(kind.value)


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_golden_validates_against_its_xsd(kind: DocumentKind) -> None:
    assert validate(parse_xml(golden_bytes(kind.value))) is kind


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_read_document_round_trips_golden(kind: DocumentKind) -> None:
    document = read_document(parse_xml(golden_bytes(kind.value)))
    assert document == SAMPLES[kind]()
    assert type(document).KIND is kind
    assert write_document(document) == golden_bytes(kind.value)


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_unsigned_example_is_the_golden_document(kind: DocumentKind) -> None:
    assert (EXAMPLES / f"{kind.value}.xml").read_bytes() == golden_bytes(kind.value)


def test_read_header_gives_identity() -> None:
    header = read_header(parse_xml(golden_bytes("SupplierInvoice")))
    assert header.identity == ("62X0000000000020", "INV-ROEK-2025-02-0001", 1)
    assert header.kind is DocumentKind.SUPPLIER_INVOICE
    assert header.created_at.isoformat() == "2025-03-01T08:15:00+00:00"


def test_root_id_defaults_to_mrid_and_can_be_set() -> None:
    sample = SAMPLES[DocumentKind.PAYMENT_NOTICE]()
    assert parse_xml(write_document(sample)).get("Id") == "doc-PAY-2025-03-000001"
    assert parse_xml(write_document(sample, element_id="payment-7")).get("Id") == "payment-7"


def test_output_is_utf8_with_declaration_and_no_signature() -> None:
    data = write_document(SAMPLES[DocumentKind.SUPPLIER_INVOICE]())
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    assert "Активна електрична енергія".encode() in data
    assert b"Signature" not in data
