"""WS-Security names and the algorithm allow-list, shared by the signer and the verifier."""

from __future__ import annotations

SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
SOAP_NAMESPACES = frozenset({SOAP11_NS, SOAP12_NS})

WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
EC_NS = "http://www.w3.org/2001/10/xml-exc-c14n#"

NSMAP = {"wsse": WSSE_NS, "wsu": WSU_NS, "ds": DS_NS}

X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
BASE64_BINARY = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
)

WSU_ID = f"{{{WSU_NS}}}Id"

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"

#: The only algorithms we accept. SHA-1, MD5 and every HMAC are absent on purpose: HMAC would let
#: anyone holding the (public) certificate forge a "signature" in some libraries.
SIGNATURE_METHODS = frozenset({RSA_SHA256, ECDSA_SHA256})
DIGEST_METHODS = frozenset({SHA256})
C14N_METHODS = frozenset({EXC_C14N})
TRANSFORMS = frozenset({EXC_C14N})


def q(ns: str, local: str) -> str:
    """Clark notation ``{ns}local`` for lxml."""
    return f"{{{ns}}}{local}"
