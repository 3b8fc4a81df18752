"""WsseSigner.verify on responses: the same policy as the server, faults looked at first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    PrivateFormat,
)
from lxml import etree

from adapter.errors import SignatureError
from adapter.safexml import parse_xml
from adapter.soap.wsse import WsseSigner, sign_envelope
from adapter.soap.wsse_ns import DS_NS

from .forge import find, signed
from .pki import NOW, signer_for

FAULT = (
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b"<soap:Fault><faultcode>soap:Server</faultcode><faultstring>boom</faultstring>"
    b"</soap:Fault></soap:Body></soap:Envelope>"
)


def test_unsigned_fault_is_handed_back(rsa_identity, ec_identity) -> None:
    client = signer_for(ec_identity, rsa_identity)
    root = parse_xml(FAULT)
    assert client.verify(root) is root
    assert client.verify_response(root) is None


def test_signed_fault_is_verified(rsa_identity, ec_identity) -> None:
    client = signer_for(ec_identity, rsa_identity)
    data = sign_envelope(FAULT, key=rsa_identity.key, cert=rsa_identity.cert, now=NOW)
    result = client.verify_response(parse_xml(data))
    assert result is not None and result.certificate == rsa_identity.cert
    with pytest.raises(SignatureError) as caught:
        client.verify(parse_xml(data.replace(b">boom<", b">fine<")))
    assert caught.value.code == "WSSE_INVALID"


def test_fault_signed_by_a_stranger_is_not_waved_through(rsa_identity, ec_identity, stranger):
    client = signer_for(ec_identity, rsa_identity)
    data = sign_envelope(FAULT, key=stranger.key, cert=stranger.cert, now=NOW)
    with pytest.raises(SignatureError) as caught:
        client.verify(parse_xml(data))
    assert caught.value.code == "WSSE_UNTRUSTED"


def test_fault_with_timestamp_but_no_signature_counts_as_unsigned(rsa_identity, ec_identity):
    client = signer_for(ec_identity, rsa_identity)
    root = parse_xml(sign_envelope(FAULT, key=rsa_identity.key, cert=rsa_identity.cert, now=NOW))
    signature = find(root, DS_NS, "Signature")
    signature.getparent().remove(signature)
    assert client.verify_response(root) is None


def test_success_response_must_be_signed_by_the_peer(rsa_identity, ec_identity) -> None:
    client = signer_for(ec_identity, rsa_identity)
    assert client.verify_response(signed(rsa_identity, NOW)).certificate == rsa_identity.cert
    with pytest.raises(SignatureError) as caught:
        client.verify(signed(ec_identity, NOW))  # our own certificate is not the peer's
    assert caught.value.code == "WSSE_UNTRUSTED"


def test_response_replay_and_expiry(rsa_identity, ec_identity) -> None:
    clock = [NOW]
    client = signer_for(ec_identity, rsa_identity, clock=lambda: clock[0])
    data = etree.tostring(signed(rsa_identity, NOW))
    client.verify(parse_xml(data))
    with pytest.raises(SignatureError) as caught:
        client.verify(parse_xml(data))
    assert caught.value.code == "WSSE_REPLAY"
    clock[0] = NOW + timedelta(minutes=11)
    with pytest.raises(SignatureError) as caught:
        client.verify(parse_xml(data))
    assert caught.value.code == "WSSE_EXPIRED"


def test_from_pem_signs_like_the_constructor(rsa_identity, ec_identity) -> None:
    key_pem = ec_identity.key.private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(b"secret")
    )
    client = WsseSigner.from_pem(
        key_pem,
        ec_identity.cert.public_bytes(Encoding.PEM),
        password=b"secret",
        peer_certs=[rsa_identity.cert],
        clock=lambda: NOW,
    )
    server_side = signer_for(rsa_identity, ec_identity)
    root = parse_xml(FAULT.replace(b"soap:Fault", b"ok"))
    client.apply(root, {})
    assert server_side.verify_response(parse_xml(etree.tostring(root))) is not None
