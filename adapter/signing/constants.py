"""Namespaces, algorithm identifiers and the allow-lists of the verification policy."""

from __future__ import annotations

DS_NS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NS = "http://uri.etsi.org/01903/v1.3.2#"
XML_NS = "http://www.w3.org/XML/1998/namespace"

DS_SIGNATURE = f"{{{DS_NS}}}Signature"

# Canonicalization and transforms.
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_11 = "http://www.w3.org/2006/12/xml-c14n11"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"

# Signature methods.
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
RSA_SHA512 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
ECDSA_SHA384 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384"

# Digest methods.
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA384 = "http://www.w3.org/2001/04/xmldsig-more#sha384"
SHA512 = "http://www.w3.org/2001/04/xmlenc#sha512"

XADES_SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"

#: Signature methods we accept, with the key family each needs. No SHA-1, MD5, HMAC or DSA:
#: SHA-1 and MD5 collide, HMAC proves nothing about who signed, DSA is obsolete.
SIGNATURE_METHODS: dict[str, str] = {
    RSA_SHA256: "rsa",
    RSA_SHA384: "rsa",
    RSA_SHA512: "rsa",
    ECDSA_SHA256: "ec",
    ECDSA_SHA384: "ec",
}
#: Short names for the result object and logs.
SIGNATURE_METHOD_NAMES: dict[str, str] = {
    RSA_SHA256: "RSA-SHA256",
    RSA_SHA384: "RSA-SHA384",
    RSA_SHA512: "RSA-SHA512",
    ECDSA_SHA256: "ECDSA-SHA256",
    ECDSA_SHA384: "ECDSA-SHA384",
}
#: Digest methods we accept, with the hashlib name of each.
DIGEST_METHODS: dict[str, str] = {SHA256: "sha256", SHA384: "sha384", SHA512: "sha512"}
#: Canonicalization of SignedInfo: exclusive only (ours, and what xmlsec1 templates use). Inclusive
#: c14n would make the signed octets depend on the namespaces of the whole enclosing document.
SIGNED_INFO_C14N = frozenset({EXC_C14N})
#: The exact transform chain of the document reference.
DOCUMENT_TRANSFORMS = (ENVELOPED, EXC_C14N)
#: Transform chains accepted on the XAdES SignedProperties reference.
SIGNED_PROPERTIES_TRANSFORMS = ((EXC_C14N,),)
#: EC curves we accept.
EC_CURVES = frozenset({"secp256r1", "secp384r1"})
MIN_RSA_BITS = 2048
