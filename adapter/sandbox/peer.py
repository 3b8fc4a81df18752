"""The SOAP machinery both sandbox peers share: keys, trust, the Flask view, faults and answers.

A peer is a real SOAP 1.1 server for its WSDL (``adapter/xml_schemas/<system>``), written with the
same small lxml layer as our intake endpoint (:mod:`adapter.soap.envelope`). It signs with its own
key from the sandbox PKI, trusts the DSO's certificate pinned (and consumers through the sandbox CA
for countersignatures), verifies WS-Security when the caller uses it and signs its answer then.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from flask import Flask, Response, request
from lxml import etree

from adapter.errors import AdapterError
from adapter.safexml import parse_xml
from adapter.sandbox.config import PeerConfig
from adapter.sandbox.faults import FaultInjector, drop_connection
from adapter.sandbox.ledger import Ledger
from adapter.signing import (
    SigningKey,
    TrustedParty,
    VerificationPolicy,
    load_signing_key,
)
from adapter.soap.client_factory import IDEMPOTENCY_URN, WSA_NS
from adapter.soap.envelope import (
    SoapRequest,
    SoapRequestError,
    read_request,
    write_envelope,
    write_fault,
)
from adapter.soap.wsse import MemoryReplayCache, SigningIdentity
from adapter.soap.wsse_gate import WsseGate
from adapter.xml_schemas import wsdl_bytes

_XML = "text/xml; charset=utf-8"
_HEADER = "{http://schemas.xmlsoap.org/soap/envelope/}Header"

Operation = Callable[["PeerRequest"], etree._Element]


@dataclass(frozen=True)
class PeerRequest:
    """One parsed SOAP request as an operation sees it."""

    soap: SoapRequest
    namespace: str

    def child_text(self, name: str) -> str | None:
        """Text of the operation's child ``name`` (None when absent)."""
        element = self.soap.operation.find(f"{{{self.namespace}}}{name}")
        return None if element is None else (element.text or "").strip()

    def document(self) -> bytes:
        """The base64 ``document`` of a submit operation, decoded."""
        text = self.child_text("document")
        if not text:
            raise SoapRequestError("Операція не містить документа.",
                                   code="SOAP_MISSING_DOCUMENT")
        try:
            return base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SoapRequestError("Документ має бути закодований у base64.",
                                   code="SOAP_BAD_BASE64") from exc

    def idempotency_key(self) -> str | None:
        """The key from ``wsa:MessageID`` (``urn:roe:idempotency:<key>``), if sent."""
        header = self.soap.envelope.find(_HEADER)
        found = None if header is None else header.find(f"{{{WSA_NS}}}MessageID")
        if found is None or not found.text:
            return None
        text = found.text.strip()
        return text.removeprefix(IDEMPOTENCY_URN)


class InjectedFault(AdapterError):
    """Пісочниця імітує збій сервера."""

    code = "SANDBOX_INJECTED_FAULT"


def _cert(path: Any) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


class SoapPeer:
    """A sandbox SOAP server for one system; operations are registered by local name."""

    def __init__(self, system: str, namespace: str, eic: str, config: PeerConfig) -> None:
        self.system = system
        self.namespace = namespace
        self.eic = eic
        self.config = config
        pki = config.pki_dir
        key_pem = (pki / f"{system}.key.pem").read_bytes()
        cert_pem = (pki / f"{system}.cert.pem").read_bytes()
        self.key: SigningKey = load_signing_key(key_pem, cert_pem)
        self.policy = VerificationPolicy(parties=(
            TrustedParty("dso", pinned_certs=(_cert(pki / "dso.cert.pem"),)),
            TrustedParty("consumer", ca_certs=(_cert(pki / "ca.cert.pem"),),
                         crls=(x509.load_pem_x509_crl((pki / "ca.crl.pem").read_bytes()),)),
        ))
        self.ledger = Ledger(config.ledger_path)
        self.faults = FaultInjector(config.faults)
        self.gate = WsseGate(
            party_certs={"dso": [_cert(pki / "dso.cert.pem")]},
            replay_cache=MemoryReplayCache(),
            clock=lambda: datetime.now(UTC),
            max_skew=timedelta(minutes=5),
            identity=SigningIdentity.from_pem(key_pem, cert_pem),
        )
        self.operations: dict[str, Operation] = {}

    def operation(self, name: str, handler: Operation) -> None:
        """Serve ``handler`` for the operation element ``{namespace}name``."""
        self.operations[f"{{{self.namespace}}}{name}"] = handler

    def response(self, name: str, **children: str | None) -> etree._Element:
        """``{namespace}name`` with one child per non-None keyword, in the order given."""
        element = etree.Element(f"{{{self.namespace}}}{name}", nsmap={"p": self.namespace})
        for child, text in children.items():
            if text is not None:
                etree.SubElement(element, f"{{{self.namespace}}}{child}").text = text
        return element

    def handle(self, data: bytes, environ: dict[str, Any]) -> tuple[bytes, int] | None:
        """Answer one POSTed envelope; None when the connection was dropped on purpose."""
        self.faults.delay()
        if self.faults.should_reset() and drop_connection(environ):
            return None
        if self.faults.should_error():
            return write_fault(InjectedFault(), client_fault=False), 500
        try:
            soap = read_request(data, max_bytes=self.config.max_request_bytes)
            self.gate.identify(soap)
            handler = self.operations.get(soap.operation.tag)
            if handler is None:
                raise SoapRequestError(f"Невідома операція {soap.operation.tag}.",
                                       code="SOAP_UNKNOWN_OPERATION")
            element = handler(PeerRequest(soap, self.namespace))
        except AdapterError as error:
            return write_fault(error), 500
        body = write_envelope(element)
        return self.gate.sign_response(body, signed_request=soap.has_security_header), 200

    def create_app(self) -> Flask:
        """The Flask app serving ``/soap/<system>`` (POST) and its WSDL at ``?wsdl``."""
        app = Flask(f"sandbox_{self.system}")
        app.config["PEER"] = self
        path = f"/soap/{self.system}"

        @app.get(path)
        def wsdl() -> Response:
            if "wsdl" not in request.args and "WSDL" not in request.args:
                return Response("POST SOAP 1.1 requests here; the contract is at ?wsdl\n",
                                mimetype="text/plain")
            return Response(_published_wsdl(self.system, request.base_url), content_type=_XML)

        @app.post(path)
        def soap() -> Response:
            answer = self.handle(request.get_data(cache=False), request.environ)
            if answer is None:
                return Response(b"", status=500)  # the socket is already gone
            body, status = answer
            return Response(body, status=status, content_type=_XML)

        return app


def _published_wsdl(system: str, address: str) -> bytes:
    # The packaged WSDL has a placeholder address; publish the one the client actually reached.
    root = parse_xml(wsdl_bytes(system))
    for node in root.iter("{http://schemas.xmlsoap.org/wsdl/soap/}address"):
        node.set("location", address)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
