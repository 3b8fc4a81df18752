"""Find the parts of a SOAP envelope that WS-Security is about, refusing ambiguous shapes.

Signature wrapping attacks live on ambiguity (two Bodies, two Security headers, a Body that is
not where a SOAP stack reads it), so every lookup here demands exactly one of each, at the one
place a SOAP processor would look.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from adapter.errors import SignatureError
from adapter.soap.wsse_ns import DS_NS, SOAP_NAMESPACES, WSSE_NS, WSU_NS, q


@dataclass(frozen=True)
class EnvelopeParts:
    """The Envelope's own Body and, when present, its one Security header and what it holds."""

    envelope: etree._Element
    soap_ns: str
    body: etree._Element
    security: etree._Element | None
    signature: etree._Element | None
    timestamp: etree._Element | None


def _malformed(message: str) -> SignatureError:
    return SignatureError(message, code="WSSE_MALFORMED")


def _multiple(what: str) -> SignatureError:
    return SignatureError(f"У повідомленні більше одного елемента {what}.", code="WSSE_MULTIPLE")


def _children(parent: etree._Element, tag: str) -> list[etree._Element]:
    return [child for child in parent if child.tag == tag]


def _one_or_none(parent: etree._Element, tag: str, what: str) -> etree._Element | None:
    found = _children(parent, tag)
    if len(found) > 1:
        raise _multiple(what)
    return found[0] if found else None


def soap_namespace(envelope: etree._Element) -> str:
    """The SOAP namespace of ``envelope``, or raise WSSE_MALFORMED when it is no SOAP Envelope."""
    qname = etree.QName(envelope)
    if qname.localname != "Envelope" or qname.namespace not in SOAP_NAMESPACES:
        raise _malformed("Очікувався SOAP Envelope.")
    if envelope.getparent() is not None:
        raise _malformed("SOAP Envelope має бути кореневим елементом документа.")
    return qname.namespace


def locate(envelope: etree._Element) -> EnvelopeParts:
    """Split ``envelope`` into its parts; raise WSSE_MALFORMED or WSSE_MULTIPLE on odd shapes."""
    soap_ns = soap_namespace(envelope)
    header = _one_or_none(envelope, q(soap_ns, "Header"), "soap:Header")
    body = _one_or_none(envelope, q(soap_ns, "Body"), "soap:Body")
    if body is None:
        raise _malformed("У SOAP-повідомленні немає soap:Body.")
    # Count Security headers anywhere, not only in soap:Header: a second one elsewhere is exactly
    # the kind of decoy a wrapping attack plants for a less careful reader.
    all_security = list(envelope.iter(q(WSSE_NS, "Security")))
    if len(all_security) > 1:
        raise _multiple("wsse:Security")
    security = None
    if header is not None and all_security and all_security[0].getparent() is header:
        security = all_security[0]
    elif all_security:
        raise _malformed("wsse:Security має бути прямим нащадком soap:Header.")
    signature = timestamp = None
    if security is not None:
        signature = _one_or_none(security, q(DS_NS, "Signature"), "ds:Signature")
        timestamp = _one_or_none(security, q(WSU_NS, "Timestamp"), "wsu:Timestamp")
    return EnvelopeParts(envelope, soap_ns, body, security, signature, timestamp)


def fault_of(parts: EnvelopeParts) -> etree._Element | None:
    """The soap:Fault inside the Body, if the message is a fault."""
    return _one_or_none(parts.body, q(parts.soap_ns, "Fault"), "soap:Fault")
