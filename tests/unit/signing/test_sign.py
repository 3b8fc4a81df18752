"""``sign``: enveloped XMLDSig with the original bytes preserved, optional XAdES-BES."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree

from adapter.errors import ConfigurationError, SignatureError
from adapter.pki import SandboxPki, issue_extra_cert
from adapter.signing import Signer, SigningKey, XmlDsigSigner, load_signing_key, sign
from adapter.signing import constants as c
from tests.support.pki import signing_key

DS = f"{{{c.DS_NS}}}"


def _signature_span(signed: bytes) -> tuple[int, int]:
    start = signed.index(b"<ds:Signature")
    end = signed.index(b"</ds:Signature>") + len(b"</ds:Signature>")
    return start, end


def test_original_bytes_preserved(unsigned: bytes, signed: bytes) -> None:
    start, end = _signature_span(signed)
    assert signed[:start] + signed[end:] == unsigned
    assert signed[end:].startswith(b"</ex:SupplierInvoice>")


def test_odd_but_valid_serialisation_is_kept(supplier_key: SigningKey) -> None:
    original = (
        "<?xml version='1.0' encoding='windows-1251'?>\n<!-- prolog -->\n"
        "<d:SupplierInvoice   xmlns:d='urn:roe:exchange:1' Id='x-1' >"
        "<d:Name a = 'b'>Джерело</d:Name>\t</d:SupplierInvoice  >"
    ).encode("cp1251")
    signed = sign(original, key=supplier_key)
    start, end = _signature_span(signed)
    assert signed[:start] + signed[end:] == original


def test_layout(signed: bytes, supplier_key: SigningKey) -> None:
    root = etree.fromstring(signed)
    signature = root[-1]
    assert signature.tag == f"{DS}Signature"
    refs = signature.findall(f"{DS}SignedInfo/{DS}Reference")
    assert [r.get("URI") for r in refs] == [f"#{root.get('Id')}"]
    transforms = [t.get("Algorithm") for t in refs[0].iter(f"{DS}Transform")]
    assert transforms == [c.ENVELOPED, c.EXC_C14N]
    assert refs[0].find(f"{DS}DigestMethod").get("Algorithm") == c.SHA256
    method = signature.find(f"{DS}SignedInfo/{DS}SignatureMethod").get("Algorithm")
    assert method == c.RSA_SHA256
    cert_b64 = signature.findtext(f"{DS}KeyInfo/{DS}X509Data/{DS}X509Certificate")
    assert base64.b64decode(cert_b64) == supplier_key.certificate_der


def test_ec_key_signs_ecdsa(sandbox_pki_ec: SandboxPki, unsigned: bytes) -> None:
    signed = sign(unsigned, key=signing_key(sandbox_pki_ec, "dso"))
    method = etree.fromstring(signed).find(f".//{DS}SignatureMethod").get("Algorithm")
    assert method == c.ECDSA_SHA256


def test_xades_properties(supplier_key: SigningKey, unsigned: bytes) -> None:
    moment = datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    signer: Signer = XmlDsigSigner(supplier_key, xades=True, clock=lambda: moment)
    root = etree.fromstring(signer.sign(unsigned))
    signature = root[-1]
    refs = signature.findall(f"{DS}SignedInfo/{DS}Reference")
    assert len(refs) == 2
    assert refs[1].get("Type") == c.XADES_SIGNED_PROPERTIES_TYPE
    x = f"{{{c.XADES_NS}}}"
    props = signature.find(f"{DS}Object/{x}QualifyingProperties/{x}SignedProperties")
    assert refs[1].get("URI") == f"#{props.get('Id')}"
    assert props.findtext(f".//{x}SigningTime") == "2024-05-01T08:30:00Z"
    digest = props.findtext(f".//{x}SigningCertificateV2/{x}Cert/{x}CertDigest/{DS}DigestValue")
    assert base64.b64decode(digest) == hashlib.sha256(supplier_key.certificate_der).digest()


def test_root_without_id_is_refused(supplier_key: SigningKey) -> None:
    with pytest.raises(SignatureError) as info:
        sign(b"<ex:SupplierInvoice xmlns:ex='urn:roe:exchange:1'/>", key=supplier_key)
    assert info.value.code == "SIG_NO_ID"


def test_already_signed_is_refused(signed: bytes, supplier_key: SigningKey) -> None:
    with pytest.raises(SignatureError) as info:
        sign(signed, key=supplier_key)
    assert info.value.code == "SIG_MULTIPLE"


def test_self_closing_root(supplier_key: SigningKey) -> None:
    signed = sign(b'<ex:R xmlns:ex="urn:roe:exchange:1" Id="r-1"/>', key=supplier_key)
    assert etree.fromstring(signed)[-1].tag == f"{DS}Signature"


def test_key_and_certificate_must_match(sandbox_pki: SandboxPki) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_signing_key(
            sandbox_pki.supplier_key.read_bytes(), sandbox_pki.billing_cert.read_bytes()
        )
    assert info.value.code == "SIGNING_KEY_MISMATCH"


def test_weak_key_is_refused(sandbox_pki: SandboxPki, tmp_path) -> None:
    weak = issue_extra_cert(sandbox_pki, "weak", directory=tmp_path, rsa_bits=1024)
    with pytest.raises(ConfigurationError) as info:
        load_signing_key(weak.key.read_bytes(), weak.cert.read_bytes())
    assert info.value.code == "SIGNING_KEY_WEAK"


def test_chain_goes_into_keyinfo(sandbox_pki: SandboxPki, unsigned: bytes) -> None:
    files = sandbox_pki.party("dso")
    key = load_signing_key(
        files.key.read_bytes(), files.cert.read_bytes(), chain_pem=sandbox_pki.ca_cert.read_bytes()
    )
    certs = etree.fromstring(sign(unsigned, key=key)).findall(f".//{DS}X509Certificate")
    ca_der = key.chain[0].public_bytes(serialization.Encoding.DER)
    assert {base64.b64decode(n.text) for n in certs} == {key.certificate_der, ca_der}
