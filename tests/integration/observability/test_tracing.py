"""One correlation id from the cabinet's HTTP request, through the readings submission and the
outbox, to the worker's SOAP deliveries to both sandbox peers and their acknowledgements."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, Response, jsonify, request

from adapter.delivery.worker import Worker
from adapter.observability import CORRELATION_EVENT, configure_logging, register_correlation
from adapter.persistence.database import make_session_factory
from adapter.persistence.outbox_models import OutboxEventRecord
from adapter.services.readings import submit_readings
from adapter.soap.transports import BillingTransport, SupplierTransport
from tests.integration.readings.conftest import ROEK, ReadingsEnv, env, migrated_uow  # noqa: F401
from tests.integration.sandbox.conftest import start_peer  # noqa: F401
from tests.support.pki import sandbox_pki  # noqa: F401

REQUEST_ID = "req-e2e-0042"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(json=True, level="INFO", stream=stream)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def cabinet(env: ReadingsEnv) -> Flask:  # noqa: F811
    """A stand-in for the cabinet's readings upload view (thin: one service call)."""
    app = Flask(__name__)
    register_correlation(app)

    @app.post("/readings")
    def upload() -> Response:
        outcome = submit_readings(env.ctx, request.get_data(), channel="cabinet")
        return jsonify(status=outcome.status.value, code=outcome.code)

    return app


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_the_request_id_follows_the_readings_to_both_peers_and_back(
    env: ReadingsEnv, start_peer: Any, json_log: io.StringIO,  # noqa: F811
) -> None:
    signed = env.signed(env.document())

    response = cabinet(env).test_client().post(
        "/readings", data=signed, headers={"X-Request-ID": REQUEST_ID})

    assert response.get_json() == {"status": "accepted", "code": None}
    assert response.headers["X-Request-ID"] == REQUEST_ID
    with start_peer("supplier") as supplier, start_peer("billing") as billing:
        transports = {f"supplier:{ROEK}": SupplierTransport(supplier.supplier_client()),
                      "billing": BillingTransport(billing.billing_client())}
        worker = Worker(make_session_factory(env.engine), transports.__getitem__,
                        clock=env.clock, worker_id="trace-worker")
        assert worker.run_once() == 2
    assert [m.status for m in env.outbox()] == ["delivered", "delivered"]

    records = lines(json_log)
    ours = [r for r in records if r["correlation_id"] == REQUEST_ID]
    messages = [r["message"] for r in ours]
    assert messages[0] == "request received: POST /readings"
    assert any(m.startswith("readings submission ") and "stored" in m for m in messages)
    assert sum(m.startswith("outbox message ") and "enqueued" in m for m in messages) == 2
    assert any(m.startswith("request finished: POST /readings -> 200") for m in messages)
    assert sum(m.startswith("delivering message ") for m in messages) == 2
    assert {r["destination"] for r in ours if r["message"].startswith("delivering")} == {
        f"supplier:{ROEK}", "billing"}
    assert sum("acknowledgement A01 received" in m for m in messages) == 2
    assert sum(r.get("outcome") == "delivered" for r in ours) == 2
    # Nothing of this flow was logged under another id.
    stray = [r for r in records if r["logger"].startswith("adapter")
             and r["correlation_id"] != REQUEST_ID]
    assert stray == []


def test_the_request_id_is_kept_with_each_outbox_message(
    env: ReadingsEnv, json_log: io.StringIO,  # noqa: F811
) -> None:
    cabinet(env).test_client().post("/readings", data=env.signed(env.document()),
                                    headers={"X-Request-ID": REQUEST_ID})

    with env.uow() as unit:
        kept = unit.session.scalars(
            OutboxEventRecord.__table__.select()
            .with_only_columns(OutboxEventRecord.detail)
            .where(OutboxEventRecord.event == CORRELATION_EVENT)).all()
    assert kept == [REQUEST_ID, REQUEST_ID]
    # The domain's own link is untouched: the settlement hook still finds the submission.
    assert {m.correlation_id for m in env.outbox()} == {"readings:1"}


def test_a_hostile_request_id_is_replaced(env: ReadingsEnv) -> None:  # noqa: F811
    response = cabinet(env).test_client().post(
        "/readings", data=b"<x/>", headers={"X-Request-ID": 'a", "level": "FORGED'})
    too_long = cabinet(env).test_client().post(
        "/readings", data=b"<x/>", headers={"X-Request-ID": "x" * 101})

    for answer in (response, too_long):
        given = answer.headers["X-Request-ID"]
        assert len(given) == 32 and given.isalnum()
