"""Paying an invoice: checkout form -> sandbox page -> callback over real HTTP -> paid + notice."""

from __future__ import annotations

import html
import re

import requests
from sqlalchemy import func, select

from adapter.payments import liqpay
from adapter.persistence.outbox_models import OutboxMessageRecord
from adapter.persistence.payments_models import InvoicePaymentStatusRecord, PaymentRecord
from tests.web.conftest import Browser
from tests.web.documents.conftest import Docs
from tests.web.payments.conftest import PRIVATE_KEY

_FIELD = re.compile(r'name="(data|signature)" value="([^"]+)"')


def csrf(browser: Browser, path: str) -> str:
    page = browser.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def checkout(browser: Browser, invoice: int) -> tuple[str, dict[str, str]]:
    token = csrf(browser, f"/cabinet/documents/{invoice}")
    page = browser.client.post(f"/payments/start/{invoice}", data={"csrf_token": token})
    assert page.status_code == 200, page.get_data(as_text=True)
    text = page.get_data(as_text=True)
    action = html.unescape(re.search(r'action="([^"]+)" id="checkout-form"', text).group(1))
    fields = {k: html.unescape(v) for k, v in _FIELD.findall(text)}
    return action, fields


def counts(docs: Docs) -> tuple[int, int, int]:
    with docs.container.uow() as unit:
        s = unit.session
        return (s.scalar(select(func.count()).select_from(InvoicePaymentStatusRecord)) or 0,
                s.scalar(select(func.count()).select_from(OutboxMessageRecord)
                         .where(OutboxMessageRecord.kind == "PaymentNotice")) or 0,
                s.scalar(select(func.count()).select_from(PaymentRecord)
                         .where(PaymentRecord.status == "paid")) or 0)


def test_pay_through_the_sandbox_over_http(live: tuple[Docs, str]) -> None:
    docs, base = live
    invoice = docs.invoice("INV-P1")
    browser = docs.login_a()
    listed = browser.get("/cabinet/documents").get_data(as_text=True)
    assert f'id="pay-{invoice}"' in listed and "не оплачено" in listed
    dashboard = browser.get("/cabinet").get_data(as_text=True)
    assert 'id="dashboard-unpaid"' in dashboard and "РЕ-INV-P1" in dashboard

    action, fields = checkout(browser, invoice)
    assert action == f"{base}/payments/sandbox"
    sandbox = browser.client.post("/payments/sandbox", data=fields)  # the form's POST, no CSRF
    page = sandbox.get_data(as_text=True)
    assert sandbox.status_code == 200 and 'id="sandbox-pay"' in page
    decided = browser.client.post("/payments/sandbox/decide", data={**fields, "outcome": "pay"})
    assert decided.status_code == 303
    assert decided.headers["Location"].startswith(f"{base}/payments/result?order_id=")

    assert counts(docs) == (1, 1, 1)
    with docs.container.uow() as unit:
        notice = unit.session.scalar(select(OutboxMessageRecord)
                                     .where(OutboxMessageRecord.kind == "PaymentNotice"))
        assert notice is not None and notice.destination == "billing"
    result = browser.get(decided.headers["Location"].removeprefix(base)).get_data(as_text=True)
    assert 'data-status="paid"' in result
    shown = browser.get(f"/cabinet/documents/{invoice}").get_data(as_text=True)
    assert "оплачено" in shown and 'id="pay-button"' not in shown
    assert f'data-document-id="{invoice}"' in browser.get(
        "/cabinet/documents?status=paid").get_data(as_text=True)


def test_decline_leaves_the_invoice_unpaid(live: tuple[Docs, str]) -> None:
    docs, base = live
    invoice = docs.invoice("INV-P2")
    browser = docs.login_a()
    _, fields = checkout(browser, invoice)
    decided = browser.client.post("/payments/sandbox/decide", data={**fields, "outcome": "no"})
    assert decided.status_code == 303
    assert counts(docs) == (0, 0, 0)
    result = browser.get(decided.headers["Location"].removeprefix(base)).get_data(as_text=True)
    assert 'data-status="failed"' in result


def test_bad_callback_signature_is_400_and_changes_nothing(live: tuple[Docs, str]) -> None:
    docs, base = live
    invoice = docs.invoice("INV-P3")
    browser = docs.login_a()
    _, fields = checkout(browser, invoice)
    order = liqpay.decode(fields["data"])
    forged = liqpay.encode({"status": "success", "order_id": order["order_id"],
                            "payment_id": 1, "amount": order["amount"], "currency": "UAH",
                            "version": 3, "action": "pay"})
    answer = requests.post(f"{base}/payments/liqpay/callback", timeout=10,
                           data={"data": forged, "signature": liqpay.sign(forged, "wrong")})
    assert answer.status_code == 400 and "PAY_BAD_SIGNATURE" in answer.text
    assert counts(docs) == (0, 0, 0)
    good = requests.post(f"{base}/payments/liqpay/callback", timeout=10,
                         data={"data": forged, "signature": liqpay.sign(forged, PRIVATE_KEY)})
    assert good.status_code == 200 and counts(docs) == (1, 1, 1)
    again = requests.post(f"{base}/payments/liqpay/callback", timeout=10,
                          data={"data": forged, "signature": liqpay.sign(forged, PRIVATE_KEY)})
    assert again.status_code == 200 and "already_processed" in again.text
    assert counts(docs) == (1, 1, 1)


def test_another_organisations_invoice_cannot_be_paid(live: tuple[Docs, str]) -> None:
    docs, _ = live
    theirs = docs.invoice("INV-PB", contract="270000002", edrpou="87654322")
    browser = docs.login_a()
    token = csrf(browser, "/cabinet/documents")
    assert browser.client.post(f"/payments/start/{theirs}",
                               data={"csrf_token": token}).status_code == 404
    assert counts(docs) == (0, 0, 0)
