"""Every way a call can fail, mapped to a transient or permanent remote error with a stable code."""

from __future__ import annotations

import pytest
import requests

from adapter.delivery.transport import OutboundMessage
from adapter.errors import (
    ConfigurationError,
    PermanentRemoteError,
    RemoteError,
    TransientRemoteError,
)
from adapter.soap.client_factory import SoapClientConfig, build_service
from adapter.soap.transports import BillingTransport, SupplierTransport
from tests.unit.soap_clients.conftest import BILLING_URL, SUPPLIER_URL, fault_response


def _submit(supplier, document) -> RemoteError:  # noqa: ANN001
    with pytest.raises(RemoteError) as caught:
        supplier.submit_meter_readings(document, idempotency_key="k")
    assert caught.value.__cause__ is not None  # always raised from the original
    return caught.value


@pytest.mark.parametrize(
    ("exception", "code"),
    [
        (requests.exceptions.ReadTimeout("slow"), "REMOTE_TIMEOUT"),
        (requests.exceptions.ConnectTimeout("slow"), "REMOTE_TIMEOUT"),
        (requests.exceptions.ConnectionError("refused"), "REMOTE_CONNECTION"),
        (requests.exceptions.ChunkedEncodingError("reset"), "REMOTE_CONNECTION"),
    ],
)
def test_network_failures_are_transient(mocked, supplier, document, exception, code):
    mocked.post(SUPPLIER_URL, body=exception)

    error = _submit(supplier, document)

    assert isinstance(error, TransientRemoteError) and error.retryable
    assert error.code == code


def test_server_fault_is_transient_with_the_peer_code(mocked, supplier, document):
    mocked.post(SUPPLIER_URL, body=fault_response("Server", "DB_DOWN"), status=500,
                content_type="text/xml")

    error = _submit(supplier, document)

    assert isinstance(error, TransientRemoteError)
    assert (error.code, error.fields["fault_code"]) == ("REMOTE_SERVER_FAULT", "DB_DOWN")


def test_client_fault_is_permanent_with_the_peer_code(mocked, supplier, document):
    mocked.post(SUPPLIER_URL, body=fault_response("Client", "WSSE_EXPIRED"), status=500,
                content_type="text/xml")

    error = _submit(supplier, document)

    assert isinstance(error, PermanentRemoteError) and not error.retryable
    assert (error.code, error.fields["fault_code"]) == ("REMOTE_CLIENT_FAULT", "WSSE_EXPIRED")


def test_a_fault_without_detail_still_maps(mocked, supplier, document):
    mocked.post(SUPPLIER_URL, body=fault_response("Client", None), status=500,
                content_type="text/xml")

    error = _submit(supplier, document)

    assert (error.code, error.fields["fault_code"]) == ("REMOTE_CLIENT_FAULT", None)


@pytest.mark.parametrize(
    ("status", "kind", "code"),
    [
        (500, TransientRemoteError, "REMOTE_HTTP_5XX"),
        (503, TransientRemoteError, "REMOTE_HTTP_5XX"),
        (429, TransientRemoteError, "REMOTE_HTTP_RETRY"),
        (404, PermanentRemoteError, "REMOTE_HTTP_4XX"),
    ],
)
def test_http_errors_without_soap(mocked, supplier, document, status, kind, code):
    mocked.post(SUPPLIER_URL, body="<html>Bad Gateway</html", status=status,
                content_type="text/html")

    error = _submit(supplier, document)

    assert isinstance(error, kind)
    assert (error.code, error.fields["status"]) == (code, status)


@pytest.mark.parametrize(
    "body",
    [
        b"not xml at all",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        b'<p:SubmitMeterReadingsResponse xmlns:p="urn:roe:exchange:supplier:1">'
        b"<p:unexpected/></p:SubmitMeterReadingsResponse></soap:Body></soap:Envelope>",
    ],
    ids=["garbage", "dtd", "off-contract"],
)
def test_unreadable_answers_are_transient_bad_responses(mocked, supplier, document, body):
    mocked.post(SUPPLIER_URL, body=body, status=200, content_type="text/xml")

    error = _submit(supplier, document)

    assert isinstance(error, TransientRemoteError)
    assert error.code == "REMOTE_BAD_RESPONSE"


def test_fetch_failures_map_the_same_way(mocked, billing):
    mocked.post(BILLING_URL, body=requests.exceptions.ReadTimeout("slow"))

    with pytest.raises(TransientRemoteError) as caught:
        billing.fetch_documents(None, 10)

    assert caught.value.code == "REMOTE_TIMEOUT"


@pytest.mark.parametrize("transport", ["supplier", "billing"])
def test_a_kind_the_peer_does_not_take_is_permanent(supplier, billing, transport):
    chosen = SupplierTransport(supplier) if transport == "supplier" else BillingTransport(billing)
    message = OutboundMessage(1, transport, "SupplierInvoice", "62X0000000000012", "M", 1,
                              b"<x/>", 0, "k")

    with pytest.raises(PermanentRemoteError) as caught:
        chosen.deliver(message)

    assert caught.value.code == "DELIVERY_KIND_UNSUPPORTED"


def test_the_factory_always_sets_the_operation_timeout_and_the_endpoint():
    service = build_service("billing", SoapClientConfig("https://billing.example/soap",
                                                        timeout=7.5))

    assert service._binding_options["address"] == "https://billing.example/soap"
    transport = service._client.transport
    assert (transport.operation_timeout, transport.load_timeout) == (7.5, 7.5)
    settings = service._client.settings
    assert (settings.forbid_dtd, settings.forbid_entities, settings.strict) == (True, True, True)


@pytest.mark.parametrize(
    ("system", "config", "code"),
    [
        ("erp", SoapClientConfig("http://x/soap"), "CONFIG_UNKNOWN_SYSTEM"),
        ("supplier", SoapClientConfig("ftp://x/soap"), "CONFIG_BAD_ENDPOINT"),
        ("supplier", SoapClientConfig("http://x/soap", timeout=0), "CONFIG_BAD_TIMEOUT"),
    ],
)
def test_the_factory_refuses_bad_configuration(system, config, code):
    with pytest.raises(ConfigurationError) as caught:
        build_service(system, config)

    assert caught.value.code == code
