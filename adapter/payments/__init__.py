"""Online payment through a LiqPay-compatible checkout: the wire format and a sandbox provider.

The use cases (start a payment, apply a callback) live in :mod:`adapter.services.payments`.
"""

from __future__ import annotations

from adapter.payments.liqpay import (
    CHECKOUT_URL,
    Callback,
    decode,
    encode,
    read_callback,
    sign,
    verify,
)
from adapter.payments.notice import build_notice, notice_mrid
from adapter.payments.sandbox import (
    SandboxCallback,
    SandboxCheckout,
    read_checkout,
    sandbox_callback,
)

__all__ = [
    "CHECKOUT_URL",
    "Callback",
    "SandboxCallback",
    "SandboxCheckout",
    "build_notice",
    "decode",
    "encode",
    "notice_mrid",
    "read_callback",
    "read_checkout",
    "sandbox_callback",
    "sign",
    "verify",
]
