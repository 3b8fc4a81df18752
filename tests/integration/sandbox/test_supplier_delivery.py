"""Delivering signed readings to the sandbox supplier over loopback, faults included.

The ledger is read from outside (its own SQLite file), the way an operator or a load test would
count effects.
"""

from __future__ import annotations

import pytest

from adapter.errors import PermanentRemoteError, TransientRemoteError
from adapter.sandbox import FaultConfig
from adapter.soap.transports import SupplierTransport
from tests.integration.sandbox.conftest import outbound, readings_document
from tests.support.exchange import DSO_EIC


def _counts(sandbox, mrid: str) -> tuple[int, int]:  # noqa: ANN001 - the conftest's Sandbox
    entry = sandbox.ledger.entry(DSO_EIC, mrid, 1)
    assert entry is not None, f"{mrid} is not in the ledger"
    return entry.arrivals, entry.effects


def test_first_delivery_is_accepted_and_acted_on_once(start_peer):
    with start_peer("supplier") as sandbox:
        transport = SupplierTransport(sandbox.supplier_client())
        message = outbound(sandbox.sign(readings_document("RD-100")))

        receipt = transport.deliver(message)

        assert receipt.ack_code == "A01"
        assert _counts(sandbox, "RD-100") == (1, 1)
        assert sandbox.ledger.entry(DSO_EIC, "RD-100", 1).idempotency_key == (
            message.idempotency_key
        )


def test_a_repeat_is_already_received_and_has_no_second_effect(start_peer):
    with start_peer("supplier") as sandbox:
        transport = SupplierTransport(sandbox.supplier_client())
        message = outbound(sandbox.sign(readings_document("RD-101")))

        first, second = transport.deliver(message), transport.deliver(message)

        assert (first.ack_code, second.ack_code) == ("A01", "A51")
        assert _counts(sandbox, "RD-101") == (2, 1)
        assert len(sandbox.supplier_client().fetch_documents(None, 50).documents) == 2


def test_timeout_after_commit_leaves_the_effect_and_a_retry_gets_a51(start_peer):
    faults = FaultConfig(timeout_after_commit_rate=1.0, hang_seconds=1.2)
    with start_peer("supplier", faults=faults) as sandbox:
        transport = SupplierTransport(sandbox.supplier_client(timeout=0.4))
        message = outbound(sandbox.sign(readings_document("RD-102")))

        with pytest.raises(TransientRemoteError) as caught:
            transport.deliver(message)
        assert caught.value.code == "REMOTE_TIMEOUT"
        assert _counts(sandbox, "RD-102") == (1, 1)

        retry = transport.deliver(message)  # only a new effect hangs; a repeat answers at once

        assert retry.ack_code == "A51"
        assert _counts(sandbox, "RD-102") == (2, 1)


def test_a_reset_connection_is_transient_and_nothing_is_recorded(start_peer):
    with start_peer("supplier", faults=FaultConfig(reset_rate=1.0)) as sandbox:
        transport = SupplierTransport(sandbox.supplier_client())

        with pytest.raises(TransientRemoteError) as caught:
            transport.deliver(outbound(sandbox.sign(readings_document("RD-103"))))

        assert caught.value.code == "REMOTE_CONNECTION"
        assert caught.value.__cause__ is not None
        assert sandbox.ledger.entries() == []


def test_an_injected_server_fault_is_transient_and_has_no_effect(start_peer):
    with start_peer("supplier", faults=FaultConfig(error_rate=1.0)) as sandbox:
        transport = SupplierTransport(sandbox.supplier_client())

        with pytest.raises(TransientRemoteError) as caught:
            transport.deliver(outbound(sandbox.sign(readings_document("RD-104"))))

        assert caught.value.code == "REMOTE_SERVER_FAULT"
        assert caught.value.fields["fault_code"] == "SANDBOX_INJECTED_FAULT"
        assert sandbox.ledger.entries() == []


def test_consumer_signed_readings_relayed_by_the_dso_have_their_effect(start_peer):
    with start_peer("supplier") as sandbox:
        transport = SupplierTransport(sandbox.supplier_client())
        # The consumer's own signed original is the legal record: the DSO relays it verbatim.
        signed = sandbox.sign(readings_document("RD-104"), party="consumer")

        assert transport.deliver(outbound(signed)).ack_code == "A01"
        assert _counts(sandbox, "RD-104") == (1, 1)


def test_readings_signed_by_someone_who_is_not_that_consumer_are_rejected_a02(start_peer):
    with start_peer("supplier") as sandbox:
        transport = SupplierTransport(sandbox.supplier_client())
        # Billing's certificate chains to the same CA as consumers' but names no EDRPOU.
        forged = sandbox.sign(readings_document("RD-105"), party="billing")

        with pytest.raises(PermanentRemoteError) as caught:
            transport.deliver(outbound(forged))

        assert caught.value.code == "DOC_EDRPOU_MISMATCH"
        assert caught.value.fields["acknowledgement"]
        assert sandbox.ledger.entries() == []
        assert sandbox.ledger.rejection_codes() == ["DOC_EDRPOU_MISMATCH"]


def test_same_identity_with_other_content_is_a_conflict_without_effect(start_peer):
    with start_peer("supplier") as sandbox:
        transport = SupplierTransport(sandbox.supplier_client())
        transport.deliver(outbound(sandbox.sign(readings_document("RD-106", value=1500))))

        with pytest.raises(PermanentRemoteError) as caught:
            transport.deliver(outbound(sandbox.sign(readings_document("RD-106", value=1600))))

        assert caught.value.code == "DOC_CONFLICT"
        assert _counts(sandbox, "RD-106") == (2, 1)


def test_an_acknowledgement_from_the_wrong_signer_is_refused_but_the_effect_stands(start_peer):
    with start_peer("supplier") as sandbox:
        client = sandbox.supplier_client(pinned="billing")  # the wrong certificate pinned
        signed = sandbox.sign(readings_document("RD-107"))

        with pytest.raises(PermanentRemoteError) as caught:
            client.submit_meter_readings(signed, idempotency_key="k")

        assert caught.value.code == "REMOTE_BAD_SIGNATURE"
        assert _counts(sandbox, "RD-107") == (1, 1)


def test_seeded_faults_with_retries_never_double_an_effect(start_peer):
    faults = FaultConfig(error_rate=0.3, reset_rate=0.2, seed=7)
    with start_peer("supplier", faults=faults) as sandbox:
        transport = SupplierTransport(sandbox.supplier_client())
        messages = [outbound(sandbox.sign(readings_document(f"RD-2{n:02d}"))) for n in range(8)]
        failures = 0
        for message in messages:
            for _ in range(30):
                try:
                    transport.deliver(message)
                    break
                except TransientRemoteError:
                    failures += 1

        summary = sandbox.ledger.summary()
        assert failures > 0  # the faults did happen
        assert summary.messages == 8
        assert summary.double_effects == 0
        assert all(entry.effects == 1 for entry in sandbox.ledger.entries())
