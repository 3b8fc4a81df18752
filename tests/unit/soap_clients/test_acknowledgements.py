"""What the clients make of the peer's signed acknowledgement: A01, A51, A02, bad signatures."""

from __future__ import annotations

import pytest

from adapter.delivery.transport import OutboundMessage
from adapter.errors import PermanentRemoteError
from adapter.soap.transports import SupplierTransport
from tests.unit.soap_clients.conftest import SUPPLIER_URL, ack_for, ack_response


def _answer(mocked, body: bytes, status: int = 200) -> None:  # noqa: ANN001
    mocked.post(SUPPLIER_URL, body=body, status=status, content_type="text/xml")


@pytest.mark.parametrize("reason", ["A01", "A51"])
def test_accepted_and_already_received_are_delivered(mocked, supplier, document, sandbox_pki,
                                                     reason):
    ack = ack_for(sandbox_pki, document, reason)
    _answer(mocked, ack_response(ack, reason))

    result = supplier.submit_meter_readings(document, idempotency_key="k-1")

    assert (result.code, result.raw) == (reason, ack)
    assert result.document.received_mrid == "DOC-1"


def test_the_transport_returns_a_receipt_with_the_signed_acknowledgement(
    mocked, supplier, document, sandbox_pki
):
    ack = ack_for(sandbox_pki, document, "A01", text="Прийнято.")
    _answer(mocked, ack_response(ack, "A01"))
    message = OutboundMessage(1, "supplier", "MeterReadingsDocument", "62X0000000000012",
                              "DOC-1", 1, document, 0, "62X0000000000012:DOC-1:1")

    receipt = SupplierTransport(supplier).deliver(message)

    assert (receipt.ack_code, receipt.acknowledgement, receipt.detail) == ("A01", ack, "Прийнято.")


def test_rejection_is_permanent_with_the_peer_code_and_reason(
    mocked, supplier, document, sandbox_pki
):
    ack = ack_for(sandbox_pki, document, "A02", error_code="MAPPING_EIC_INVALID",
                  text="Некоректний EIC.")
    _answer(mocked, ack_response(ack, "A02"))

    with pytest.raises(PermanentRemoteError) as caught:
        supplier.submit_meter_readings(document, idempotency_key="k-1")

    assert (caught.value.code, caught.value.message) == ("MAPPING_EIC_INVALID",
                                                         "Некоректний EIC.")
    assert caught.value.fields["acknowledgement"] == ack


def test_the_signed_acknowledgement_wins_over_the_plain_reason_code(
    mocked, supplier, document, sandbox_pki
):
    ack = ack_for(sandbox_pki, document, "A02", error_code="DOC_CONFLICT")
    _answer(mocked, ack_response(ack, "A01"))  # the plain copy lies

    with pytest.raises(PermanentRemoteError) as caught:
        supplier.submit_meter_readings(document, idempotency_key="k-1")

    assert caught.value.code == "DOC_CONFLICT"


def test_an_acknowledgement_signed_by_another_party_is_a_bad_signature(
    mocked, supplier, document, sandbox_pki
):
    _answer(mocked, ack_response(ack_for(sandbox_pki, document, "A01", party="billing"), "A01"))

    with pytest.raises(PermanentRemoteError) as caught:
        supplier.submit_meter_readings(document, idempotency_key="k-1")

    assert caught.value.code == "REMOTE_BAD_SIGNATURE"
    assert caught.value.fields["signature_code"].startswith("SIG_")
    assert caught.value.__cause__ is not None


def test_a_tampered_acknowledgement_is_a_bad_signature(mocked, supplier, document, sandbox_pki):
    ack = ack_for(sandbox_pki, document, "A02", error_code="DOC_CONFLICT")
    tampered = ack.replace(b"<code>A02</code>", b"<code>A01</code>").replace(
        b"<errorCode>DOC_CONFLICT</errorCode>", b"")
    assert tampered != ack
    _answer(mocked, ack_response(tampered, "A01"))

    with pytest.raises(PermanentRemoteError) as caught:
        supplier.submit_meter_readings(document, idempotency_key="k-1")

    assert caught.value.code == "REMOTE_BAD_SIGNATURE"


def test_an_acknowledgement_of_another_document_is_refused(
    mocked, supplier, document, sandbox_pki
):
    _answer(mocked, ack_response(ack_for(sandbox_pki, document, "A01", mrid="OTHER"), "A01"))

    with pytest.raises(PermanentRemoteError) as caught:
        supplier.submit_meter_readings(document, idempotency_key="k-1")

    assert caught.value.code == "REMOTE_ACK_MISMATCH"


def test_the_idempotency_key_travels_as_ws_addressing_message_id(
    mocked, supplier, document, sandbox_pki
):
    _answer(mocked, ack_response(ack_for(sandbox_pki, document, "A01"), "A01"))

    supplier.submit_act_countersignature(document, idempotency_key="62X0000000000012:DOC-1:1")

    body = mocked.calls[0].request.body
    assert b"MessageID" in body and b"urn:roe:idempotency:62X0000000000012:DOC-1:1" in body
    assert b"SubmitActCountersignature" in body
