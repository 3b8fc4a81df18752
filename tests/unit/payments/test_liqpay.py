"""LiqPay wire format: the signature against an independent computation, hostile data."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from decimal import Decimal

import pytest

from adapter.errors import SignatureError, ValidationError
from adapter.payments import liqpay

PRIVATE = "sandbox_private_KEY_ї"
PUBLIC = "sandbox_public"


def _expected_signature(data: str, private_key: str) -> str:
    # Computed here from the LiqPay documentation, not with the code under test.
    raw = hashlib.sha1(f"{private_key}{data}{private_key}".encode()).digest()
    return base64.b64encode(raw).decode()


def test_signature_matches_an_independent_computation():
    data = base64.b64encode(b'{"version":3,"action":"pay"}').decode()
    assert liqpay.sign(data, PRIVATE) == _expected_signature(data, PRIVATE)
    assert len(base64.b64decode(liqpay.sign(data, PRIVATE))) == 20  # raw digest, not hex


def test_signature_of_the_liqpay_documentation_example():
    # The example order of the LiqPay API documentation with its demo keys.
    order = {"public_key": "i00000000", "version": "3", "action": "pay", "amount": "3",
             "currency": "UAH", "description": "test", "order_id": "000001"}
    data = base64.b64encode(json.dumps(order).encode()).decode()
    assert liqpay.sign(data, "a4825234f4bae72a0be04eafe9e8e2bada209255") == \
        _expected_signature(data, "a4825234f4bae72a0be04eafe9e8e2bada209255")


def test_encode_writes_amounts_as_exact_numbers_and_decode_reads_them_as_decimal():
    params = liqpay.checkout_params(public_key=PUBLIC, amount=Decimal("18667.45"),
                                    description="Оплата рахунку № 1", order_id="abc",
                                    server_url="http://127.0.0.1/cb", sandbox=True)
    data = liqpay.encode(params)
    text = base64.b64decode(data).decode()
    assert '"amount":18667.45' in text
    decoded = liqpay.decode(data)
    assert decoded["amount"] == Decimal("18667.45") and isinstance(decoded["amount"], Decimal)
    assert (decoded["version"], decoded["action"], decoded["currency"], decoded["sandbox"]) == (
        3, "pay", "UAH", 1)
    assert decoded["description"] == "Оплата рахунку № 1"
    assert json.loads(text)["order_id"] == "abc"  # plain JSON for any client


def test_encode_refuses_floats():
    with pytest.raises(TypeError):
        liqpay.encode({"amount": 12.5})


def test_verify_accepts_the_right_signature():
    data = liqpay.encode({"order_id": "1"})
    liqpay.verify(data, _expected_signature(data, PRIVATE), PRIVATE)


@pytest.mark.parametrize("signature", [
    "", "x", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "ї" * 28, "A" * 100_000,
])
def test_verify_refuses_wrong_signatures(signature: str):
    data = liqpay.encode({"order_id": "1"})
    with pytest.raises(SignatureError) as info:
        liqpay.verify(data, signature, PRIVATE)
    assert info.value.code == "PAY_BAD_SIGNATURE"


def test_verify_refuses_the_signature_of_other_data_and_of_another_key():
    data, other = liqpay.encode({"order_id": "1"}), liqpay.encode({"order_id": "2"})
    for signature in (_expected_signature(other, PRIVATE), _expected_signature(data, "other")):
        with pytest.raises(SignatureError):
            liqpay.verify(data, signature, PRIVATE)


def test_verify_compares_in_constant_time(monkeypatch: pytest.MonkeyPatch):
    calls: list[tuple[object, object]] = []
    original = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return original(a, b)

    monkeypatch.setattr(liqpay.hmac, "compare_digest", spy)
    data = liqpay.encode({"order_id": "1"})
    with pytest.raises(SignatureError):
        liqpay.verify(data, "bad", PRIVATE)
    liqpay.verify(data, _expected_signature(data, PRIVATE), PRIVATE)
    assert len(calls) == 2


@pytest.mark.parametrize("data, code", [
    ("", "PAY_DATA_MALFORMED"),
    ("not base64 at all!", "PAY_DATA_MALFORMED"),
    ("ключ", "PAY_DATA_MALFORMED"),
    (base64.b64encode(b"{not json").decode(), "PAY_DATA_MALFORMED"),
    (base64.b64encode(b"\xff\xfe\x00").decode(), "PAY_DATA_MALFORMED"),
    (base64.b64encode(b"[1, 2]").decode(), "PAY_DATA_MALFORMED"),
    (base64.b64encode(b'{"amount": NaN}').decode(), "PAY_DATA_MALFORMED"),
    (base64.b64encode(b"[" * 5000 + b"]" * 5000).decode(), "PAY_DATA_MALFORMED"),
    ("A" * (liqpay.MAX_DATA_CHARS + 4), "PAY_DATA_TOO_LARGE"),
])
def test_decode_gives_stable_codes_for_hostile_data(data: str, code: str):
    with pytest.raises(ValidationError) as info:
        liqpay.decode(data)
    assert info.value.code == code


def test_deeply_nested_json_within_the_size_limit_is_refused_not_crashing():
    nested = base64.b64encode(b"[" * 12_000).decode()[: liqpay.MAX_DATA_CHARS]
    with pytest.raises(ValidationError):
        liqpay.decode(nested)


@pytest.mark.parametrize("payload", [
    {},
    {"status": "success", "order_id": "a", "amount": "x", "currency": "UAH"},
    {"status": "success", "order_id": "a", "amount": True, "currency": "UAH"},
    {"status": "success", "order_id": "../../etc", "amount": 1, "currency": "UAH"},
    {"status": ["success"], "order_id": "a", "amount": 1, "currency": "UAH"},
    {"status": "success", "order_id": "a", "amount": 1, "currency": "UAH", "payment_id": "a b"},
])
def test_read_callback_refuses_missing_or_odd_fields(payload: dict[str, object]):
    with pytest.raises(ValidationError) as info:
        liqpay.read_callback(payload)
    assert info.value.code == "PAY_DATA_MALFORMED"


def test_read_callback_takes_liqpay_numbers():
    callback = liqpay.read_callback({"status": "success", "order_id": "o1", "payment_id": 123,
                                     "amount": Decimal("100.5"), "currency": "UAH"})
    assert (callback.payment_id, callback.amount) == ("123", Decimal("100.50"))
