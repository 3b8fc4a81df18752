"""The sandbox supplier as a SOAP server: WSDL, WS-Security, documents by cursor, bad requests."""

from __future__ import annotations

import requests
from cryptography import x509
from lxml import etree

from adapter.domain.documents import AcceptanceAct, SupplierInvoice
from adapter.mappers import read_document
from adapter.signing import verify
from adapter.soap.wsse import WsseSigner
from tests.integration.sandbox.conftest import readings_document

_SOAP_ADDRESS = "{http://schemas.xmlsoap.org/wsdl/soap/}address"


def _cert(path) -> x509.Certificate:  # noqa: ANN001
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_wsdl_is_served_with_the_address_the_client_reached(start_peer):
    with start_peer("supplier") as sandbox:
        response = requests.get(f"{sandbox.url}/soap/supplier?wsdl", timeout=5)

    [address] = etree.fromstring(response.content).iter(_SOAP_ADDRESS)
    assert address.get("location") == f"{sandbox.url}/soap/supplier"


def test_ws_security_round_trip_signs_both_ways(start_peer):
    with start_peer("supplier") as sandbox:
        dso = sandbox.pki.party("dso")
        wsse = WsseSigner.from_pem(dso.key.read_bytes(), dso.cert.read_bytes(),
                                   peer_certs=[_cert(sandbox.pki.supplier_cert)])
        client = sandbox.supplier_client(wsse=wsse)

        ack = client.submit_meter_readings(sandbox.sign(readings_document("RD-500")),
                                           idempotency_key="wsse-1")

        assert ack.code == "A01"


def test_issued_documents_are_signed_priced_and_paged_by_cursor(start_peer):
    with start_peer("supplier") as sandbox:
        client = sandbox.supplier_client()
        for n in range(2):
            client.submit_meter_readings(sandbox.sign(readings_document(f"RD-51{n}")),
                                         idempotency_key=f"k{n}")
        first = client.fetch_documents(None, 3)
        second = client.fetch_documents(first.next_cursor, 3)
        empty = client.fetch_documents(second.next_cursor, 3)

    assert (len(first.documents), first.has_more) == (3, True)
    assert (len(second.documents), second.has_more) == (1, False)
    assert (empty.documents, empty.next_cursor) == ([], second.next_cursor)
    documents = [read_document(verify(raw, policy=sandbox.policy("supplier")).signed_root)
                 for raw in first.documents + second.documents]
    invoices = [doc for doc in documents if isinstance(doc, SupplierInvoice)]
    acts = [doc for doc in documents if isinstance(doc, AcceptanceAct)]
    assert len(invoices) == len(acts) == 2
    # 1500 - 1000 = 500 kWh at 5.185680 UAH/kWh = 2592.84 net, VAT 518.57, 3111.41 gross
    assert {(i.totals.net, i.totals.vat, i.totals.gross) for i in invoices} == {
        (i.lines[0].amount, i.totals.vat, i.totals.gross) for i in invoices}
    assert str(invoices[0].totals.gross) == "3111.41"
    assert {a.invoice_mrid for a in acts} == {i.header.mrid for i in invoices}


def test_a_request_that_is_not_soap_gets_a_client_fault(start_peer):
    with start_peer("supplier") as sandbox:
        response = requests.post(f"{sandbox.url}/soap/supplier", data=b"<not-soap/>", timeout=5)

    assert response.status_code == 500
    assert b"soap:Client" in response.content and b"SOAP_MALFORMED" in response.content
