"""The payments context: refuses to work without keys, and never shows the private key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from adapter.errors import ConfigurationError
from adapter.services.payments import PaymentsContext, handle_callback, start_payment


def _no_database() -> Any:
    raise AssertionError("the database must not be touched")


def _ctx(**overrides: Any) -> PaymentsContext:
    values: dict[str, Any] = dict(uow=_no_database, signer=object(),
                                  clock=lambda: datetime.now(UTC), dso_eic="62X0000000000012",
                                  billing_eic="62X000000000003Z", public_key="pub",
                                  private_key="very-secret")
    values.update(overrides)
    return PaymentsContext(**values)


@pytest.mark.parametrize("keys", [{"public_key": ""}, {"private_key": ""}])
def test_payment_needs_both_keys(keys: dict[str, str]):
    ctx = _ctx(**keys)
    with pytest.raises(ConfigurationError) as started:
        start_payment(ctx, contract="270000001", document_id=1)
    with pytest.raises(ConfigurationError) as called_back:
        handle_callback(ctx, data="e30=", signature="x")
    assert started.value.code == called_back.value.code == "CONFIG_NO_LIQPAY"


def test_the_private_key_is_not_in_the_repr():
    assert "very-secret" not in repr(_ctx())
    assert _ctx().checkout_url == "https://www.liqpay.ua/api/3/checkout"
