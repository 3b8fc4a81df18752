"""WS-Security at the intake endpoint for a counterparty configured to require it."""

from __future__ import annotations

import pytest
import requests
import zeep
from cryptography import x509
from lxml import etree
from zeep.plugins import HistoryPlugin

from adapter.signing import sign
from adapter.soap.wsse import WsseSigner
from tests.integration.intake.conftest import RunningApp
from tests.support.exchange import supplier_invoice_xml


@pytest.fixture
def app_env() -> dict[str, str]:
    return {"ADAPTER_SUPPLIER_REQUIRE_WSSE": "1"}


def _wsse(app: RunningApp, party: str) -> WsseSigner:
    files = app.pki.party(party)
    dso_cert = x509.load_pem_x509_certificate(app.pki.dso_cert.read_bytes())
    return WsseSigner.from_pem(files.key.read_bytes(), files.cert.read_bytes(),
                               peer_certs=[dso_cert])


def _signed_invoice(app: RunningApp, mrid: str) -> bytes:
    return sign(supplier_invoice_xml(mrid), key=app.key("supplier"))


def test_an_unsigned_message_from_a_party_that_must_sign_is_rejected(running_app: RunningApp):
    result = running_app.zeep_client().service.SubmitDocument(
        document=_signed_invoice(running_app, "W-1"))

    assert (result.reasonCode, result.errorCode) == ("A02", "WSSE_REQUIRED")


def test_a_signed_message_is_accepted_and_the_answer_is_signed_by_the_dso(
    running_app: RunningApp,
):
    client = running_app.zeep_client(wsse=_wsse(running_app, "supplier"))

    # zeep passes the response through WsseSigner.verify: an unsigned or forged answer raises.
    result = client.service.SubmitDocument(document=_signed_invoice(running_app, "W-2"))

    assert result.reasonCode == "A01"


def test_the_message_and_the_document_must_come_from_the_same_party(running_app: RunningApp):
    client = running_app.zeep_client(wsse=_wsse(running_app, "billing"))

    result = client.service.SubmitDocument(document=_signed_invoice(running_app, "W-3"))

    assert (result.reasonCode, result.errorCode) == ("A02", "WSSE_PARTY_MISMATCH")


def test_a_message_signed_with_an_unpinned_key_is_a_fault(running_app: RunningApp):
    client = running_app.zeep_client(wsse=_wsse(running_app, "dso"))

    with pytest.raises(zeep.exceptions.Fault) as fault:
        client.service.SubmitDocument(document=_signed_invoice(running_app, "W-4"))

    assert fault.value.message.startswith("WSSE_UNTRUSTED")


def test_a_replayed_message_is_refused_even_though_the_document_is_fine(
    running_app: RunningApp,
):
    history = HistoryPlugin()
    client = running_app.zeep_client(wsse=_wsse(running_app, "supplier"), plugins=[history])
    assert client.service.SubmitDocument(
        document=_signed_invoice(running_app, "W-5")).reasonCode == "A01"
    sent = etree.tostring(history.last_sent["envelope"])

    replay = requests.post(f"{running_app.url}/soap/intake", data=sent, timeout=10,
                           headers={"Content-Type": "text/xml; charset=utf-8"})

    assert replay.status_code == 500
    assert b"WSSE_REPLAY" in replay.content
    with running_app.container.uow() as uow:
        assert uow.documents.count() == 1
