"""Interop with the xmlsec1 command-line tool, the way integrators will check our documents.

``xmlsec1 --verify --pubkey-cert-pem cert.pem --id-attr:Id urn:roe:exchange:1:<Root> file.xml``
(or ``--trusted-pem ca.cert.pem`` to check the chain), and a document xmlsec1 signs from a
template verifies with our own ``verify``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from adapter.pki import SandboxPki
from adapter.signing import TrustedParty, VerificationPolicy, sign, verify
from tests.support.documents import EX_NS, invoice_xml
from tests.support.pki import signing_key

XMLSEC1 = "/usr/bin/xmlsec1"
ID_ATTR = ("--id-attr:Id", f"{EX_NS}:SupplierInvoice")

pytestmark = [
    pytest.mark.xmlsec1,
    pytest.mark.skipif(
        not Path(XMLSEC1).exists(), reason=f"{XMLSEC1} is not installed (apt-get install xmlsec1)"
    ),
]

TEMPLATE_SIGNATURE = """<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
<ds:SignedInfo>
<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
<ds:SignatureMethod Algorithm="{method}"/>
<ds:Reference URI="#{doc_id}">
<ds:Transforms>
<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
</ds:Transforms>
<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
<ds:DigestValue/>
</ds:Reference>
</ds:SignedInfo>
<ds:SignatureValue/>
<ds:KeyInfo><ds:X509Data/></ds:KeyInfo>
</ds:Signature>"""


def _xmlsec1(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([XMLSEC1, *args], capture_output=True, text=True, timeout=30, check=False)


@pytest.fixture(params=["rsa", "ec"])
def pki(
    request: pytest.FixtureRequest, sandbox_pki: SandboxPki, sandbox_pki_ec: SandboxPki
) -> SandboxPki:
    return sandbox_pki if request.param == "rsa" else sandbox_pki_ec


@pytest.mark.parametrize("xades", [False, True], ids=["xmldsig", "xades"])
def test_our_signature_verifies_with_xmlsec1(pki: SandboxPki, tmp_path: Path, xades: bool) -> None:
    signed = tmp_path / "signed.xml"
    signed.write_bytes(sign(invoice_xml(40), key=signing_key(pki, "supplier"), xades=xades))
    pinned = _xmlsec1(
        "--verify", "--pubkey-cert-pem", str(pki.supplier_cert), *ID_ATTR, str(signed)
    )
    assert pinned.returncode == 0, pinned.stderr
    chained = _xmlsec1("--verify", "--trusted-pem", str(pki.ca_cert), *ID_ATTR, str(signed))
    assert chained.returncode == 0, chained.stderr


def test_xmlsec1_rejects_our_tampered_document(sandbox_pki: SandboxPki, tmp_path: Path) -> None:
    """The interop check is not vacuous: xmlsec1 does fail a changed amount."""
    signed = sign(invoice_xml(3), key=signing_key(sandbox_pki, "supplier"))
    tampered = tmp_path / "tampered.xml"
    tampered.write_bytes(
        signed.replace(b"<ex:Amount>1000</ex:Amount>", b"<ex:Amount>1</ex:Amount>", 1)
    )
    result = _xmlsec1(
        "--verify", "--pubkey-cert-pem", str(sandbox_pki.supplier_cert), *ID_ATTR, str(tampered)
    )
    assert result.returncode != 0
    pristine = tmp_path / "pristine.xml"
    pristine.write_bytes(signed)
    ok = _xmlsec1(
        "--verify", "--pubkey-cert-pem", str(sandbox_pki.supplier_cert), *ID_ATTR, str(pristine)
    )
    assert ok.returncode == 0, ok.stderr


def test_xmlsec1_signature_verifies_with_ours(pki: SandboxPki, tmp_path: Path) -> None:
    method = (
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
        if pki.key_type == "rsa"
        else "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
    )
    doc_id = "doc-INV-2024-000123"
    unsigned = invoice_xml(40, doc_id=doc_id).decode("utf-8")
    template = unsigned.replace(
        "</ex:SupplierInvoice>",
        TEMPLATE_SIGNATURE.format(method=method, doc_id=doc_id) + "</ex:SupplierInvoice>",
    )
    template_path = tmp_path / "template.xml"
    template_path.write_text(template, encoding="utf-8")
    out = tmp_path / "signed-by-xmlsec1.xml"
    result = _xmlsec1(
        "--sign",
        "--privkey-pem",
        f"{pki.supplier_key},{pki.supplier_cert}",
        *ID_ATTR,
        "--output",
        str(out),
        str(template_path),
    )
    assert result.returncode == 0, result.stderr
    policy = VerificationPolicy(
        parties=(TrustedParty("supplier", ca_certs=(pki.ca_cert,), crls=(pki.ca_crl,)),)
    )
    verified = verify(out.read_bytes(), policy=policy)
    assert verified.party == "supplier"
    assert len(verified.signed_root.findall(f"{{{EX_NS}}}Lines/{{{EX_NS}}}Line")) == 40
    pinned = VerificationPolicy(
        parties=(TrustedParty("supplier", pinned_certs=(pki.supplier_cert,)),)
    )
    assert verify(out.read_bytes(), policy=pinned).signer.certificate.subject.rfc4514_string()
