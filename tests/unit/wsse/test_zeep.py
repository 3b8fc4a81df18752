"""A real zeep client against a loopback Flask server: signed both ways."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import zeep
from flask import Flask, Response, request
from lxml import etree
from werkzeug.serving import make_server
from zeep.exceptions import Fault

from adapter.errors import SignatureError
from adapter.safexml import parse_xml
from adapter.soap.wsse import MemoryReplayCache, WsseResult, sign_envelope, verify_wsse

from .pki import NOW, Identity, signer_for

WSDL = Path(__file__).with_name("intake.wsdl")
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


def response_envelope(status: str) -> bytes:
    return (
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body>'
        f'<t:SubmitResponse xmlns:t="urn:roe:test:wsse"><t:Status>{status}</t:Status>'
        "</t:SubmitResponse></soap:Body></soap:Envelope>"
    ).encode()


UNSIGNED_FAULT = (
    f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><soap:Fault>'
    "<faultcode>soap:Server</faultcode><faultstring>WSSE_UNTRUSTED</faultstring>"
    "</soap:Fault></soap:Body></soap:Envelope>"
).encode()


@dataclass
class Peer:
    """The loopback server: what it verified, and how it should answer next."""

    client: Identity
    server: Identity
    mode: str = "signed"
    verified: list[WsseResult] = field(default_factory=list)
    cache: MemoryReplayCache = field(default_factory=lambda: MemoryReplayCache(clock=lambda: NOW))

    def handle(self, data: bytes) -> bytes:
        envelope = parse_xml(data)
        result = verify_wsse(
            envelope, trusted_certs=[self.client.cert], now=NOW, replay_cache=self.cache
        )
        self.verified.append(result)
        if self.mode == "unsigned-fault":
            return UNSIGNED_FAULT
        if self.mode == "unsigned":
            return response_envelope("accepted")
        answer = sign_envelope(
            response_envelope("accepted"), key=self.server.key, cert=self.server.cert, now=NOW
        )
        if self.mode == "altered":
            answer = answer.replace(b">accepted<", b">rejected<")
        return answer


@pytest.fixture
def peer(rsa_identity, ec_identity) -> Iterator[tuple[Peer, str]]:
    state = Peer(client=ec_identity, server=rsa_identity)
    app = Flask(__name__)

    @app.post("/soap")
    def soap() -> Response:
        status = 500 if state.mode == "unsigned-fault" else 200
        return Response(state.handle(request.get_data()), status, content_type="text/xml")

    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_port}/soap"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def make_client(state: Peer) -> zeep.Client:
    # operation_timeout lives on zeep's Transport (Settings has no such option in zeep 4.3).
    settings = zeep.Settings(forbid_dtd=True, forbid_entities=True)
    transport = zeep.Transport(timeout=5, operation_timeout=5)
    wsse = signer_for(state.client, state.server)
    return zeep.Client(str(WSDL), wsse=wsse, settings=settings, transport=transport)


def service(state: Peer, address: str):
    return make_client(state).create_service("{urn:roe:test:wsse}IntakeBinding", address)


def test_zeep_request_is_accepted_and_signed_response_verified(peer) -> None:
    state, address = peer
    assert service(state, address).Submit(Amount=1000) == "accepted"
    assert [result.certificate for result in state.verified] == [state.client.cert]


def test_altered_response_body_is_rejected(peer) -> None:
    state, address = peer
    state.mode = "altered"
    with pytest.raises(SignatureError) as caught:
        service(state, address).Submit(Amount=1000)
    assert caught.value.code == "WSSE_INVALID"


def test_unsigned_fault_surfaces_as_fault(peer) -> None:
    state, address = peer
    state.mode = "unsigned-fault"
    with pytest.raises(Fault) as caught:
        service(state, address).Submit(Amount=1000)
    assert caught.value.message == "WSSE_UNTRUSTED"


def test_unsigned_response_is_rejected(peer) -> None:
    state, address = peer
    state.mode = "unsigned"
    with pytest.raises(SignatureError) as caught:
        service(state, address).Submit(Amount=1000)
    assert caught.value.code == "WSSE_MISSING"


def test_request_on_the_wire_carries_sha256_only(peer) -> None:
    state, address = peer
    client = make_client(state)
    message = client.create_message(client.service, "Submit", Amount=7)
    text = etree.tostring(message).decode()
    assert "sha1" not in text.lower()
    assert text.count("http://www.w3.org/2001/04/xmlenc#sha256") == 2
