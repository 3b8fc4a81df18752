"""tenacity retries within one call only what never reached the peer (a refused connection)."""

from __future__ import annotations

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from adapter.errors import TransientRemoteError
from tests.unit.soap_clients.conftest import SUPPLIER_URL, ack_for, ack_response


def _refused() -> requests.ConnectionError:
    reason = NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    return requests.ConnectionError(MaxRetryError(None, SUPPLIER_URL, reason))  # type: ignore[arg-type]


def test_a_refused_connection_is_tried_again_within_the_call(mocked, supplier, document,
                                                             sandbox_pki):
    ack = ack_for(sandbox_pki, document, "A01")
    mocked.post(SUPPLIER_URL, body=_refused())
    mocked.post(SUPPLIER_URL, body=ack_response(ack, "A01"), content_type="text/xml")

    result = supplier.submit_meter_readings(document, idempotency_key="k")

    assert result.code == "A01"
    assert len(mocked.calls) == 2


def test_it_gives_up_after_three_refusals(mocked, supplier, document):
    mocked.post(SUPPLIER_URL, body=_refused())

    with pytest.raises(TransientRemoteError) as caught:
        supplier.submit_meter_readings(document, idempotency_key="k")

    assert caught.value.code == "REMOTE_CONNECTION"
    assert len(mocked.calls) == 3


def test_a_reset_after_sending_is_left_to_the_durable_retry(mocked, supplier, document):
    # The peer may already have acted; the outbox's next attempt (answered A51) handles it.
    mocked.post(SUPPLIER_URL, body=requests.ConnectionError(ProtocolError("reset")))

    with pytest.raises(TransientRemoteError):
        supplier.submit_meter_readings(document, idempotency_key="k")

    assert len(mocked.calls) == 1
