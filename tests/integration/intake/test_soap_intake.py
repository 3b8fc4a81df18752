"""The intake endpoint end to end: zeep reads our WSDL over HTTP and submits signed documents."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from lxml import etree

from adapter.mappers import read_document
from adapter.services.documents import list_inbound, original_bytes
from adapter.signing import TrustedParty, VerificationPolicy, sign, verify
from tests.integration.intake.conftest import RunningApp
from tests.support.exchange import BILLING_EIC, supplier_invoice_xml


def _submit(app: RunningApp, document: bytes):  # noqa: ANN202 - zeep's dynamic result type
    return app.zeep_client().service.SubmitDocument(document=document)


def _rows(app: RunningApp) -> int:
    with app.container.uow() as uow:
        return uow.documents.count()


def test_accepts_a_signed_invoice_and_stores_the_original_byte_for_byte(running_app: RunningApp):
    signed = sign(supplier_invoice_xml("INV-100"), key=running_app.key("supplier"))

    result = _submit(running_app, signed)

    assert (result.reasonCode, result.errorCode) == ("A01", None)
    [row] = list_inbound(running_app.container.uow)
    assert (row.kind, row.mrid, row.revision, row.party) == ("SupplierInvoice", "INV-100", 1,
                                                              "supplier")
    assert original_bytes(running_app.container.uow, row.id) == signed
    assert row.sha256 == hashlib.sha256(signed).hexdigest()
    with running_app.container.uow() as uow:
        events = [event.event for event in uow.documents.get(row.id).events]
    assert events == ["received", "verified", "stored", "acknowledged"]


def test_the_acknowledgement_is_signed_by_the_dso_and_names_the_document(
    running_app: RunningApp,
):
    signed = sign(supplier_invoice_xml("INV-101"), key=running_app.key("supplier"))

    result = _submit(running_app, signed)

    dso_only = VerificationPolicy(parties=(TrustedParty("dso",
                                                        pinned_certs=(running_app.pki.dso_cert,)),))
    ack = read_document(verify(result.acknowledgement, policy=dso_only).signed_root)
    assert (ack.received_mrid, ack.received_revision, ack.reason.value) == ("INV-101", 1, "A01")
    assert ack.header.receiver_eic == "62X0000000000020"


def test_the_same_document_again_is_already_received_and_stored_once(running_app: RunningApp):
    signed = sign(supplier_invoice_xml("INV-102"), key=running_app.key("supplier"))

    first, second = _submit(running_app, signed), _submit(running_app, signed)

    assert (first.reasonCode, second.reasonCode) == ("A01", "A51")
    assert _rows(running_app) == 1


def test_same_identity_with_other_content_is_rejected_and_the_original_kept(
    running_app: RunningApp,
):
    key = running_app.key("supplier")
    original = sign(supplier_invoice_xml("INV-103"), key=key)
    impostor = sign(supplier_invoice_xml("INV-103", first_quantity=999), key=key)

    assert _submit(running_app, original).reasonCode == "A01"
    result = _submit(running_app, impostor)

    assert (result.reasonCode, result.errorCode) == ("A02", "DOC_CONFLICT")
    [row] = list_inbound(running_app.container.uow)
    assert original_bytes(running_app.container.uow, row.id) == original


def test_a_new_revision_is_a_new_document(running_app: RunningApp):
    key = running_app.key("supplier")
    _submit(running_app, sign(supplier_invoice_xml("INV-104"), key=key))

    result = _submit(running_app, sign(supplier_invoice_xml("INV-104", revision=2), key=key))

    assert result.reasonCode == "A01"
    assert sorted(row.revision for row in list_inbound(running_app.container.uow)) == [1, 2]


def test_concurrent_duplicates_make_exactly_one_row(running_app: RunningApp):
    signed = sign(supplier_invoice_xml("INV-105"), key=running_app.key("supplier"))
    client = running_app.zeep_client()

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(lambda _: client.service.SubmitDocument(document=signed).reasonCode,
                              range(12)))

    assert sorted(codes) == ["A01"] + ["A51"] * 11
    assert _rows(running_app) == 1


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda app: supplier_invoice_xml("INV-200"), "SIG_MISSING"),
        (lambda app: sign(supplier_invoice_xml("INV-201", sender_eic=BILLING_EIC),
                          key=app.key("billing")), "DOC_KIND_NOT_ALLOWED"),
        (lambda app: sign(supplier_invoice_xml("INV-202"), key=app.key("billing")),
         "DOC_SENDER_MISMATCH"),
        (lambda app: sign(supplier_invoice_xml("INV-203", receiver_eic=BILLING_EIC),
                          key=app.key("supplier")), "DOC_WRONG_RECEIVER"),
        (lambda app: sign(supplier_invoice_xml("INV-204"), key=app.key("consumer")),
         "SIG_UNTRUSTED"),
        (lambda app: sign(supplier_invoice_xml("INV-205"), key=app.key("dso")), "SIG_UNTRUSTED"),
    ],
    ids=["unsigned", "wrong-kind", "sender-mismatch", "wrong-receiver", "consumer", "untrusted"],
)
def test_documents_that_break_the_rules_are_rejected_with_a_stable_code_and_not_stored(
    running_app: RunningApp, mutate, code: str
):
    result = _submit(running_app, mutate(running_app))

    assert (result.reasonCode, result.errorCode) == ("A02", code)
    assert result.reasonText
    assert _rows(running_app) == 0
    with running_app.container.uow() as uow:
        assert [r.code for r in uow.rejections.latest()] == [code]


def test_a_tampered_document_is_rejected(running_app: RunningApp):
    signed = sign(supplier_invoice_xml("INV-206"), key=running_app.key("supplier"))
    tampered = signed.replace(b"<quantity>1000</quantity>", b"<quantity>1</quantity>")
    assert tampered != signed

    result = _submit(running_app, tampered)

    assert (result.reasonCode, result.errorCode) == ("A02", "SIG_INVALID")
    assert _rows(running_app) == 0


def test_the_published_wsdl_points_at_the_running_endpoint(running_app: RunningApp):
    import requests

    response = requests.get(f"{running_app.url}/soap/intake?wsdl", timeout=5)

    addresses = etree.fromstring(response.content).findall(
        ".//{http://schemas.xmlsoap.org/wsdl/soap/}address")
    assert [a.get("location") for a in addresses] == [f"{running_app.url}/soap/intake"]
