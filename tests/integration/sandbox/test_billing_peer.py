"""The sandbox billing peer over loopback: registry pages, readings, payment notices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapter.domain.documents import DistributionInvoice, ReactiveEnergyInvoice
from adapter.errors import PermanentRemoteError
from adapter.mappers import read_document
from adapter.sandbox import DEMO_CONSUMERS
from adapter.sandbox.registry_data import UNINTEGRATED_SUPPLIER_EIC, sandbox_registry
from adapter.signing import verify
from adapter.soap.transports import BillingTransport
from tests.integration.sandbox.conftest import outbound, payment_notice, readings_document
from tests.support.exchange import BILLING_EIC, DSO_EIC, METERING_POINTS


def _all_pages(client):  # noqa: ANN001, ANN202
    pages, cursor = [], None
    while True:
        page = client.get_registry(cursor)
        pages.append(page)
        if not page.has_more:
            return pages
        cursor = page.next_cursor


def test_registry_pages_verify_and_cover_every_consumer_once(start_peer):
    with start_peer("billing", registry_page_size=2) as sandbox:
        pages = _all_pages(sandbox.billing_client())

    assert len(pages) == 3
    for page in pages:  # each page verifies on its own, against billing's pinned certificate
        assert verify(page.raw, policy=sandbox.policy("billing")).party == "billing"
        assert page.registry.header.sender_eic == BILLING_EIC
    contracts = [c.contract_number for page in pages for c in page.registry.consumers]
    assert contracts == [c.contract_number for c in DEMO_CONSUMERS]


def test_generated_consumers_follow_the_demo_registry_in_its_pages(start_peer):
    with start_peer("billing", registry_page_size=100, generated_consumers=250) as sandbox:
        pages = _all_pages(sandbox.billing_client())

    consumers = [c for page in pages for c in page.registry.consumers]
    assert len(pages) == 3
    assert [c.contract_number for c in consumers] == [
        c.contract_number for c in sandbox_registry(250)]


def test_registry_describes_the_sandbox_consumer_and_an_unintegrated_supplier(start_peer):
    with start_peer("billing", registry_page_size=10) as sandbox:
        [page] = _all_pages(sandbox.billing_client())

    consumer = next(c for c in page.registry.consumers if c.contract_number == "270000001")
    assert (consumer.edrpou, consumer.supplier_eic) == ("12345678", "62X0000000000020")
    assert tuple(p.eic for p in consumer.metering_points) == METERING_POINTS
    registers = {r.value for p in consumer.metering_points for m in p.meters for r in m.registers}
    assert registers == {"A+", "R+"}
    assert UNINTEGRATED_SUPPLIER_EIC in {c.supplier_eic for c in page.registry.consumers}


def test_readings_become_distribution_and_reactive_documents_once(start_peer):
    with start_peer("billing") as sandbox:
        transport = BillingTransport(sandbox.billing_client())
        message = outbound(sandbox.sign(readings_document("RD-300", receiver=BILLING_EIC,
                                                          reactive=True)), "billing")

        assert [transport.deliver(message).ack_code for _ in range(2)] == ["A01", "A51"]
        fetched = sandbox.billing_client().fetch_documents(None, 10)

    documents = [read_document(verify(raw, policy=sandbox.policy("billing")).signed_root)
                 for raw in fetched.documents]
    kinds = sorted(type(doc).__name__ for doc in documents)
    assert kinds == ["DistributionAct", "DistributionInvoice", "ReactiveEnergyInvoice"]
    distribution = next(d for d in documents if isinstance(d, DistributionInvoice))
    reactive = next(d for d in documents if isinstance(d, ReactiveEnergyInvoice))
    # meter LZQJ-100001 has transformation coefficient 1: 500 kWh and 50 kvarh
    assert distribution.lines[0].quantity == Decimal(500)
    assert reactive.lines[0].quantity == Decimal(50)
    assert distribution.totals.vat == (distribution.totals.net * Decimal("0.2")).quantize(
        Decimal("0.01"))
    assert sandbox.ledger.entry(DSO_EIC, "RD-300", 1).effects == 1


def test_payment_notice_is_stored_once(start_peer):
    with start_peer("billing") as sandbox:
        transport = BillingTransport(sandbox.billing_client())
        message = outbound(sandbox.sign(payment_notice("PN-1")), "billing")

        codes = [transport.deliver(message).ack_code for _ in range(3)]

        assert codes == ["A01", "A51", "A51"]
        assert sandbox.ledger.payments() == [("Z05-INV", "270000001", "1234.56")]
        assert (sandbox.ledger.entry(DSO_EIC, "PN-1", 1).arrivals,
                sandbox.ledger.entry(DSO_EIC, "PN-1", 1).effects) == (3, 1)


def test_billing_refuses_readings_addressed_to_the_supplier(start_peer):
    with start_peer("billing") as sandbox:
        transport = BillingTransport(sandbox.billing_client())
        wrong = outbound(sandbox.sign(readings_document("RD-301")), "billing")

        with pytest.raises(PermanentRemoteError) as caught:
            transport.deliver(wrong)

        assert caught.value.code == "DOC_WRONG_RECEIVER"
        assert sandbox.ledger.entries() == []
