"""Start a payment, apply LiqPay callbacks, see what reaches billing (SQLite, PostgreSQL)."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from adapter.domain.documents import DocumentKind, PaymentNotice
from adapter.errors import AdapterError
from adapter.mappers import read_document
from adapter.payments import liqpay
from adapter.payments.sandbox import sandbox_callback
from adapter.persistence.models import InboundDocumentRecord
from adapter.persistence.outbox_models import OutboxMessageRecord
from adapter.persistence.payments_models import InvoicePaymentStatusRecord, PaymentRecord
from adapter.services.payments import (
    ALREADY_PROCESSED,
    CallbackOutcome,
    handle_callback,
    is_paid,
    paid_documents,
    payments_of,
    start_payment,
)
from adapter.signing import TrustedParty, VerificationPolicy, verify
from tests.integration.payments.conftest import OTHER_CONTRACT, PRIVATE_KEY, PUBLIC_KEY, Shop
from tests.support.exchange import BILLING_EIC, CONSUMER_CONTRACT, DSO_EIC


def _gross(shop: Shop, document_id: int) -> Decimal:
    with shop.container.uow() as uow:
        return Decimal(uow.session.get_one(InboundDocumentRecord, document_id)
                       .fields["totals"]["gross"])


def _callback(shop: Shop, order_id: str, status: str = "success", amount: Any = None,
              payment_id: Any = 4000000001, **extra: Any) -> tuple[str, str]:
    payload = {"action": "pay", "status": status, "version": 3, "public_key": PUBLIC_KEY,
               "order_id": order_id, "payment_id": payment_id, "currency": "UAH",
               "amount": _gross(shop, shop.invoice_id) if amount is None else amount, **extra}
    data = liqpay.encode(payload)
    return data, liqpay.sign(data, PRIVATE_KEY)


def _send(shop: Shop, pair: tuple[str, str]) -> CallbackOutcome:
    data, signature = pair
    return handle_callback(shop.ctx, data=data, signature=signature)


def _snapshot(shop: Shop) -> tuple[Any, ...]:
    with shop.container.uow() as uow:
        s = uow.session
        return (
            s.scalar(select(func.count()).select_from(OutboxMessageRecord)),
            tuple(s.execute(select(PaymentRecord.order_id, PaymentRecord.status,
                                   PaymentRecord.provider_payment_id)
                            .order_by(PaymentRecord.id))),
            tuple(s.scalars(select(InvoicePaymentStatusRecord.document_id))),
        )


def _billing_messages(shop: Shop) -> list[OutboxMessageRecord]:
    with shop.container.uow() as uow:
        rows = list(uow.session.scalars(select(OutboxMessageRecord)
                                        .where(OutboxMessageRecord.destination == "billing")))
        uow.session.expunge_all()
        return rows


def test_start_creates_a_pending_order_with_a_signed_checkout(shop: Shop):
    checkout = start_payment(shop.ctx, contract=CONSUMER_CONTRACT, document_id=shop.invoice_id)

    liqpay.verify(checkout.data, checkout.signature, PRIVATE_KEY)
    order = liqpay.decode(checkout.data)
    assert order["amount"] == _gross(shop, shop.invoice_id) == checkout.amount
    assert (order["order_id"], order["currency"], order["action"], order["version"]) == (
        checkout.order_id, "UAH", "pay", 3)
    assert (order["public_key"], order["server_url"]) == (PUBLIC_KEY, shop.ctx.server_url)
    assert checkout.action_url == shop.ctx.checkout_url
    [view] = payments_of(shop.ctx, CONSUMER_CONTRACT)
    assert (view.order_id, view.status, view.amount, view.document_id) == (
        checkout.order_id, "pending", checkout.amount, shop.invoice_id)
    assert shop.audit.names() == ["payment_started"]


def test_success_marks_paid_and_sends_a_signed_payment_notice_to_billing(shop: Shop):
    checkout = start_payment(shop.ctx, contract=CONSUMER_CONTRACT, document_id=shop.invoice_id)

    outcome = _send(shop, _callback(shop, checkout.order_id))

    assert outcome.result == "paid"
    assert is_paid(shop.ctx, shop.invoice_id)
    assert not is_paid(shop.ctx, shop.others_invoice_id)
    assert paid_documents(shop.ctx, [shop.invoice_id, shop.others_invoice_id]) == {
        shop.invoice_id}
    [view] = payments_of(shop.ctx, CONSUMER_CONTRACT)
    assert (view.status, view.provider_payment_id) == ("paid", "4000000001")
    assert view.paid_at is not None
    [message] = _billing_messages(shop)
    assert message.id == outcome.outbox_message_id
    assert (message.kind, message.sender_eic, message.mrid) == (
        "PaymentNotice", DSO_EIC, f"PAY-{checkout.order_id}")
    assert message.correlation_id.startswith("payment:")
    dso = TrustedParty("dso", pinned_certs=(shop.pki.dso_cert,))
    verified = verify(message.payload, policy=VerificationPolicy(parties=(dso,)))
    notice = read_document(verified.signed_root)
    assert isinstance(notice, PaymentNotice)
    assert notice.amount == checkout.amount
    assert (notice.header.sender_eic, notice.header.receiver_eic) == (DSO_EIC, BILLING_EIC)
    assert (notice.invoice.kind, notice.invoice.mrid, notice.invoice.revision) == (
        DocumentKind.SUPPLIER_INVOICE, "INV-PAY-1", 1)
    assert (notice.contract_number, notice.provider_reference) == (CONSUMER_CONTRACT,
                                                                   "4000000001")
    assert shop.audit.names() == ["payment_started", "payment_paid"]


def test_a_replayed_callback_changes_nothing(shop: Shop):
    checkout = start_payment(shop.ctx, contract=CONSUMER_CONTRACT, document_id=shop.invoice_id)
    data, signature = _callback(shop, checkout.order_id)
    handle_callback(shop.ctx, data=data, signature=signature)
    before = _snapshot(shop)

    again = handle_callback(shop.ctx, data=data, signature=signature)
    failure_after = _send(shop, _callback(shop, checkout.order_id, "failure"))

    assert again.result == failure_after.result == ALREADY_PROCESSED
    assert _snapshot(shop) == before
    assert len(_billing_messages(shop)) == 1


def test_a_second_payment_of_a_paid_invoice_cannot_start(shop: Shop):
    checkout = start_payment(shop.ctx, contract=CONSUMER_CONTRACT, document_id=shop.invoice_id)
    _send(shop, _callback(shop, checkout.order_id))
    with pytest.raises(AdapterError) as info:
        start_payment(shop.ctx, contract=CONSUMER_CONTRACT, document_id=shop.invoice_id)
    assert info.value.code == "PAY_ALREADY_PAID"


@pytest.mark.parametrize("contract, which", [
    (CONSUMER_CONTRACT, "others"), (OTHER_CONTRACT, "ours"), (CONSUMER_CONTRACT, "missing"),
    ("", "ours"),
])
def test_someone_elses_invoice_is_refused(shop: Shop, contract: str, which: str):
    document_id = {"others": shop.others_invoice_id, "ours": shop.invoice_id,
                   "missing": 999_999}[which]
    before = _snapshot(shop)
    with pytest.raises(AdapterError) as info:
        start_payment(shop.ctx, contract=contract, document_id=document_id)
    assert info.value.code == "PAY_NOT_YOURS"
    assert _snapshot(shop) == before


def _refused(shop: Shop, data: str, signature: str, code: str) -> None:
    before = _snapshot(shop)
    with pytest.raises(AdapterError) as info:
        handle_callback(shop.ctx, data=data, signature=signature)
    assert info.value.code == code
    assert _snapshot(shop) == before
    assert shop.audit.events[-1] == ("payment_callback_refused",
                                     {"code": code, "message": info.value.message})


def test_amount_or_currency_mismatch_is_refused(shop: Shop):
    order = start_payment(shop.ctx, contract=CONSUMER_CONTRACT,
                          document_id=shop.invoice_id).order_id
    gross = _gross(shop, shop.invoice_id)
    _refused(shop, *_callback(shop, order, amount=gross - Decimal("0.01")), "PAY_AMOUNT_MISMATCH")
    _refused(shop, *_callback(shop, order, amount=str(gross + 1)), "PAY_AMOUNT_MISMATCH")
    data, signature = _callback(shop, order)
    tampered = liqpay.encode({**liqpay.decode(data), "currency": "USD"})
    _refused(shop, tampered, liqpay.sign(tampered, PRIVATE_KEY), "PAY_AMOUNT_MISMATCH")
    assert not is_paid(shop.ctx, shop.invoice_id)


def test_an_amount_written_without_trailing_zero_still_matches(shop: Shop):
    order = start_payment(shop.ctx, contract=CONSUMER_CONTRACT,
                          document_id=shop.invoice_id).order_id
    gross = _gross(shop, shop.invoice_id)
    data, signature = _callback(shop, order, amount=gross.normalize())
    assert handle_callback(shop.ctx, data=data, signature=signature).result == "paid"


def test_bad_signatures_and_unknown_orders_are_refused(shop: Shop):
    order = start_payment(shop.ctx, contract=CONSUMER_CONTRACT,
                          document_id=shop.invoice_id).order_id
    data, signature = _callback(shop, order)
    other_data, other_signature = _callback(shop, order, payment_id=5)
    _refused(shop, data, other_signature, "PAY_BAD_SIGNATURE")
    _refused(shop, data, liqpay.sign(data, "guessed-key"), "PAY_BAD_SIGNATURE")
    _refused(shop, data, "", "PAY_BAD_SIGNATURE")
    _refused(shop, "!!!", liqpay.sign("!!!", PRIVATE_KEY), "PAY_DATA_MALFORMED")
    _refused(shop, *_callback(shop, "nosuchorder"), "PAY_UNKNOWN_ORDER")
    _refused(shop, *_callback(shop, order, public_key="another_shop"), "PAY_WRONG_MERCHANT")
    assert other_data != data


def test_sandbox_status_is_accepted_only_in_sandbox_mode(shop: Shop):
    order = start_payment(shop.ctx, contract=CONSUMER_CONTRACT,
                          document_id=shop.invoice_id).order_id
    data, signature = _callback(shop, order, "sandbox")
    _refused(shop, data, signature, "PAY_SANDBOX_REFUSED")
    outcome = handle_callback(shop.with_(sandbox=True), data=data, signature=signature)
    assert outcome.result == "paid"


def test_failure_then_a_later_success_wins(shop: Shop):
    order = start_payment(shop.ctx, contract=CONSUMER_CONTRACT,
                          document_id=shop.invoice_id).order_id
    failed = _send(shop, _callback(shop, order, "failure", payment_id=None, err_code="limit"))
    assert failed.result == "failed" and not is_paid(shop.ctx, shop.invoice_id)
    assert not _billing_messages(shop)

    paid = _send(shop, _callback(shop, order))
    assert paid.result == "paid" and is_paid(shop.ctx, shop.invoice_id)
    assert len(_billing_messages(shop)) == 1
    assert shop.audit.names() == ["payment_started", "payment_failed", "payment_paid"]


def test_interim_statuses_keep_the_order_pending(shop: Shop):
    order = start_payment(shop.ctx, contract=CONSUMER_CONTRACT,
                          document_id=shop.invoice_id).order_id
    outcome = _send(shop, _callback(shop, order, "wait_secure", payment_id=None))
    assert outcome.result == "pending"
    assert payments_of(shop.ctx, CONSUMER_CONTRACT)[0].status == "pending"


def test_reversal_unmarks_the_invoice_without_a_second_notice(shop: Shop):
    order = start_payment(shop.ctx, contract=CONSUMER_CONTRACT,
                          document_id=shop.invoice_id).order_id
    _send(shop, _callback(shop, order))
    outcome = _send(shop, _callback(shop, order, "reversed"))
    assert outcome.result == "reversed" and not is_paid(shop.ctx, shop.invoice_id)
    assert len(_billing_messages(shop)) == 1


def test_two_orders_paid_for_one_invoice_both_reach_billing(shop: Shop):
    first = start_payment(shop.ctx, contract=CONSUMER_CONTRACT,
                          document_id=shop.invoice_id).order_id
    second = start_payment(shop.ctx, contract=CONSUMER_CONTRACT,
                           document_id=shop.invoice_id).order_id
    _send(shop, _callback(shop, first))
    outcome = _send(shop, _callback(shop, second, payment_id=4000000002))
    assert outcome.duplicate and outcome.result == "paid"
    assert len(_billing_messages(shop)) == 2
    assert shop.audit.names()[-1] == "payment_duplicate"


def test_the_sandbox_provider_round_trip(shop: Shop):
    ctx = shop.with_(sandbox=True)
    checkout = start_payment(ctx, contract=CONSUMER_CONTRACT, document_id=shop.invoice_id)
    callback = sandbox_callback(checkout.data, checkout.signature, public_key=PUBLIC_KEY,
                                private_key=PRIVATE_KEY)
    assert callback.server_url == ctx.server_url and callback.status == "sandbox"
    assert handle_callback(ctx, data=callback.data,
                           signature=callback.signature).result == "paid"
    assert is_paid(ctx, shop.invoice_id)


def test_concurrent_copies_of_one_success_callback_send_one_notice(shop: Shop):
    order = start_payment(shop.ctx, contract=CONSUMER_CONTRACT,
                          document_id=shop.invoice_id).order_id
    data, signature = _callback(shop, order)
    barrier = threading.Barrier(4)
    results: list[str] = []

    def deliver() -> None:
        barrier.wait()
        results.append(handle_callback(shop.ctx, data=data, signature=signature).result)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["already_processed"] * 3 + ["paid"]
    assert len(_billing_messages(shop)) == 1
    assert shop.audit.names().count("payment_paid") == 1
