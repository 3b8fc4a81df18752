"""The sandbox supplier pushes what it issues into our real intake endpoint."""

from __future__ import annotations

from adapter.sandbox import FaultConfig
from adapter.services.documents import list_inbound
from adapter.soap.transports import SupplierTransport
from tests.integration.intake.conftest import (  # noqa: F401 - fixtures
    RunningApp,
    app_env,
    database_url,
    running_app,
)
from tests.integration.sandbox.conftest import outbound, readings_document


def _issued(sandbox):  # noqa: ANN001, ANN202
    return sandbox.ledger.issued_after(0, 50)


def test_issued_invoice_and_act_are_pushed_and_accepted(start_peer, running_app: RunningApp):  # noqa: F811
    intake = f"{running_app.url}/soap/intake"
    with start_peer("supplier", push=True, intake_url=intake) as sandbox:
        receipt = SupplierTransport(sandbox.supplier_client()).deliver(
            outbound(sandbox.sign(readings_document("RD-400"))))
        issued = _issued(sandbox)

    assert receipt.ack_code == "A01"
    assert [(doc.kind, doc.pushes, doc.push_result) for doc in issued] == [
        ("SupplierInvoice", 1, "A01"), ("AcceptanceAct", 1, "A01")]
    rows = list_inbound(running_app.container.uow)
    inbound = sorted((row.kind, row.mrid, row.party) for row in rows)
    assert inbound == sorted((doc.kind, doc.mrid, "supplier") for doc in issued)


def test_a_duplicate_push_is_already_received_and_stored_once(start_peer, running_app: RunningApp):  # noqa: F811
    intake = f"{running_app.url}/soap/intake"
    faults = FaultConfig(duplicate_push_rate=1.0)
    with start_peer("supplier", push=True, intake_url=intake, faults=faults) as sandbox:
        SupplierTransport(sandbox.supplier_client()).deliver(
            outbound(sandbox.sign(readings_document("RD-401"))))
        issued = _issued(sandbox)

    assert [(doc.pushes, doc.push_result) for doc in issued] == [(2, "A51"), (2, "A51")]
    assert len(list_inbound(running_app.container.uow)) == 2
