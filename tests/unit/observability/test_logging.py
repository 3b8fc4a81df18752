"""The JSON log formatter, configure_logging, correlation ids and the SOAP correlation header."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from adapter.observability import (
    accept_correlation_id,
    bound,
    configure_logging,
    current_correlation_id,
)
from adapter.soap.client_factory import (
    CORRELATION_RELATIONSHIP,
    IDEMPOTENCY_URN,
    WSA_NS,
    PeerClient,
    request_headers,
)


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    out = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(json=True, level="DEBUG", stream=out)
    yield out
    root.removeHandler(handler)
    root.setLevel(level)


def records(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_json_object_per_line_with_the_bound_id_and_extras(stream: io.StringIO) -> None:
    log = logging.getLogger("adapter.test")
    with bound("abc-1"):
        log.info("показники %s\nприйнято", 7, extra={"destination": "billing", "attempt": 2})
    log.warning("outside")

    first, second = records(stream)
    assert first["message"] == "показники 7\nприйнято"
    assert first["correlation_id"] == "abc-1"
    assert first["level"] == "INFO" and first["logger"] == "adapter.test"
    assert (first["destination"], first["attempt"]) == ("billing", 2)
    assert first["time"].endswith("+00:00")
    assert second["correlation_id"] is None
    assert "taskName" not in first and "args" not in first
    assert len(stream.getvalue().splitlines()) == 2  # the newline stayed inside the JSON


def test_exceptions_are_kept_inside_the_line(stream: io.StringIO) -> None:
    try:
        raise ValueError("зламано")
    except ValueError:
        logging.getLogger("adapter.test").exception("failed")

    (record,) = records(stream)
    assert "ValueError: зламано" in record["exception"]


def test_configure_logging_twice_keeps_one_handler_and_honours_the_level() -> None:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    out = io.StringIO()
    try:
        configure_logging(json=True, level="INFO", stream=io.StringIO())
        handler = configure_logging(json=False, level="WARNING", stream=out)
        logging.getLogger("adapter.test").info("hidden")
        with bound("t-9"):
            logging.getLogger("adapter.test").warning("shown")
        assert len(root.handlers) == len(before) + 1
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    text = out.getvalue()
    assert "hidden" not in text
    assert "WARNING adapter.test [t-9] shown" in text


def test_bound_restores_the_outer_id() -> None:
    with bound("outer"):
        with bound("inner"):
            assert current_correlation_id() == "inner"
        assert current_correlation_id() == "outer"
    assert current_correlation_id() is None


@pytest.mark.parametrize("candidate, kept", [
    ("req-42", True), ("0af7651916cd43dd8448eb211c80319c", True), ("a:b/c@d.e_f", True),
    ("", False), (None, False), ("x" * 101, False), ("a b", False), ('a"b', False),
])
def test_accept_correlation_id(candidate: str | None, kept: bool) -> None:
    result = accept_correlation_id(candidate)
    assert (result == candidate) is kept
    if not kept:
        assert len(result) == 32


def test_request_headers_carry_the_idempotency_key_and_the_bound_correlation_id() -> None:
    assert [h.tag for h in request_headers("K:1:1")] == [f"{{{WSA_NS}}}MessageID"]
    with bound("req-7"):
        message_id, relates_to = request_headers("K:1:1")
    assert message_id.text == IDEMPOTENCY_URN + "K:1:1"
    assert relates_to.tag == f"{{{WSA_NS}}}RelatesTo"
    assert relates_to.get("RelationshipType") == CORRELATION_RELATIONSHIP
    assert relates_to.text == "req-7"


class _Service:
    def __init__(self) -> None:
        self.headers: list[Any] = []

    def SubmitMeterReadings(self, document: bytes, _soapheaders: list[Any]) -> Any:  # noqa: N802
        self.headers = _soapheaders
        return type("Result", (), {"acknowledgement": b"ack"})()


class _Acks:
    def read(self, where: str, raw: bytes, submitted: bytes) -> Any:
        return type("Ack", (), {"code": "A01"})()


def test_a_submission_sends_the_correlation_header_and_logs_the_ack(
    stream: io.StringIO,
) -> None:
    service = _Service()
    client = PeerClient(service, _Acks())  # type: ignore[arg-type]
    client.system = "supplier"

    with bound("req-8"):
        client._submit("SubmitMeterReadings", b"<doc/>", "K:2:1")

    assert [h.text for h in service.headers] == [IDEMPOTENCY_URN + "K:2:1", "req-8"]
    (record,) = [r for r in records(stream) if r["logger"] == "adapter.soap.client_factory"]
    assert record["correlation_id"] == "req-8" and record["ack_code"] == "A01"
