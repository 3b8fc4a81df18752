"""A stand-in for LiqPay's checkout in the embedded default: no card, no network.

:func:`sandbox_callback` takes the ``data`` and ``signature`` of our checkout form, checks them the
way LiqPay does (signature with the shared private key, API version, action, public key, amount,
currency, order id) and returns the callback LiqPay's server would POST to ``server_url``. The
cabinet puts a page on top of it that lets a person press "pay" or "decline" and then POSTs the
callback over real HTTP, so the whole path (form, callback endpoint, signature check) is exercised.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from adapter.errors import ValidationError
from adapter.payments import liqpay

_CURRENCIES = frozenset({"UAH", "USD", "EUR"})
_PAYMENT_IDS = itertools.count(int(time.time()) * 1000)


@dataclass(frozen=True)
class SandboxCheckout:
    """A checkout as LiqPay accepted it."""

    order_id: str
    amount: Decimal
    currency: str
    description: str
    server_url: str
    result_url: str
    sandbox: bool


@dataclass(frozen=True)
class SandboxCallback:
    """The callback to POST (form fields ``data`` and ``signature``) to ``server_url``."""

    data: str
    signature: str
    server_url: str
    result_url: str
    status: str
    payment_id: str


def read_checkout(data: str, signature: str, *, public_key: str,
                  private_key: str) -> SandboxCheckout:
    """Validate a checkout form like LiqPay would; ``PAY_*`` codes for what it would refuse."""
    liqpay.verify(data, signature, private_key)
    order = liqpay.decode(data)
    if order.get("version") != liqpay.API_VERSION or order.get("action") != "pay":
        raise _refused("Підтримується лише version 3, action pay.")
    if order.get("public_key") != public_key:
        raise _refused("Невідомий public_key.")
    amount = liqpay.amount_of(order.get("amount"))
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise _refused("Сума має бути додатною, з точністю до копійки.")
    currency = liqpay.text_of(order, "currency")
    if currency not in _CURRENCIES:
        raise _refused(f"Валюта {currency} не підтримується.")
    return SandboxCheckout(
        order_id=liqpay.text_of(order, "order_id", reference=True), amount=amount,
        currency=currency, description=liqpay.text_of(order, "description"),
        server_url=_optional(order, "server_url"), result_url=_optional(order, "result_url"),
        sandbox=order.get("sandbox") in (1, "1"),
    )


def sandbox_callback(
    data: str,
    signature: str,
    *,
    public_key: str,
    private_key: str,
    succeed: bool = True,
    now: datetime | None = None,
) -> SandboxCallback:
    """The signed callback LiqPay would send after the payer paid (or failed to).

    A success in sandbox mode (the checkout carried ``sandbox=1``) has status ``sandbox``, as at
    LiqPay; otherwise ``success``. A decline is ``failure`` with LiqPay's ``err_code``.
    """
    checkout = read_checkout(data, signature, public_key=public_key, private_key=private_key)
    status = (liqpay.SANDBOX if checkout.sandbox else liqpay.SUCCESS) if succeed else "failure"
    payment_id = next(_PAYMENT_IDS)
    payload = _callback_payload(checkout, public_key, status, payment_id,
                                now or datetime.now(UTC))
    encoded = liqpay.encode(payload)
    return SandboxCallback(encoded, liqpay.sign(encoded, private_key), checkout.server_url,
                           checkout.result_url, status, str(payment_id))


def _callback_payload(checkout: SandboxCheckout, public_key: str, status: str,
                      payment_id: int, now: datetime) -> dict[str, Any]:
    millis = int(now.timestamp() * 1000)
    payload: dict[str, Any] = {
        "payment_id": payment_id, "action": "pay", "status": status, "version": 3,
        "type": "buy", "paytype": "card", "public_key": public_key, "acq_id": 414963,
        "order_id": checkout.order_id, "liqpay_order_id": f"SANDBOX{payment_id}",
        "description": checkout.description, "sender_card_mask2": "424242*42",
        "sender_card_type": "visa", "sender_card_country": 804, "ip": "127.0.0.1",
        "amount": checkout.amount, "currency": checkout.currency,
        "sender_commission": Decimal("0.0"), "receiver_commission": Decimal("0.0"),
        "agent_commission": Decimal("0.0"), "is_3ds": False, "create_date": millis,
        "end_date": millis, "transaction_id": payment_id,
    }
    if status == "failure":
        payload.update(err_code="limit", err_description="Перевищено ліміт картки (пісочниця)")
    return payload


def _optional(order: dict[str, Any], field: str) -> str:
    value = order.get(field, "")
    return value if isinstance(value, str) else ""


def _refused(message: str) -> ValidationError:
    return ValidationError(message, code="PAY_CHECKOUT_INVALID")
