"""SOAP 1.1 envelopes for our own endpoints: read a request, write a response or a fault.

We serve SOAP from Flask with this small lxml layer rather than a SOAP server library (spyne does
not import on Python 3.12 and has not been released since 2022). The WSDL in
``adapter/xml_schemas`` is the contract; these helpers only handle the envelope around it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from adapter.errors import AdapterError, XmlError
from adapter.safexml import parse_xml

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
_ENVELOPE = f"{{{SOAP_ENV}}}Envelope"
_HEADER = f"{{{SOAP_ENV}}}Header"
_BODY = f"{{{SOAP_ENV}}}Body"
ERROR_NS = "urn:roe:exchange:errors:1"


class SoapRequestError(AdapterError):
    """Запит не є коректним SOAP 1.1 повідомленням."""

    code = "SOAP_MALFORMED"


@dataclass(frozen=True)
class SoapRequest:
    """A parsed request: the whole envelope (for WS-Security) and the operation element."""

    envelope: etree._Element
    operation: etree._Element

    @property
    def has_security_header(self) -> bool:
        """Whether a WS-Security header came with the request."""
        header = self.envelope.find(_HEADER)
        return header is not None and any(
            isinstance(child.tag, str) and child.tag.endswith("}Security") for child in header
        )


def read_request(data: bytes, *, max_bytes: int) -> SoapRequest:
    """Parse a SOAP 1.1 request whose Body holds exactly one operation element."""
    try:
        envelope = parse_xml(data, max_bytes=max_bytes)
    except XmlError as exc:
        raise SoapRequestError(exc.message, code=exc.code) from exc
    if envelope.tag != _ENVELOPE:
        raise SoapRequestError("Очікувався конверт SOAP 1.1 (soap:Envelope).")
    bodies = envelope.findall(_BODY)
    if len(bodies) != 1:
        raise SoapRequestError("Конверт SOAP має містити рівно один soap:Body.")
    operations = [child for child in bodies[0] if isinstance(child.tag, str)]
    if len(operations) != 1:
        raise SoapRequestError("soap:Body має містити рівно одну операцію.")
    return SoapRequest(envelope, operations[0])


def write_envelope(body_element: etree._Element) -> bytes:
    """A SOAP 1.1 envelope around ``body_element``."""
    envelope = etree.Element(_ENVELOPE, nsmap={"soap": SOAP_ENV})
    etree.SubElement(envelope, _BODY).append(body_element)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def write_fault(error: AdapterError, *, client_fault: bool = True) -> bytes:
    """A SOAP 1.1 fault whose faultstring and detail carry the stable error code."""
    fault = etree.Element(f"{{{SOAP_ENV}}}Fault")
    etree.SubElement(fault, "faultcode").text = "soap:Client" if client_fault else "soap:Server"
    etree.SubElement(fault, "faultstring").text = f"{error.code}: {error.message}"
    detail = etree.SubElement(fault, "detail")
    error_element = etree.SubElement(detail, f"{{{ERROR_NS}}}error", nsmap={"e": ERROR_NS})
    etree.SubElement(error_element, f"{{{ERROR_NS}}}code").text = error.code
    etree.SubElement(error_element, f"{{{ERROR_NS}}}message").text = error.message
    return write_envelope(fault)
