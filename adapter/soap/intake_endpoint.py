"""Our inbound SOAP service (``/soap/intake``): counterparties push signed documents here.

``SubmitDocument`` carries the signed document as ``base64Binary`` so the legal original survives
transport byte for byte; the answer is a signed acknowledgement. Envelope-level problems (not SOAP,
a bad WS-Security header, an unknown operation) are SOAP 1.1 faults carrying the stable code;
document-level problems are ``A02`` acknowledgements.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from flask import Blueprint, Response, request
from lxml import etree
from werkzeug.exceptions import RequestEntityTooLarge

from adapter.errors import AdapterError
from adapter.safexml import parse_xml
from adapter.services.intake import IntakeContext, IntakeOutcome, record_rejection, submit_document
from adapter.soap.envelope import (
    SoapRequest,
    SoapRequestError,
    read_request,
    write_envelope,
    write_fault,
)
from adapter.soap.wsse_gate import WsseGate
from adapter.xml_schemas import wsdl_bytes

INTAKE_NS = "urn:roe:exchange:intake:1"
_SUBMIT = f"{{{INTAKE_NS}}}SubmitDocument"
_XML = "text/xml; charset=utf-8"


@dataclass(frozen=True)
class IntakeEndpoint:
    """Turns SOAP requests into calls of the intake pipeline."""

    intake: IntakeContext
    wsse: WsseGate

    def handle(self, data: bytes) -> tuple[bytes, int]:
        """Answer one POSTed envelope: (response bytes, HTTP status)."""
        try:
            soap = read_request(data, max_bytes=self.intake.max_bytes)
            transport_party = self.wsse.identify(soap)
            document = _document_bytes(soap)
        except AdapterError as error:
            record_rejection(self.intake.uow, data, error, channel="soap",
                             at=self.intake.clock())
            return write_fault(error), 500  # SOAP 1.1 sends faults with HTTP 500
        outcome = submit_document(self.intake, document, channel="soap",
                                  transport_party=transport_party)
        response = write_envelope(_response_element(outcome))
        return self.wsse.sign_response(response, signed_request=soap.has_security_header), 200


def _document_bytes(soap: SoapRequest) -> bytes:
    if soap.operation.tag != _SUBMIT:
        raise SoapRequestError(f"Невідома операція {soap.operation.tag}.",
                               code="SOAP_UNKNOWN_OPERATION")
    element = soap.operation.find(f"{{{INTAKE_NS}}}document")
    if element is None or not (element.text or "").strip():
        raise SoapRequestError("Операція SubmitDocument не містить документа.",
                               code="SOAP_MISSING_DOCUMENT")
    try:
        return base64.b64decode("".join(element.text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SoapRequestError("Документ має бути закодований у base64.",
                               code="SOAP_BAD_BASE64") from exc


def _response_element(outcome: IntakeOutcome) -> etree._Element:
    response = etree.Element(f"{{{INTAKE_NS}}}SubmitDocumentResponse", nsmap={"i": INTAKE_NS})
    etree.SubElement(response, f"{{{INTAKE_NS}}}acknowledgement").text = base64.b64encode(
        outcome.acknowledgement
    ).decode("ascii")
    etree.SubElement(response, f"{{{INTAKE_NS}}}reasonCode").text = outcome.code.value
    if outcome.error_code:
        etree.SubElement(response, f"{{{INTAKE_NS}}}errorCode").text = outcome.error_code
    etree.SubElement(response, f"{{{INTAKE_NS}}}reasonText").text = outcome.reason
    return response


def create_intake_blueprint(endpoint: IntakeEndpoint) -> Blueprint:
    """The Flask blueprint serving ``/soap/intake`` and its WSDL at ``/soap/intake?wsdl``."""
    blueprint = Blueprint("soap_intake", __name__)

    @blueprint.get("/soap/intake")
    def wsdl() -> Response:
        if "wsdl" not in request.args and "WSDL" not in request.args:
            return Response("POST SOAP 1.1 requests here; the contract is at ?wsdl\n",
                            mimetype="text/plain")
        return Response(_published_wsdl(request.base_url), content_type=_XML)

    @blueprint.post("/soap/intake")
    def submit() -> Response:
        body, status = endpoint.handle(request.get_data(cache=False))
        return Response(body, status=status, content_type=_XML)

    @blueprint.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> Response:
        # Flask refuses bodies over MAX_CONTENT_LENGTH before we read them; answer in SOAP terms.
        fault = SoapRequestError("Запит завеликий.", code="REQUEST_TOO_LARGE",
                                 limit=request.max_content_length)
        return Response(write_fault(fault), status=413, content_type=_XML)

    return blueprint


def _published_wsdl(address: str) -> bytes:
    # The packaged WSDL has a placeholder address; publish the one the client actually reached.
    root = parse_xml(wsdl_bytes("intake"))
    for node in root.iter("{http://schemas.xmlsoap.org/wsdl/soap/}address"):
        node.set("location", address)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
