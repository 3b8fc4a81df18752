"""The verification line in docs/contracts.md works on our documents with the xmlsec1 tool."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapter.domain.documents import DocumentKind
from adapter.mappers import read_document
from adapter.safexml import parse_xml

GOLDEN = Path(__file__).resolve().parents[1] / "mappers" / "golden"
DSIG = "http://www.w3.org/2000/09/xmldsig#"
TEMPLATE = (
    f'<Signature xmlns="{DSIG}"><SignedInfo>'
    '<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
    '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/>'
    '<Reference URI="#{id}"><Transforms>'
    f'<Transform Algorithm="{DSIG}enveloped-signature"/>'
    '<Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></Transforms>'
    '<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/>'
    "</Reference></SignedInfo><SignatureValue/></Signature>\n"
)

pytestmark = [
    pytest.mark.xmlsec1,
    pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="xmlsec1 is not installed"),
]


@pytest.fixture(scope="module")
def key_and_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A throwaway P-256 key and self-signed certificate, generated for this test run only."""
    folder = tmp_path_factory.mktemp("xmlsec1")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "contracts test signer")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def _xmlsec1(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["xmlsec1", *args], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(
    "kind", [DocumentKind.SUPPLIER_INVOICE, DocumentKind.ACKNOWLEDGEMENT], ids=str
)
def test_documented_xmlsec1_line_verifies_a_signed_golden(kind, key_and_cert, tmp_path) -> None:
    key, cert = key_and_cert
    golden = (GOLDEN / f"{kind.value}.xml").read_text(encoding="utf-8")
    element_id = parse_xml(golden.encode()).get("Id")
    closing = f"</{kind.value}>"
    template = golden.replace(closing, TEMPLATE.replace("{id}", element_id) + closing)
    (tmp_path / "tpl.xml").write_text(template, encoding="utf-8")
    id_attr = f"--id-attr:Id urn:roe:exchange:1:{kind.value}".split()
    signed = tmp_path / "signed.xml"
    sign = _xmlsec1(
        "--sign",
        "--privkey-pem",
        str(key),
        *id_attr,
        "--output",
        str(signed),
        str(tmp_path / "tpl.xml"),
    )
    assert sign.returncode == 0, sign.stderr

    verify = _xmlsec1("--verify", "--pubkey-cert-pem", str(cert), *id_attr, str(signed))
    assert verify.returncode == 0, verify.stderr
    # The signed document still satisfies its schema (the trailing ds:Signature is allowed).
    assert type(read_document(parse_xml(signed.read_bytes()))).KIND is kind

    tampered = tmp_path / "tampered.xml"
    tampered.write_bytes(signed.read_bytes().replace(b"<revisionNumber>1<", b"<revisionNumber>2<"))
    assert (
        _xmlsec1("--verify", "--pubkey-cert-pem", str(cert), *id_attr, str(tampered)).returncode
        != 0
    )
