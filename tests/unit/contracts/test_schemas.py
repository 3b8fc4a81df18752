"""The XSD contracts: loading, caching, kind dispatch and the constraints integrators rely on."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from lxml import etree

from adapter.domain.documents import DocumentKind
from adapter.errors import SchemaError
from adapter.safexml import parse_xml
from adapter.xml_schemas import schema_for, validate

GOLDEN = Path(__file__).resolve().parents[1] / "mappers" / "golden"
NS = {"ex": "urn:roe:exchange:1"}
DSIG = "http://www.w3.org/2000/09/xmldsig#"


def _golden(name: str = "SupplierInvoice") -> etree._Element:
    return parse_xml((GOLDEN / f"{name}.xml").read_bytes())


def _code(root: etree._Element) -> str:
    with pytest.raises(SchemaError) as caught:
        validate(root)
    return caught.value.code


def test_every_kind_has_a_cached_schema() -> None:
    for kind in DocumentKind:
        assert schema_for(kind) is schema_for(kind)


def test_no_contract_file_declares_a_dtd_or_entity() -> None:
    root = files("adapter.xml_schemas")
    contract_files = [p for p in Path(str(root)).rglob("*") if p.suffix in {".xsd", ".wsdl"}]
    assert len(contract_files) >= 16
    for path in contract_files:
        text = path.read_bytes()
        assert b"<!DOCTYPE" not in text and b"<!ENTITY" not in text, path


def test_unknown_root_is_an_unknown_kind() -> None:
    assert (
        _code(etree.fromstring(b'<Invoice xmlns="urn:roe:exchange:1" Id="a"/>'))
        == "SCHEMA_UNKNOWN_KIND"
    )
    assert _code(etree.fromstring(b'<SupplierInvoice Id="a"/>')) == "SCHEMA_UNKNOWN_KIND"


def test_invalid_document_reports_first_error_line() -> None:
    root = _golden()
    del root.attrib["Id"]
    with pytest.raises(SchemaError) as caught:
        validate(root)
    assert caught.value.code == "SCHEMA_INVALID"
    assert "рядок" in caught.value.message and "Id" in caught.value.message


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("ex:sender_MarketParticipant.mRID", "62x0000000000020"),  # EIC pattern is upper case
        ("ex:createdDateTime", "2025-03-01T10:15:00+02:00"),  # UTC only
        ("ex:createdDateTime", "2025-03-01T08:15:00.5Z"),  # whole seconds
        ("ex:vatAmount", "10734.365"),  # two fraction digits at most
        ("ex:Consumer/ex:contractNumber", "280000001"),
        ("ex:Consumer/ex:edrpou", "1234567"),
        ("ex:revisionNumber", "0"),
        ("ex:payeeIban", "DE89370400440532013000"),
    ],
)
def test_constraints_reject_bad_values(path: str, value: str) -> None:
    root = _golden()
    root.find(path, NS).text = value
    assert _code(root) == "SCHEMA_INVALID"


def test_coding_scheme_is_fixed_to_a01() -> None:
    root = _golden()
    root.find("ex:receiver_MarketParticipant.mRID", NS).set("codingScheme", "A10")
    assert _code(root) == "SCHEMA_INVALID"


def test_an_xmldsig_signature_may_trail_the_root() -> None:
    root = _golden()
    signature = etree.SubElement(root, f"{{{DSIG}}}Signature")
    etree.SubElement(signature, f"{{{DSIG}}}Anything")  # content is not checked here (skip)
    assert validate(root) is DocumentKind.SUPPLIER_INVOICE
    etree.SubElement(root, f"{{{DSIG}}}Signature")
    assert _code(root) == "SCHEMA_INVALID"  # only one


def test_a_signature_elsewhere_or_foreign_element_is_rejected() -> None:
    root = _golden()
    root.insert(0, etree.Element(f"{{{DSIG}}}Signature"))
    assert _code(root) == "SCHEMA_INVALID"
    root = _golden()
    etree.SubElement(root, "{urn:evil}Extra")
    assert _code(root) == "SCHEMA_INVALID"


@pytest.mark.parametrize("kind", list(DocumentKind), ids=str)
def test_schema_rejects_a_root_without_header(kind: DocumentKind) -> None:
    root = etree.Element(f"{{urn:roe:exchange:1}}{kind.value}", Id="doc-1")
    assert _code(root) == "SCHEMA_INVALID"


def test_concurrent_validation_keeps_each_documents_own_error() -> None:
    from concurrent.futures import ThreadPoolExecutor

    def check(index: int) -> str:
        root = _golden()
        if index % 2:
            root.find("ex:payeeIban", NS).text = "DE00"
            with pytest.raises(SchemaError) as caught:
                validate(root)
            return "payeeIban" if "payeeIban" in caught.value.message else caught.value.message
        return validate(root).value

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(check, range(40)))
    assert results == ["SupplierInvoice", "payeeIban"] * 20
