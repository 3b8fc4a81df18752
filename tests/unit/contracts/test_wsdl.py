"""Every WSDL loads in zeep offline (DTDs and entities forbidden) and has its operations."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import zeep
from lxml import etree
from zeep.exceptions import DTDForbidden

from adapter.errors import ConfigurationError
from adapter.xml_schemas import WSDL_SYSTEMS, wsdl_bytes, wsdl_path

SAFE = zeep.Settings(forbid_dtd=True, forbid_entities=True)
OPERATIONS = {
    "intake": {"SubmitDocument"},
    "supplier": {"SubmitMeterReadings", "SubmitActCountersignature", "FetchDocuments"},
    "billing": {"GetRegistry", "SubmitMeterReadings", "SubmitPaymentNotice", "FetchDocuments"},
}
ACK_FIELDS = ["acknowledgement", "reasonCode", "errorCode", "reasonText"]


def _client(system: str) -> zeep.Client:
    # The autouse network guard turns any attempt to fetch a remote schema into an error.
    return zeep.Client(wsdl=str(wsdl_path(system)), settings=SAFE)


def _operations(client: zeep.Client) -> dict[str, object]:
    (service,) = client.wsdl.services.values()
    (port,) = service.ports.values()
    return port.binding._operations


@pytest.mark.parametrize("system", WSDL_SYSTEMS)
def test_wsdl_loads_offline_with_named_operations(system: str) -> None:
    assert set(_operations(_client(system))) == OPERATIONS[system]


@pytest.mark.parametrize("system", WSDL_SYSTEMS)
def test_address_is_a_local_placeholder(system: str) -> None:
    (service,) = _client(system).wsdl.services.values()
    (port,) = service.ports.values()
    assert port.binding_options["address"] == f"http://localhost/soap/{system}"


@pytest.mark.parametrize("system", WSDL_SYSTEMS)
def test_wsdl_bytes_are_the_file(system: str) -> None:
    assert wsdl_bytes(system) == Path(wsdl_path(system)).read_bytes()
    assert b"<!DOCTYPE" not in wsdl_bytes(system)


def test_unknown_system_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        wsdl_path("crm")


def test_zeep_settings_really_refuse_a_dtd(tmp_path: Path) -> None:
    tainted = wsdl_bytes("intake").replace(
        b"<wsdl:definitions", b'<!DOCTYPE x [<!ENTITY e "boom">]>\n<wsdl:definitions', 1
    )
    path = tmp_path / "intake.wsdl"
    path.write_bytes(tainted)
    with pytest.raises(DTDForbidden):
        zeep.Client(wsdl=str(path), settings=SAFE)


def test_submit_document_carries_the_bytes_unchanged() -> None:
    client = _client("intake")
    signed = '<SupplierInvoice Id="x">Ї&amp;</SupplierInvoice>\n'.encode()
    envelope = client.create_message(client.service, "SubmitDocument", document=signed)
    node = envelope.find(
        ".//{urn:roe:exchange:intake:1}SubmitDocument/{urn:roe:exchange:intake:1}document"
    )
    assert base64.b64decode(node.text) == signed


@pytest.mark.parametrize(
    ("system", "operation"),
    [
        ("intake", "SubmitDocument"),
        ("supplier", "SubmitMeterReadings"),
        ("supplier", "SubmitActCountersignature"),
        ("billing", "SubmitMeterReadings"),
        ("billing", "SubmitPaymentNotice"),
    ],
)
def test_submit_operations_answer_with_an_acknowledgement(system: str, operation: str) -> None:
    output = _operations(_client(system))[operation].output
    assert [name for name, _ in output.body.type.elements] == ACK_FIELDS


@pytest.mark.parametrize("system", ["supplier", "billing"])
def test_fetch_documents_pages_by_cursor(system: str) -> None:
    operation = _operations(_client(system))["FetchDocuments"]
    assert [n for n, _ in operation.input.body.type.elements] == ["cursor", "limit"]
    assert [n for n, _ in operation.output.body.type.elements] == [
        "document",
        "nextCursor",
        "hasMore",
    ]


def test_response_parses_into_fields() -> None:
    client = _client("billing")
    ns = "urn:roe:exchange:billing:1"
    body = etree.Element(f"{{{ns}}}GetRegistryResponse")
    etree.SubElement(body, f"{{{ns}}}registry").text = base64.b64encode(
        b"<ConsumerRegistry/>"
    ).decode()
    etree.SubElement(body, f"{{{ns}}}nextCursor").text = "c-2"
    etree.SubElement(body, f"{{{ns}}}hasMore").text = "true"
    operation = _operations(client)["GetRegistry"]
    result = operation.output.body.parse(body, client.wsdl.types)
    assert (result.registry, result.nextCursor, result.hasMore) == (
        b"<ConsumerRegistry/>",
        "c-2",
        True,
    )
