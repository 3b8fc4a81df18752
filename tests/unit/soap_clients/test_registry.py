"""BillingClient.get_registry: a page is believed only when billing's pinned key signed it."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from adapter.domain.documents import ConsumerRegistry, DocumentHeader, DocumentKind
from adapter.errors import PermanentRemoteError
from adapter.mappers import write_document
from adapter.sandbox import DEMO_CONSUMERS
from adapter.signing import sign
from tests.support.pki import signing_key
from tests.unit.soap_clients.conftest import BILLING_URL


def _page(pki, party: str) -> bytes:  # noqa: ANN001
    registry = ConsumerRegistry(
        DocumentHeader("REG-1", 1, DocumentKind.CONSUMER_REGISTRY, "62X000000000003Z",
                       "62X0000000000012", datetime(2026, 11, 1, tzinfo=UTC)),
        DEMO_CONSUMERS[:2],
    )
    signed = sign(write_document(registry), key=signing_key(pki, party))
    return (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        '<p:GetRegistryResponse xmlns:p="urn:roe:exchange:billing:1">'
        f"<p:registry>{base64.b64encode(signed).decode()}</p:registry>"
        "<p:nextCursor>2</p:nextCursor><p:hasMore>true</p:hasMore>"
        "</p:GetRegistryResponse></soap:Body></soap:Envelope>"
    ).encode()


def test_a_page_signed_by_billing_is_read(mocked, billing, sandbox_pki):
    mocked.post(BILLING_URL, body=_page(sandbox_pki, "billing"), content_type="text/xml")

    page = billing.get_registry(None)

    assert [c.contract_number for c in page.registry.consumers] == ["270000001", "270000002"]
    assert (page.next_cursor, page.has_more) == ("2", True)


def test_a_page_signed_by_anyone_else_is_a_bad_signature(mocked, billing, sandbox_pki):
    mocked.post(BILLING_URL, body=_page(sandbox_pki, "supplier"), content_type="text/xml")

    with pytest.raises(PermanentRemoteError) as caught:
        billing.get_registry(None)

    assert caught.value.code == "REMOTE_BAD_SIGNATURE"
