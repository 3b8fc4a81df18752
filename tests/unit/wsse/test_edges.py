"""Less common refusals: malformed tokens and timestamps, stale certificates, misuse of the API."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree

from adapter.errors import ConfigurationError, SignatureError
from adapter.soap.wsse import SigningIdentity, WsseSigner, verify_wsse
from adapter.soap.wsse_ns import DS_NS, WSSE_NS, WSU_NS, q

from .forge import custom_signed, find, signed, wire
from .pki import NOW, make_identity


def code_of(root, trusted, cache, now=NOW) -> str:
    with pytest.raises(SignatureError) as caught:
        verify_wsse(root, trusted_certs=[trusted.cert], now=now, replay_cache=cache)
    return caught.value.code


def set_created(text: str):
    def edit(root: etree._Element) -> None:
        find(root, WSU_NS, "Created").text = text

    return edit


@pytest.mark.parametrize(
    "created",
    ["2030-01-01T00:00:00", "yesterday", (NOW + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")],
)
def test_malformed_signed_timestamp(rsa_identity, cache, created) -> None:
    # Without a zone, unparsable, or after Expires: refused even though the signature is valid.
    root = custom_signed(rsa_identity, NOW, before=set_created(created))
    assert code_of(root, rsa_identity, cache) == "WSSE_TIMESTAMP"


def test_key_info_with_embedded_certificate_is_refused(rsa_identity, cache) -> None:
    root = signed(rsa_identity, NOW)
    key_info = find(root, DS_NS, "KeyInfo")
    for child in list(key_info):
        key_info.remove(child)
    etree.SubElement(etree.SubElement(key_info, q(DS_NS, "X509Data")), q(DS_NS, "X509Certificate"))
    assert code_of(root, rsa_identity, cache) == "WSSE_TOKEN"


def test_token_with_garbage_is_refused(rsa_identity, cache) -> None:
    root = signed(rsa_identity, NOW)
    find(root, WSSE_NS, "BinarySecurityToken").text = "bm90IGEgY2VydA=="
    assert code_of(root, rsa_identity, cache) == "WSSE_TOKEN"


def test_expired_pinned_certificate(cache) -> None:
    old = make_identity("old", ec.generate_private_key(ec.SECP256R1()), not_after=NOW)
    root = signed(old, NOW)
    verify_wsse(root, trusted_certs=[old.cert], now=NOW, replay_cache=cache)
    later = NOW + timedelta(seconds=1)
    assert code_of(signed(old, later), old, cache, now=later) == "WSSE_UNTRUSTED"


def test_envelope_must_be_the_document_root(rsa_identity, cache) -> None:
    outer = etree.Element("{urn:evil}Outer")
    outer.append(signed(rsa_identity, NOW))
    assert code_of(outer[0], rsa_identity, cache) == "WSSE_MALFORMED"


def test_naive_now_is_a_programming_error(rsa_identity, cache) -> None:
    with pytest.raises(ConfigurationError):
        verify_wsse(
            signed(rsa_identity, NOW),
            trusted_certs=[rsa_identity.cert],
            now=datetime(2030, 1, 1),
            replay_cache=cache,
        )


def test_key_and_certificate_must_match(rsa_identity) -> None:
    with pytest.raises(ConfigurationError):
        SigningIdentity.from_key(rsa.generate_private_key(65537, 2048), rsa_identity.cert)


def test_already_signed_envelope_is_not_signed_again(rsa_identity, ec_identity) -> None:
    client = WsseSigner(ec_identity.key, ec_identity.cert, peer_certs=[rsa_identity.cert])
    with pytest.raises(ConfigurationError):
        client.apply(wire(signed(ec_identity, NOW)), {})
