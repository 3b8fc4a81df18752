"""Signing with our signer and verifying with verify_wsse: the happy paths."""

from __future__ import annotations

from datetime import timedelta

from lxml import etree

from adapter.soap.wsse import WsseResult, verify_wsse
from adapter.soap.wsse_ns import DS_NS, SOAP11_NS, WSSE_NS, WSU_ID, WSU_NS, q

from .forge import envelope, find, signed
from .pki import NOW, signer_for


def test_signed_envelope_verifies(identity, cache) -> None:
    root = signed(identity, NOW)
    result = verify_wsse(root, trusted_certs=[identity.cert], now=NOW, replay_cache=cache)
    assert isinstance(result, WsseResult)
    assert result.certificate == identity.cert
    assert result.created == NOW
    assert result.expires == NOW + timedelta(minutes=5)
    assert len(result.replay_key) == 64


def test_signature_shape(identity) -> None:
    root = signed(identity, NOW)
    security = find(root, WSSE_NS, "Security")
    assert security.get(q(SOAP11_NS, "mustUnderstand")) == "1"
    assert [etree.QName(child).localname for child in security] == [
        "Timestamp",
        "BinarySecurityToken",
        "Signature",
    ]
    uris = [ref.get("URI") for ref in security.iter(q(DS_NS, "Reference"))]
    body = root.find(q(SOAP11_NS, "Body"))
    stamp = find(root, WSU_NS, "Timestamp")
    assert uris == ["#" + body.get(WSU_ID), "#" + stamp.get(WSU_ID)]
    methods = {el.get("Algorithm") for el in security.iter(q(DS_NS, "SignatureMethod"))}
    assert methods <= {
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256",
    }
    digests = {el.get("Algorithm") for el in security.iter(q(DS_NS, "DigestMethod"))}
    assert digests == {"http://www.w3.org/2001/04/xmlenc#sha256"}
    assert b'xmlns:wsu="' + WSU_NS.encode() + b'"' in etree.tostring(root)


def test_client_signer_round_trip(rsa_identity, ec_identity, cache) -> None:
    # The client signs as EC and trusts the RSA peer; the server pins the EC certificate.
    client = signer_for(ec_identity, rsa_identity)
    applied, headers = client.apply(envelope(), {"X": "1"})
    assert headers == {"X": "1"}
    received = etree.fromstring(etree.tostring(applied))
    result = verify_wsse(received, trusted_certs=[ec_identity.cert], now=NOW, replay_cache=cache)
    assert result.certificate == ec_identity.cert
