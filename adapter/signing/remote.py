"""Two-phase signing: the consumer's own key signs in their browser, never on our server.

``prepare_remote_signature`` builds the complete ``ds:Signature`` except its value and returns
the exact bytes to sign: the exclusive canonical form of ``SignedInfo`` (which already holds the
document's digest). The browser signs those bytes with WebCrypto (RSASSA-PKCS1-v1_5 SHA-256, or
ECDSA P-256 SHA-256, whose raw r||s output is what XMLDSig expects) and sends back the value;
``complete_remote_signature`` puts it in place and returns the signed document. Nothing is
trusted here: the result goes through the full verification policy like any other document.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree

from adapter.errors import SignatureError
from adapter.safexml import parse_xml
from adapter.signing import constants as c
from adapter.signing.signer import signable_root, signature_template, splice_signature

_DS = f"{{{c.DS_NS}}}"


@dataclass(frozen=True)
class RemoteSigningRequest:
    """What the remote signer needs, and what completing the signature needs back."""

    document: bytes
    signature_xml: bytes
    signed_info: bytes
    signature_method: str

    @property
    def webcrypto_algorithm(self) -> str:
        """``RSASSA-PKCS1-v1_5`` or ``ECDSA`` (both with SHA-256)."""
        return "ECDSA" if self.signature_method == c.ECDSA_SHA256 else "RSASSA-PKCS1-v1_5"


def prepare_remote_signature(xml: bytes, certificate: x509.Certificate) -> RemoteSigningRequest:
    """Digest ``xml`` and build its SignedInfo for the holder of ``certificate``'s key."""
    method = _method_for(certificate)
    root, doc_id = signable_root(xml)
    # Enveloped + exclusive c14n of a same-document reference without comments: the signature is
    # not in the tree yet, so this is exactly what a verifier digests.
    digest = hashlib.sha256(etree.tostring(root, method="c14n", exclusive=True,
                                           with_comments=False)).digest()
    signature = signature_template(doc_id, method, f"sig-{uuid.uuid4().hex}")
    signature.find(f"{_DS}SignedInfo/{_DS}Reference/{_DS}DigestValue").text = (
        base64.b64encode(digest).decode("ascii"))
    signature.find(f".//{_DS}X509Certificate").text = base64.b64encode(
        certificate.public_bytes(serialization.Encoding.DER)).decode("ascii")
    root.append(signature)
    signed_info = etree.tostring(signature.find(f"{_DS}SignedInfo"), method="c14n",
                                 exclusive=True, with_comments=False)
    return RemoteSigningRequest(bytes(xml), etree.tostring(signature), signed_info, method)


def complete_remote_signature(request: RemoteSigningRequest, signature_value: bytes) -> bytes:
    """The signed document: ``request``'s signature with ``signature_value`` filled in."""
    if not signature_value or len(signature_value) > 1024:
        raise SignatureError("Значення підпису відсутнє або завелике.", code="SIG_INVALID")
    root = parse_xml(request.document)
    signature = parse_xml(request.signature_xml)
    signature.find(f"{_DS}SignatureValue").text = base64.b64encode(signature_value).decode()
    root.append(signature)
    return splice_signature(request.document, root, signature)


def _method_for(certificate: x509.Certificate) -> str:
    key = certificate.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return c.RSA_SHA256
    if isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1":
        return c.ECDSA_SHA256
    raise SignatureError("Підтримуються ключі RSA та ECDSA P-256.", code="SIG_ALGORITHM")
