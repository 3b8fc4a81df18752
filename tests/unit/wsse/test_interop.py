"""Other signers a counterparty may use: zeep's own BinarySignature and the xmlsec1 tool."""

from __future__ import annotations

import shutil
import subprocess
from datetime import timedelta

import pytest
import xmlsec
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from lxml import etree
from zeep.wsse.signature import BinarySignature
from zeep.wsse.utils import WSU, get_security_header

from adapter.errors import SignatureError
from adapter.soap.wsse import verify_wsse
from adapter.soap.wsse_ns import SOAP11_NS, WSU_NS

from .forge import envelope, signed, wire
from .pki import NOW


def zeep_signed(who, tmp_path, **methods) -> etree._Element:
    """Sign the way a counterparty using zeep's BinarySignature would (with a Timestamp)."""
    key_file, cert_file = tmp_path / "key.pem", tmp_path / "cert.pem"
    key_file.write_bytes(who.key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    cert_file.write_bytes(who.cert.public_bytes(Encoding.PEM))
    root = envelope()
    stamp = WSU.Timestamp(
        WSU.Created(NOW.strftime("%Y-%m-%dT%H:%M:%SZ")),
        WSU.Expires((NOW + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")),
    )
    get_security_header(root).append(stamp)
    BinarySignature(str(key_file), str(cert_file), **methods).apply(root, {})
    return wire(root)


def test_zeep_binary_signature_with_sha256_is_accepted(rsa_identity, tmp_path, cache) -> None:
    root = zeep_signed(
        rsa_identity,
        tmp_path,
        signature_method=xmlsec.Transform.RSA_SHA256,
        digest_method=xmlsec.Transform.SHA256,
    )
    result = verify_wsse(root, trusted_certs=[rsa_identity.cert], now=NOW, replay_cache=cache)
    assert result.created == NOW


def test_zeep_binary_signature_default_sha1_is_refused(rsa_identity, tmp_path, cache) -> None:
    root = zeep_signed(rsa_identity, tmp_path)
    with pytest.raises(SignatureError) as caught:
        verify_wsse(root, trusted_certs=[rsa_identity.cert], now=NOW, replay_cache=cache)
    assert caught.value.code == "WSSE_ALGORITHM"


@pytest.mark.xmlsec1
@pytest.mark.skipif(shutil.which("xmlsec1") is None, reason="xmlsec1 is not installed")
def test_xmlsec1_command_line_verifies_our_signature(ec_identity, tmp_path) -> None:
    message, cert = tmp_path / "message.xml", tmp_path / "cert.pem"
    message.write_bytes(etree.tostring(signed(ec_identity, NOW)))
    cert.write_bytes(ec_identity.cert.public_bytes(Encoding.PEM))
    command = [
        "xmlsec1", "--verify", "--pubkey-cert-pem", str(cert),
        "--id-attr:Id", f"{SOAP11_NS}:Body", "--id-attr:Id", f"{WSU_NS}:Timestamp", str(message),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    message.write_bytes(message.read_bytes().replace(b">1000<", b">1001<"))
    done = subprocess.run(command, capture_output=True, timeout=30, check=False)
    assert done.returncode != 0
