"""Clients against mocked HTTP (``responses``): signed acknowledgements and SOAP answers."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
import responses

from adapter.mappers import build_acknowledgement, read_header, write_document
from adapter.pki import SandboxPki
from adapter.safexml import parse_xml
from adapter.signing import TrustedParty, VerificationPolicy, sign
from adapter.soap.billing import BillingClient
from adapter.soap.client_factory import AckReader, SoapClientConfig, build_service
from adapter.soap.supplier import SupplierClient
from tests.support.exchange import supplier_invoice
from tests.support.pki import sandbox_pki, signing_key  # noqa: F401

SUPPLIER_URL = "http://127.0.0.1:9/soap/supplier"
BILLING_URL = "http://127.0.0.1:9/soap/billing"
SUPPLIER_NS = "urn:roe:exchange:supplier:1"


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def supplier(sandbox_pki: SandboxPki) -> SupplierClient:  # noqa: F811
    policy = VerificationPolicy(parties=(
        TrustedParty("supplier", pinned_certs=(sandbox_pki.supplier_cert,)),
        TrustedParty("billing", pinned_certs=(sandbox_pki.billing_cert,)),
    ))
    service = build_service("supplier", SoapClientConfig(SUPPLIER_URL, timeout=2))
    return SupplierClient(service, AckReader(policy, "supplier"))


@pytest.fixture
def billing(sandbox_pki: SandboxPki) -> BillingClient:  # noqa: F811
    policy = VerificationPolicy(parties=(
        TrustedParty("billing", pinned_certs=(sandbox_pki.billing_cert,)),))
    service = build_service("billing", SoapClientConfig(BILLING_URL, timeout=2))
    return BillingClient(service, AckReader(policy, "billing"))


@pytest.fixture
def document(sandbox_pki: SandboxPki) -> bytes:  # noqa: F811
    """A signed document to submit (its kind does not matter to the client)."""
    return sign(write_document(supplier_invoice("DOC-1")), key=signing_key(sandbox_pki, "dso"))


def ack_for(pki: SandboxPki, submitted: bytes, reason: str, *, party: str = "supplier",
            error_code: str | None = None, text: str | None = None,
            mrid: str | None = None) -> bytes:
    """A signed acknowledgement of ``submitted`` by ``party``."""
    header = read_header(parse_xml(submitted))
    if mrid is not None:
        header = type(header)(mrid, header.revision, header.kind, header.sender_eic,
                              header.receiver_eic, header.created_at)
    unsigned = build_acknowledgement(header, reason=reason, error_code=error_code, text=text)
    return sign(unsigned, key=signing_key(pki, party))


def ack_response(ack: bytes, reason: str, operation: str = "SubmitMeterReadings",
                 ns: str = SUPPLIER_NS) -> bytes:
    """A SOAP response carrying ``ack``."""
    encoded = base64.b64encode(ack).decode("ascii")
    return (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        f'<p:{operation}Response xmlns:p="{ns}"><p:acknowledgement>{encoded}</p:acknowledgement>'
        f"<p:reasonCode>{reason}</p:reasonCode></p:{operation}Response>"
        "</soap:Body></soap:Envelope>"
    ).encode()


def fault_response(kind: str, code: str | None = "PEER_CODE") -> bytes:
    """A SOAP 1.1 fault (``Client`` or ``Server``) with an optional err:error detail."""
    detail = (f'<detail><e:error xmlns:e="urn:roe:exchange:errors:1"><e:code>{code}</e:code>'
              "<e:message>ні</e:message></e:error></detail>") if code else ""
    return (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        f"<soap:Fault><faultcode>soap:{kind}</faultcode><faultstring>{code}: ні</faultstring>"
        f"{detail}</soap:Fault></soap:Body></soap:Envelope>"
    ).encode()
