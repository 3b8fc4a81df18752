"""Two-phase signing: the browser signs SignedInfo; the assembled document passes the policy."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from adapter.errors import SignatureError
from adapter.pki import SandboxPki
from adapter.signing import verify
from adapter.signing.remote import complete_remote_signature, prepare_remote_signature
from tests.support.exchange import supplier_invoice_xml
from tests.support.pki import sandbox_pki, sandbox_pki_ec, sandbox_policy  # noqa: F401


def webcrypto_sign(key_pem: bytes, data: bytes) -> bytes:
    """What the browser's crypto.subtle.sign returns for our two algorithms."""
    key = serialization.load_pem_private_key(key_pem, password=None)
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")  # IEEE P1363, as WebCrypto gives it


@pytest.fixture(params=["rsa", "ec"])
def pki(request: pytest.FixtureRequest, sandbox_pki: SandboxPki,  # noqa: F811
        sandbox_pki_ec: SandboxPki) -> SandboxPki:  # noqa: F811
    return sandbox_pki if request.param == "rsa" else sandbox_pki_ec


def _remote_sign(pki: SandboxPki, xml: bytes, key_path: Path | None = None) -> bytes:
    cert = x509.load_pem_x509_certificate(pki.consumer_cert.read_bytes())
    request = prepare_remote_signature(xml, cert)
    value = webcrypto_sign((key_path or pki.consumer_key).read_bytes(), request.signed_info)
    return complete_remote_signature(request, value)


def test_a_browser_signature_passes_the_full_consumer_policy(pki: SandboxPki):
    xml = supplier_invoice_xml("REMOTE-1")

    signed = _remote_sign(pki, xml)

    verified = verify(signed, policy=sandbox_policy(pki), expected_edrpou="12345678")
    assert verified.party == "consumer"
    assert signed.startswith(xml[: xml.rindex(b"</SupplierInvoice>")])  # original bytes kept


@pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="xmlsec1 is not installed")
def test_xmlsec1_verifies_a_browser_signature(pki: SandboxPki, tmp_path: Path):
    signed = tmp_path / "signed.xml"
    signed.write_bytes(_remote_sign(pki, supplier_invoice_xml("REMOTE-2")))

    result = subprocess.run(
        ["xmlsec1", "--verify", "--pubkey-cert-pem", str(pki.consumer_cert),
         "--id-attr:Id", "urn:roe:exchange:1:SupplierInvoice", str(signed)],
        capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr


def test_a_signature_made_with_another_key_is_rejected(pki: SandboxPki):
    signed = _remote_sign(pki, supplier_invoice_xml("REMOTE-3"), key_path=pki.supplier_key)

    with pytest.raises(SignatureError) as error:
        verify(signed, policy=sandbox_policy(pki), expected_edrpou="12345678")
    assert error.value.code == "SIG_INVALID"


def test_an_already_signed_document_cannot_be_prepared_again(pki: SandboxPki):
    cert = x509.load_pem_x509_certificate(pki.consumer_cert.read_bytes())
    signed = _remote_sign(pki, supplier_invoice_xml("REMOTE-4"))

    with pytest.raises(SignatureError) as error:
        prepare_remote_signature(signed, cert)
    assert error.value.code == "SIG_MULTIPLE"
