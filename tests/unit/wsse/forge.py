"""Build envelopes, honest and forged, for the WS-Security tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import xmlsec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from lxml import etree

from adapter.safexml import parse_xml
from adapter.soap.wsse import SigningIdentity, sign_tree
from adapter.soap.wsse_ns import SOAP11_NS, WSSE_NS, WSU_ID, WSU_NS, q

from .pki import Identity

BODY = (
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
    b'<soap:Body><ex:Submit xmlns:ex="urn:roe:exchange:1"><ex:Amount>1000</ex:Amount>'
    b"</ex:Submit></soap:Body></soap:Envelope>"
)


def envelope(data: bytes = BODY) -> etree._Element:
    """A parsed unsigned envelope."""
    return parse_xml(data)


def wire(element: etree._Element) -> etree._Element:
    """Serialize and parse again, as the message would travel."""
    return parse_xml(etree.tostring(element))


def signed(
    who: Identity, now: datetime, ttl: timedelta = timedelta(minutes=5), data: bytes = BODY
) -> etree._Element:
    """An envelope signed by ``who`` with our production signer, as received over the wire."""
    return wire(
        sign_tree(envelope(data), SigningIdentity.from_key(who.key, who.cert), now=now, ttl=ttl)
    )


def find(root: etree._Element, ns: str, local: str) -> etree._Element:
    """The first descendant ``{ns}local``."""
    found = root.find(f".//{q(ns, local)}")
    assert found is not None, local
    return found


def custom_signed(
    who: Identity,
    now: datetime,
    *,
    parts: tuple[str, ...] = ("body", "timestamp"),
    method: object = xmlsec.Transform.RSA_SHA256,
    digest: object = xmlsec.Transform.SHA256,
    transform: object = xmlsec.Transform.EXCL_C14N,
    before: Callable[[etree._Element], None] | None = None,
) -> etree._Element:
    """An envelope signed the production way but with chosen parts and algorithms.

    Starts from an honest signature and re-signs it (after ``before`` edits the tree), so only
    the named knob differs.
    """
    root = signed(who, now)
    if before is not None:
        before(root)
    signature = find(root, "http://www.w3.org/2000/09/xmldsig#", "Signature")
    security = signature.getparent()
    key_info = signature.find("{http://www.w3.org/2000/09/xmldsig#}KeyInfo")
    security.remove(signature)
    new = xmlsec.template.create(root, xmlsec.Transform.EXCL_C14N, method, ns="ds")
    security.append(new)
    targets = {
        "body": root.find(q(SOAP11_NS, "Body")),
        "timestamp": find(root, WSU_NS, "Timestamp"),
    }
    ctx = xmlsec.SignatureContext()
    for name in parts:
        element = targets[name]
        ctx.register_id(element, "Id", WSU_NS)
        ref = xmlsec.template.add_reference(new, digest, uri="#" + element.get(WSU_ID))
        xmlsec.template.add_transform(ref, transform)
    new.append(key_info)
    pem = who.key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    ctx.key = xmlsec.Key.from_memory(pem, xmlsec.KeyFormat.PEM, None)
    ctx.sign(new)
    return wire(root)


def wsse(local: str) -> str:
    """Clark name in the wsse namespace."""
    return q(WSSE_NS, local)
