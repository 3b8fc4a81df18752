"""The LiqPay API v3 conventions: ``data`` (base64 JSON), ``signature`` (base64 SHA-1), callbacks.

A checkout form posts ``data`` = base64 of the JSON order and ``signature`` =
base64(sha1(private_key + data + private_key)) (the raw 20-byte digest, not its hex). LiqPay's
server-to-server callback to ``server_url`` carries the same two fields. Everything here is pure:
no network, no database. Amounts travel as JSON numbers written from :class:`~decimal.Decimal`
text and are read back with ``parse_float=Decimal``, so no amount ever passes through a float.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from adapter.errors import SignatureError, ValidationError

#: LiqPay's hosted checkout page.
CHECKOUT_URL = "https://www.liqpay.ua/api/3/checkout"
API_VERSION = 3
#: Our callbacks and orders are small; anything bigger is not from LiqPay.
MAX_DATA_CHARS = 16 * 1024
#: Statuses that mean the money was taken (``sandbox``: a test payment in sandbox mode).
SUCCESS = "success"
SANDBOX = "sandbox"
#: Final statuses that mean it was not (``reversed``: refunded after success).
FAILURE_STATUSES = frozenset({"failure", "error"})
REVERSED = "reversed"
#: LiqPay payment ids (numbers) and our order ids: short, printable, XSD-safe.
_REFERENCE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._:/\-]{0,63}")


def _bad_data(message: str) -> ValidationError:
    return ValidationError(message, code="PAY_DATA_MALFORMED")


def dumps(params: Mapping[str, object]) -> str:
    """JSON of a flat mapping, Decimal values written as exact JSON numbers (never via float)."""
    parts = []
    for key, value in params.items():
        if isinstance(value, float):
            raise TypeError("гроші не можна передавати як float")
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError(f"{key}: {value} не є сумою")
            encoded = format(value, "f")
        elif isinstance(value, (Mapping, list, tuple)):
            raise TypeError("параметри LiqPay мають бути пласким словником")
        else:
            encoded = json.dumps(value)
        parts.append(f"{json.dumps(str(key))}:{encoded}")
    return "{" + ",".join(parts) + "}"


def encode(params: Mapping[str, object]) -> str:
    """The ``data`` field: base64 of the JSON of ``params``."""
    return base64.b64encode(dumps(params).encode("utf-8")).decode("ascii")


def sign(data: str, private_key: str) -> str:
    """The ``signature`` field: base64(sha1(private_key + data + private_key))."""
    digest = hashlib.sha1((private_key + data + private_key).encode("utf-8")).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(data: str, signature: str, private_key: str) -> None:
    """Refuse (``PAY_BAD_SIGNATURE``) unless ``signature`` signs ``data``; constant time."""
    expected = sign(data, private_key).encode("ascii")
    # compare_digest on bytes: a str argument with non-ASCII text would raise TypeError instead.
    given = signature.encode("utf-8", errors="replace") if isinstance(signature, str) else b""
    if not hmac.compare_digest(expected, given):
        raise SignatureError("Підпис повідомлення платіжного сервісу невірний.",
                             code="PAY_BAD_SIGNATURE")


def decode(data: str, *, max_chars: int = MAX_DATA_CHARS) -> dict[str, Any]:
    """The JSON object inside ``data``; hostile input gives ``PAY_DATA_*`` codes, never a crash."""
    if not isinstance(data, str) or not data:
        raise _bad_data("Порожні дані платежу.")
    if len(data) > max_chars:
        raise ValidationError(f"Дані платежу завеликі ({len(data)} символів).",
                              code="PAY_DATA_TOO_LARGE")
    try:
        raw = base64.b64decode(data.encode("ascii"), validate=True)
        value = json.loads(raw.decode("utf-8"), parse_float=Decimal,
                           parse_constant=_no_constant)
    except (UnicodeError, binascii.Error, ValueError, RecursionError) as exc:
        raise _bad_data("Дані платежу не є base64 від JSON.") from exc
    if not isinstance(value, dict):
        raise _bad_data("Дані платежу мають бути об'єктом JSON.")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def amount_of(value: object, field: str = "amount") -> Decimal:
    """A JSON amount (number or string) as Decimal; ``PAY_DATA_MALFORMED`` if it is none."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise _bad_data(f"Поле {field} має бути сумою.")
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise _bad_data(f"Поле {field} має бути сумою.") from exc
    if not amount.is_finite():
        raise _bad_data(f"Поле {field} має бути сумою.")
    return amount


def text_of(payload: Mapping[str, Any], field: str, *, reference: bool = False) -> str:
    """A required text field (numbers allowed, as LiqPay sends ``payment_id`` as a number)."""
    value = payload.get(field)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _bad_data(f"Немає поля {field}.")
    text = str(value)
    if not text or len(text) > 255 or (reference and not _REFERENCE.fullmatch(text)):
        raise _bad_data(f"Поле {field} має неприпустиме значення.")
    return text


@dataclass(frozen=True)
class Callback:
    """What we use of a LiqPay callback (``payload`` keeps every field, for the record)."""

    status: str
    order_id: str
    payment_id: str
    amount: Decimal
    currency: str
    public_key: str | None
    payload: Mapping[str, Any]


def read_callback(payload: Mapping[str, Any]) -> Callback:
    """Pick the fields of a decoded callback; ``PAY_DATA_MALFORMED`` when one is missing."""
    public_key = payload.get("public_key")
    return Callback(
        status=text_of(payload, "status"),
        order_id=text_of(payload, "order_id", reference=True),
        # A failed attempt may come without a payment id; only a success needs one (checked there).
        payment_id=(text_of(payload, "payment_id", reference=True)
                    if payload.get("payment_id") is not None else ""),
        amount=amount_of(payload.get("amount")),
        currency=text_of(payload, "currency"),
        public_key=public_key if isinstance(public_key, str) else None,
        payload=payload,
    )


def checkout_params(
    *,
    public_key: str,
    amount: Decimal,
    description: str,
    order_id: str,
    result_url: str = "",
    server_url: str = "",
    currency: str = "UAH",
    sandbox: bool = False,
) -> dict[str, object]:
    """The order of a ``pay`` checkout (LiqPay API v3 field names)."""
    params: dict[str, object] = {
        "public_key": public_key, "version": API_VERSION, "action": "pay",
        "amount": amount, "currency": currency, "description": description,
        "order_id": order_id,
    }
    if result_url:
        params["result_url"] = result_url
    if server_url:
        params["server_url"] = server_url
    if sandbox:
        params["sandbox"] = 1  # LiqPay's own test mode: no money moves, status "sandbox"
    return params
