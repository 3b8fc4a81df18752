"""Malformed and oversized requests get SOAP 1.1 faults carrying the stable code."""

from __future__ import annotations

import base64

import pytest
import requests
from lxml import etree

from tests.integration.intake.conftest import RunningApp

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
ERR = "urn:roe:exchange:errors:1"


def _post(app: RunningApp, body: bytes) -> requests.Response:
    return requests.post(f"{app.url}/soap/intake", data=body, timeout=10,
                         headers={"Content-Type": "text/xml; charset=utf-8",
                                  "SOAPAction": "urn:roe:exchange:intake:1#SubmitDocument"})


def _fault_code(response: requests.Response) -> str:
    root = etree.fromstring(response.content)
    fault = root.find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    assert fault is not None, response.text
    assert fault.findtext("faultcode") == "soap:Client"
    code = fault.findtext(f"detail/{{{ERR}}}error/{{{ERR}}}code")
    assert fault.findtext("faultstring").startswith(f"{code}: ")
    return code


def _envelope(operation: str) -> bytes:
    return (f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body>{operation}'
            "</soap:Body></soap:Envelope>").encode()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"this is not xml", "XML_MALFORMED"),
        (b"<Envelope/>", "SOAP_MALFORMED"),
        (_envelope('<i:Other xmlns:i="urn:roe:exchange:intake:1"/>'), "SOAP_UNKNOWN_OPERATION"),
        (_envelope('<i:SubmitDocument xmlns:i="urn:roe:exchange:intake:1"/>'),
         "SOAP_MISSING_DOCUMENT"),
        (_envelope('<i:SubmitDocument xmlns:i="urn:roe:exchange:intake:1">'
                   '<i:document>%%%not-base64</i:document></i:SubmitDocument>'), "SOAP_BAD_BASE64"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + _envelope("&a;"),
         "XML_FORBIDDEN_DTD"),
    ],
    ids=["not-xml", "not-soap", "unknown-operation", "no-document", "bad-base64", "dtd"],
)
def test_malformed_requests_get_a_client_fault_with_the_stable_code(
    running_app: RunningApp, body: bytes, code: str
):
    response = _post(running_app, body)

    assert response.status_code == 500
    assert _fault_code(response) == code
    with running_app.container.uow() as uow:
        assert uow.documents.count() == 0
        assert [r.code for r in uow.rejections.latest()] == [code]


def test_a_request_over_the_size_limit_is_refused_before_it_is_read(running_app: RunningApp):
    limit = running_app.container.settings.max_request_bytes
    document = base64.b64encode(b"x" * limit).decode()
    body = _envelope('<i:SubmitDocument xmlns:i="urn:roe:exchange:intake:1">'
                     f"<i:document>{document}</i:document></i:SubmitDocument>")

    response = _post(running_app, body)

    assert response.status_code == 413
    assert _fault_code(response) == "REQUEST_TOO_LARGE"
