"""Hostile documents sent through the real endpoint: each refused with its code, nothing stored.

The signature-level variants are covered in depth by tests/unit/signing; here they travel the
whole way (SOAP, base64, pipeline) to prove the endpoint trusts only what the policy accepts.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import xmlsec
from lxml import etree

from adapter.signing import sign
from tests.integration.intake.conftest import RunningApp, start_app
from tests.support import attacks
from tests.support.exchange import supplier_invoice_xml

EX = "{urn:roe:exchange:1}"
DS = "{http://www.w3.org/2000/09/xmldsig#}"


def _signed(app: RunningApp, mrid: str = "H-1") -> bytes:
    return sign(supplier_invoice_xml(mrid), key=app.key("supplier"))


def _raw(app: RunningApp, **options: object) -> bytes:
    files = app.pki.party("supplier")
    key = attacks.load_xmlsec_key(files.key.read_bytes(), files.cert.read_bytes())
    return attacks.raw_sign(supplier_invoice_xml("H-raw"), key, **options)  # type: ignore[arg-type]


def _forged_copy(original: etree._Element) -> etree._Element:
    forged = copy.deepcopy(original)
    forged.set("Id", "forged")
    forged.find(f"{EX}Line/{EX}quantity").text = "1"
    return forged


def _wrapped(app: RunningApp) -> bytes:
    """A forged invoice that carries the genuine one (with its signature) inside it."""
    original = etree.fromstring(_signed(app))
    forged = _forged_copy(original)
    forged.find(f"{DS}Signature").addprevious(original)
    return etree.tostring(forged, xml_declaration=True, encoding="UTF-8")


def _hoisted(app: RunningApp) -> bytes:
    """Classic XSW: the forged root carries the signature, the signed original hides inside."""
    original = etree.fromstring(_signed(app))
    signature = original.find(f"{DS}Signature")
    original.remove(signature)
    forged = _forged_copy(original)
    forged.append(original)
    forged.append(signature)
    return etree.tostring(forged, xml_declaration=True, encoding="UTF-8")


def _child_reference(app: RunningApp) -> bytes:
    """A valid signature over one invoice line only, not the whole document."""
    root = etree.fromstring(supplier_invoice_xml("H-child"))
    root.find(f"{EX}Line").set("Id", "line-1")
    files = app.pki.party("supplier")
    key = attacks.load_xmlsec_key(files.key.read_bytes(), files.cert.read_bytes())
    return attacks.raw_sign(etree.tostring(root), key, reference_uri="#line-1")


def _billion_laughs(_: RunningApp) -> bytes:
    return (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<SupplierInvoice xmlns="urn:roe:exchange:1" Id="x">&b;</SupplierInvoice>')


def _external_entity(_: RunningApp) -> bytes:
    return (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<SupplierInvoice xmlns="urn:roe:exchange:1" Id="x">&x;</SupplierInvoice>')


def _xinclude(app: RunningApp) -> bytes:
    root = etree.fromstring(_signed(app))
    include = etree.Element("{http://www.w3.org/2001/XInclude}include", href="/etc/passwd")
    root.find(f"{EX}Line").append(include)
    return etree.tostring(root)


def _deep(_: RunningApp) -> bytes:
    return b"<a>" * 300 + b"</a>" * 300


CASES: list[tuple[str, Callable[[RunningApp], bytes], str]] = [
    ("wrapped-original", _wrapped, "SIG_MULTIPLE"),
    ("hoisted-signature", _hoisted, "SIG_REFERENCE"),
    ("signature-first", lambda app: attacks.move_signature(_signed(app)), "SIG_MISPLACED"),
    ("content-after-signature", lambda app: attacks.append_after_signature(_signed(app)),
     "SIG_MISPLACED"),
    ("two-signatures", lambda app: attacks.duplicate_signature(_signed(app)), "SIG_MULTIPLE"),
    ("decoy-ID", lambda app: attacks.add_decoy_id(_signed(app), "ID", None), "SIG_DUPLICATE_ID"),
    ("decoy-xml-id", lambda app: attacks.add_decoy_id(
        _signed(app), "id", "http://www.w3.org/XML/1998/namespace"), "SIG_DUPLICATE_ID"),
    ("reference-to-child", _child_reference, "SIG_REFERENCE"),
    ("sha1-digest", lambda app: _raw(app, digest=xmlsec.constants.TransformSha1),
     "SIG_ALGORITHM"),
    ("rsa-sha1", lambda app: _raw(app, method=xmlsec.constants.TransformRsaSha1),
     "SIG_ALGORITHM"),
    ("xpath-transform", lambda app: attacks.add_transform(
        _signed(app), attacks.XPATH_URI,
        body=f'<XPath xmlns="{DS[1:-1]}">not(ancestor-or-self::x)</XPath>'), "SIG_TRANSFORM"),
    ("billion-laughs", _billion_laughs, "XML_FORBIDDEN_DTD"),
    ("external-entity", _external_entity, "XML_FORBIDDEN_DTD"),
    ("xinclude", _xinclude, "XML_FORBIDDEN_XINCLUDE"),
    ("deeply-nested", _deep, "XML_TOO_DEEP"),
]


@pytest.mark.parametrize(("build", "code"), [(b, c) for _, b, c in CASES],
                         ids=[name for name, _, _ in CASES])
def test_hostile_documents_are_rejected_with_their_code_and_nothing_is_stored(
    running_app: RunningApp, build: Callable[[RunningApp], bytes], code: str
):
    result = running_app.zeep_client().service.SubmitDocument(document=build(running_app))

    assert (result.reasonCode, result.errorCode) == ("A02", code)
    with running_app.container.uow() as uow:
        assert uow.documents.count() == 0
        assert [r.code for r in uow.rejections.latest()] == [code]


def test_a_comment_inside_signed_text_cannot_change_what_we_read(running_app: RunningApp):
    signed = _signed(running_app, "H-comment")
    split = signed.replace(b"<quantity>1000</quantity>", b"<quantity>1<!---->000</quantity>", 1)
    assert split != signed

    result = running_app.zeep_client().service.SubmitDocument(document=split)

    assert result.reasonCode == "A01"
    with running_app.container.uow() as uow:
        [row] = uow.documents.latest()
        assert row.fields["lines"][0]["quantity"] == "1000"
        assert row.original == split  # the legal original is kept as it arrived


def test_a_certificate_past_its_validity_is_rejected(sandbox_pki, database_url):  # noqa: ANN001
    in_three_years = datetime.now(UTC) + timedelta(days=3 * 366)
    with start_app(sandbox_pki, database_url, clock=lambda: in_three_years) as app:
        result = app.zeep_client().service.SubmitDocument(document=_signed(app))

        assert (result.reasonCode, result.errorCode) == ("A02", "SIG_CERT_EXPIRED")
        with app.container.uow() as uow:
            assert uow.documents.count() == 0
