"""Every way verify_wsse refuses a message, each with its stable code."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
import xmlsec
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from zeep.wsse.signature import _verify_envelope_with_key

from adapter.errors import ReplayError, SignatureError
from adapter.soap.wsse import verify_wsse
from adapter.soap.wsse_ns import DS_NS, SOAP11_NS, WSSE_NS, WSU_ID, WSU_NS, q

from .forge import custom_signed, envelope, find, signed, wire
from .pki import NOW


def rejects(root, code: str, trusted, cache, now=NOW) -> SignatureError:
    with pytest.raises(SignatureError) as caught:
        verify_wsse(root, trusted_certs=[trusted.cert], now=now, replay_cache=cache)
    assert caught.value.code == code, caught.value
    return caught.value


def body_of(root):
    return root.find(q(SOAP11_NS, "Body"))


def test_missing_header(rsa_identity, cache) -> None:
    rejects(envelope(), "WSSE_MISSING", rsa_identity, cache)


def test_security_without_signature(rsa_identity, cache) -> None:
    root = signed(rsa_identity, NOW)
    signature = find(root, DS_NS, "Signature")
    signature.getparent().remove(signature)
    rejects(root, "WSSE_MISSING", rsa_identity, cache)


def test_two_security_headers(rsa_identity, cache) -> None:
    root = signed(rsa_identity, NOW)
    security = find(root, WSSE_NS, "Security")
    security.getparent().append(copy.deepcopy(security))
    rejects(root, "WSSE_MULTIPLE", rsa_identity, cache)


def test_two_signatures(rsa_identity, cache) -> None:
    root = signed(rsa_identity, NOW)
    signature = find(root, DS_NS, "Signature")
    signature.getparent().append(copy.deepcopy(signature))
    rejects(root, "WSSE_MULTIPLE", rsa_identity, cache)


def test_two_bodies(rsa_identity, cache) -> None:
    root = signed(rsa_identity, NOW)
    root.append(etree.Element(q(SOAP11_NS, "Body")))
    rejects(root, "WSSE_MULTIPLE", rsa_identity, cache)


def test_untrusted_certificate(identity, stranger, cache) -> None:
    rejects(signed(stranger, NOW), "WSSE_UNTRUSTED", identity, cache)


def test_trusted_token_swapped_in_does_not_help(rsa_identity, stranger, cache) -> None:
    # The stranger signs, then pastes the pinned certificate into the token: crypto must fail.
    root = signed(stranger, NOW)
    pinned = signed(rsa_identity, NOW)
    find(root, WSSE_NS, "BinarySecurityToken").text = find(
        pinned, WSSE_NS, "BinarySecurityToken"
    ).text
    rejects(root, "WSSE_ALGORITHM", rsa_identity, cache)  # EC signature, RSA key


def test_trusted_token_same_key_type_swapped_in(ec_identity, stranger, cache) -> None:
    root = signed(stranger, NOW)
    pinned = signed(ec_identity, NOW)
    find(root, WSSE_NS, "BinarySecurityToken").text = find(
        pinned, WSSE_NS, "BinarySecurityToken"
    ).text
    rejects(root, "WSSE_INVALID", ec_identity, cache)


def test_body_altered_after_signing(identity, cache) -> None:
    root = signed(identity, NOW)
    find(root, "urn:roe:exchange:1", "Amount").text = "1"
    rejects(root, "WSSE_INVALID", identity, cache)


def test_signature_value_altered(identity, cache) -> None:
    root = signed(identity, NOW)
    value = find(root, DS_NS, "SignatureValue")
    value.text = ("A" if value.text.strip()[0] != "A" else "B") + value.text.strip()[1:]
    rejects(root, "WSSE_INVALID", identity, cache)


def test_body_not_signed(rsa_identity, cache) -> None:
    root = custom_signed(rsa_identity, NOW, parts=("timestamp",))
    rejects(root, "WSSE_BODY_NOT_SIGNED", rsa_identity, cache)


def test_timestamp_not_signed(rsa_identity, cache) -> None:
    root = custom_signed(rsa_identity, NOW, parts=("body",))
    rejects(root, "WSSE_TIMESTAMP_NOT_SIGNED", rsa_identity, cache)


def test_body_signed_twice(rsa_identity, cache) -> None:
    root = custom_signed(rsa_identity, NOW, parts=("body", "timestamp", "body"))
    rejects(root, "WSSE_REFERENCE", rsa_identity, cache)


def test_custom_signed_control_is_accepted(rsa_identity, cache) -> None:
    # The forging helper itself produces acceptable signatures when nothing is wrong.
    root = custom_signed(rsa_identity, NOW)
    verify_wsse(root, trusted_certs=[rsa_identity.cert], now=NOW, replay_cache=cache)


@pytest.mark.parametrize(
    ("method", "digest"),
    [
        (xmlsec.Transform.RSA_SHA1, xmlsec.Transform.SHA256),
        (xmlsec.Transform.RSA_SHA256, xmlsec.Transform.SHA1),
        (xmlsec.Transform.RSA_SHA512, xmlsec.Transform.SHA256),
    ],
)
def test_algorithm_not_allowed(rsa_identity, cache, method, digest) -> None:
    root = custom_signed(rsa_identity, NOW, method=method, digest=digest)
    rejects(root, "WSSE_ALGORITHM", rsa_identity, cache)


def test_hmac_not_allowed(rsa_identity, cache) -> None:
    root = signed(rsa_identity, NOW)
    method = find(root, DS_NS, "SignatureMethod")
    method.set("Algorithm", "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256")
    rejects(root, "WSSE_ALGORITHM", rsa_identity, cache)


def test_transform_not_allowed(rsa_identity, cache) -> None:
    root = custom_signed(rsa_identity, NOW, transform=xmlsec.Transform.C14N)
    rejects(root, "WSSE_TRANSFORM", rsa_identity, cache)


def test_wrapped_body_without_id_on_forged_body(identity, cache) -> None:
    root = signed(identity, NOW)
    original = body_of(root)
    # Classic wrapping: the signed Body goes into a header wrapper, a forged Body takes its place.
    wrapper = etree.SubElement(root.find(q(SOAP11_NS, "Header")), "{urn:evil}Wrapper")
    root.remove(original)
    wrapper.append(original)
    forged = etree.SubElement(root, q(SOAP11_NS, "Body"))
    etree.SubElement(forged, "{urn:roe:exchange:1}Submit").text = "forged"
    root = wire(root)
    _assert_plain_xmlsec_accepts(root, identity)
    rejects(root, "WSSE_BODY_NOT_SIGNED", identity, cache)


def test_wrapped_body_with_copied_id(identity, cache) -> None:
    root = signed(identity, NOW)
    original = body_of(root)
    wrapper = etree.SubElement(root.find(q(SOAP11_NS, "Header")), "{urn:evil}Wrapper")
    root.remove(original)
    wrapper.append(original)
    forged = etree.SubElement(root, q(SOAP11_NS, "Body"), {WSU_ID: original.get(WSU_ID)})
    etree.SubElement(forged, "{urn:roe:exchange:1}Submit").text = "forged"
    rejects(wire(root), "WSSE_DUPLICATE_ID", identity, cache)


@pytest.mark.parametrize(
    "attribute", ["Id", "ID", "id", "{http://www.w3.org/XML/1998/namespace}id"]
)
def test_duplicate_id_under_another_attribute(rsa_identity, cache, attribute) -> None:
    root = signed(rsa_identity, NOW)
    body_id = body_of(root).get(WSU_ID)
    etree.SubElement(root.find(q(SOAP11_NS, "Header")), "{urn:evil}Decoy", {attribute: body_id})
    rejects(wire(root), "WSSE_DUPLICATE_ID", rsa_identity, cache)


def test_duplicate_timestamp_id(rsa_identity, cache) -> None:
    root = signed(rsa_identity, NOW)
    stamp_id = find(root, WSU_NS, "Timestamp").get(WSU_ID)
    find(root, "urn:roe:exchange:1", "Amount").set(WSU_ID, stamp_id)
    rejects(wire(root), "WSSE_DUPLICATE_ID", rsa_identity, cache)


def test_comment_inside_signed_body(rsa_identity, cache) -> None:
    root = signed(rsa_identity, NOW)
    amount = find(root, "urn:roe:exchange:1", "Amount")
    amount.text = "1"
    comment = etree.Comment("")
    comment.tail = "000"
    amount.append(comment)
    root = wire(root)
    _assert_plain_xmlsec_accepts(root, rsa_identity)  # exclusive c14n ignores the comment
    rejects(root, "WSSE_COMMENT", rsa_identity, cache)


def test_expired(identity, cache) -> None:
    root = signed(identity, NOW)
    later = NOW + timedelta(minutes=5) + timedelta(minutes=5, seconds=1)
    rejects(root, "WSSE_EXPIRED", identity, cache, now=later)


def test_older_than_freshness_window_despite_long_expiry(rsa_identity, cache) -> None:
    root = signed(rsa_identity, NOW, ttl=timedelta(hours=1))
    # Accepted at the very edge of the window (5 min + 5 min skew) ...
    edge = NOW + timedelta(minutes=10)
    verify_wsse(root, trusted_certs=[rsa_identity.cert], now=edge, replay_cache=cache)
    # ... and refused one second after it, although Expires is still 50 minutes away.
    rejects(root, "WSSE_EXPIRED", rsa_identity, cache, now=edge + timedelta(seconds=1))


def test_created_in_the_future(identity, cache) -> None:
    root = signed(identity, NOW + timedelta(minutes=5, seconds=1))
    rejects(root, "WSSE_NOT_YET_VALID", identity, cache)


def test_future_within_skew_is_accepted(rsa_identity, cache) -> None:
    root = signed(rsa_identity, NOW + timedelta(minutes=4))
    verify_wsse(root, trusted_certs=[rsa_identity.cert], now=NOW, replay_cache=cache)


def test_replay(identity, cache) -> None:
    data = etree.tostring(signed(identity, NOW))
    verify_wsse(wire_bytes(data), trusted_certs=[identity.cert], now=NOW, replay_cache=cache)
    with pytest.raises(ReplayError) as caught:
        verify_wsse(wire_bytes(data), trusted_certs=[identity.cert], now=NOW, replay_cache=cache)
    assert caught.value.code == "WSSE_REPLAY"


def wire_bytes(data: bytes):
    return etree.fromstring(data)


def _assert_plain_xmlsec_accepts(root, who) -> None:
    """Show the attack is real: a verifier that only asks xmlsec would have said yes."""

    key = xmlsec.Key.from_memory(who.cert.public_bytes(Encoding.PEM), xmlsec.KeyFormat.CERT_PEM)
    _verify_envelope_with_key(copy.deepcopy(root), key)
