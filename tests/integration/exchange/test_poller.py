"""The poller against the real sandbox peers over loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from adapter.bootstrap import Container
from adapter.exchange import Poller, cursor_states, load_cursor
from adapter.exchange import cursors as cursors_module
from adapter.sandbox import FaultConfig
from adapter.soap.client_factory import FetchedPage
from adapter.soap.transports import BillingTransport, SupplierTransport
from tests.integration.exchange.conftest import (
    MakeContainer,
    distribution_invoice,
    rejection_codes,
    signed_by,
    stored,
)
from tests.integration.sandbox.conftest import Sandbox, outbound, readings_document
from tests.support.exchange import BILLING_EIC


def _bill(sandbox: Sandbox, mrid: str, value: int, previous: int) -> None:
    """Deliver readings to the billing peer: it issues a distribution invoice, act, reactive."""
    doc = readings_document(mrid, receiver=BILLING_EIC, value=value, previous=previous,
                            reactive=True)
    receipt = BillingTransport(sandbox.billing_client()).deliver(
        outbound(sandbox.sign(doc), "billing"))
    assert receipt.ack_code == "A01"


def _billing_poller(container: Container, page_size: int = 2) -> Poller:
    return Poller(container.intake, {"billing": container.billing_client.fetch_documents},
                  page_size=page_size)


def test_issued_documents_are_pulled_once_and_cursor_saved(start_peer,
                                                           make_container: MakeContainer):
    with start_peer("billing") as sandbox:
        _bill(sandbox, "RD-P1", 1500, 1000)
        _bill(sandbox, "RD-P2", 2000, 1500)
        issued = sandbox.ledger.issued_after(0, 50)
        container = make_container(ADAPTER_BILLING_ENDPOINT=f"{sandbox.url}/soap/billing")
        first = _billing_poller(container).run_once()
        second = _billing_poller(container).run_once()

    assert len(issued) == 6
    [result] = first
    assert (result.accepted, result.already_received, result.rejected) == (6, 0, 0)
    assert result.pages == 3  # 2 + 2 + 2 with page_size 2
    assert stored(container) == sorted((doc.kind, doc.mrid, "pull") for doc in issued)
    assert load_cursor(container.uow, "billing") == str(issued[-1].seq)
    [again] = second
    assert (again.fetched, again.error) == (0, None)
    assert len(stored(container)) == 6
    [state] = cursor_states(container.uow)
    assert (state.peer, state.documents_total, state.failures) == ("billing", 6, 0)


def test_crash_before_cursor_save_refetches_without_storing_twice(
    start_peer, make_container: MakeContainer, monkeypatch: pytest.MonkeyPatch
):
    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("процес впав до збереження курсора")

    with start_peer("billing") as sandbox:
        _bill(sandbox, "RD-P3", 1500, 1000)
        container = make_container(ADAPTER_BILLING_ENDPOINT=f"{sandbox.url}/soap/billing")
        with monkeypatch.context() as patch:
            patch.setattr(cursors_module, "save_cursor", crash)
            with pytest.raises(RuntimeError):
                _billing_poller(container, page_size=10).run_once()
        after_crash = stored(container)
        cursor_after_crash = load_cursor(container.uow, "billing")
        [rerun] = _billing_poller(container, page_size=10).run_once()

    assert len(after_crash) == 3  # intake committed each document before the crash
    assert cursor_after_crash is None
    assert (rerun.accepted, rerun.already_received) == (0, 3)
    assert stored(container) == after_crash
    assert load_cursor(container.uow, "billing") is not None


def test_supplier_documents_are_pulled(start_peer, make_container: MakeContainer):
    with start_peer("supplier") as sandbox:
        SupplierTransport(sandbox.supplier_client()).deliver(
            outbound(sandbox.sign(readings_document("RD-P4"))))
        container = make_container(ADAPTER_SUPPLIER_ENDPOINT=f"{sandbox.url}/soap/supplier")
        poller = Poller(container.intake,
                        {"supplier": container.supplier_client.fetch_documents})
        [result] = poller.run_once()

    assert (result.accepted, result.pages) == (2, 1)
    assert [(kind, channel) for kind, _, channel in stored(container)] == [
        ("AcceptanceAct", "pull"), ("SupplierInvoice", "pull")]


def test_transient_fetch_error_keeps_cursor_and_backs_off(start_peer,
                                                          make_container: MakeContainer):
    with start_peer("billing", faults=FaultConfig(error_rate=1.0)) as sandbox:
        container = make_container(ADAPTER_BILLING_ENDPOINT=f"{sandbox.url}/soap/billing")
        poller = _billing_poller(container)
        [failed] = poller.run_once()
        [skipped] = poller.run_once()

    assert failed.error is not None and failed.error.code == "REMOTE_SERVER_FAULT"
    assert failed.pages == 0
    assert skipped.error is None and skipped.skipped_until == failed.skipped_until
    assert load_cursor(container.uow, "billing") is None
    [state] = cursor_states(container.uow)
    assert (state.failures, state.last_error_code) == (1, "REMOTE_SERVER_FAULT")


def test_a_rejected_document_is_recorded_and_the_cursor_moves_past_it(
    sandbox_pki, make_container: MakeContainer
):
    good = signed_by(sandbox_pki, distribution_invoice())
    tampered = signed_by(sandbox_pki, distribution_invoice("RD-P9")).replace(
        b"<quantity>500<", b"<quantity>800<", 1)
    pages = {None: FetchedPage([tampered, good], "2", has_more=False)}
    container = make_container()
    poller = Poller(container.intake, {"billing": lambda cursor, limit: pages[cursor]})

    [result] = poller.run_once()

    assert (result.accepted, result.rejected, result.rejection_codes) == (1, 1, ["SIG_INVALID"])
    assert load_cursor(container.uow, "billing") == "2"
    assert rejection_codes(container) == ["SIG_INVALID"]
    assert [channel for _, _, channel in stored(container)] == ["pull"]
