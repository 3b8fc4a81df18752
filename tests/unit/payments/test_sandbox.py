"""The sandbox provider checks a checkout like LiqPay and signs the callback it would send."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapter.errors import AdapterError
from adapter.payments import liqpay
from adapter.payments.sandbox import read_checkout, sandbox_callback

PUBLIC, PRIVATE = "sandbox_public", "sandbox_private"


def _checkout(**overrides: object) -> tuple[str, str]:
    params = liqpay.checkout_params(public_key=PUBLIC, amount=Decimal("120.00"),
                                    description="Оплата", order_id="order1",
                                    server_url="http://127.0.0.1:1/cb", sandbox=True)
    params.update(overrides)
    data = liqpay.encode(params)
    return data, liqpay.sign(data, PRIVATE)


@pytest.mark.parametrize("succeed, sandbox, status", [
    (True, True, "sandbox"), (True, False, "success"), (False, True, "failure"),
])
def test_callback_is_signed_and_carries_the_order(succeed: bool, sandbox: bool, status: str):
    data, signature = _checkout(**({} if sandbox else {"sandbox": 0}))
    cb = sandbox_callback(data, signature, public_key=PUBLIC, private_key=PRIVATE,
                          succeed=succeed)
    liqpay.verify(cb.data, cb.signature, PRIVATE)
    parsed = liqpay.read_callback(liqpay.decode(cb.data))
    assert (parsed.status, parsed.order_id, parsed.amount, parsed.currency) == (
        status, "order1", Decimal("120.00"), "UAH")
    assert cb.server_url == "http://127.0.0.1:1/cb" and parsed.payment_id == cb.payment_id


def test_two_payments_get_different_ids():
    data, signature = _checkout()
    first = sandbox_callback(data, signature, public_key=PUBLIC, private_key=PRIVATE)
    second = sandbox_callback(data, signature, public_key=PUBLIC, private_key=PRIVATE)
    assert first.payment_id != second.payment_id


@pytest.mark.parametrize("overrides, code", [
    ({"version": 2}, "PAY_CHECKOUT_INVALID"),
    ({"action": "hold"}, "PAY_CHECKOUT_INVALID"),
    ({"public_key": "someone"}, "PAY_CHECKOUT_INVALID"),
    ({"amount": Decimal("-1.00")}, "PAY_CHECKOUT_INVALID"),
    ({"amount": Decimal("1.001")}, "PAY_CHECKOUT_INVALID"),
    ({"currency": "XXX"}, "PAY_CHECKOUT_INVALID"),
    ({"amount": "lots"}, "PAY_DATA_MALFORMED"),
])
def test_invalid_checkouts_are_refused(overrides: dict[str, object], code: str):
    data, signature = _checkout(**overrides)
    with pytest.raises(AdapterError) as info:
        read_checkout(data, signature, public_key=PUBLIC, private_key=PRIVATE)
    assert info.value.code == code


def test_a_tampered_checkout_is_refused():
    data, signature = _checkout()
    other, _ = _checkout(amount=Decimal("1.00"))
    with pytest.raises(AdapterError) as info:
        sandbox_callback(other, signature, public_key=PUBLIC, private_key=PRIVATE)
    assert info.value.code == "PAY_BAD_SIGNATURE"
