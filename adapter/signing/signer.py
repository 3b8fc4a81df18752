"""Enveloped XMLDSig (optionally XAdES-BES) signing with python-xmlsec.

The signer sits behind the :class:`Signer` protocol so that a provider for the Ukrainian DSTU 4145
keys (which neither xmlsec nor cryptography support) can be added without touching callers.

The bytes of the document are preserved: the ``ds:Signature`` built and signed on a parsed copy is
serialized on its own and spliced in just before the root's closing tag, so everything else in the
file (declaration, prefixes, attribute quoting, whitespace) stays exactly as the caller wrote it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

import xmlsec
from lxml import etree

from adapter.errors import SignatureError
from adapter.safexml import parse_xml
from adapter.signing import constants as c
from adapter.signing.keys import SigningKey
from adapter.signing.xades import build_qualifying_properties

_TRANSFORMS = {
    c.RSA_SHA256: xmlsec.constants.TransformRsaSha256,
    c.ECDSA_SHA256: xmlsec.constants.TransformEcdsaSha256,
    c.ECDSA_SHA384: xmlsec.constants.TransformEcdsaSha384,
}
_SPLICE_UNSAFE_ENCODINGS = ("utf-16", "utf-32", "ucs")


class Signer(Protocol):
    """Anything that turns an unsigned document into a signed one."""

    def sign(self, xml: bytes) -> bytes:
        """Return ``xml`` with an enveloped signature appended as the root's last child."""
        ...


class XmlDsigSigner:
    """Signs with an RSA or EC key through python-xmlsec (XMLDSig, optionally XAdES-BES)."""

    def __init__(
        self,
        key: SigningKey,
        *,
        xades: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.key = key
        self.xades = xades
        self.clock = clock or (lambda: datetime.now(UTC))

    def sign(self, xml: bytes) -> bytes:
        """Sign the root element (found by its ``Id``) of ``xml``; see :func:`sign`."""
        root, doc_id = signable_root(xml)
        signature = self._template(doc_id)
        root.append(signature)
        ctx = xmlsec.SignatureContext()
        ctx.key = self.key.xmlsec_key
        ctx.register_id(root, "Id")
        if self.xades:
            props = signature.find(
                f"{{{c.DS_NS}}}Object/{{{c.XADES_NS}}}QualifyingProperties/"
                f"{{{c.XADES_NS}}}SignedProperties"
            )
            ctx.register_id(props, "Id")
        try:
            ctx.sign(signature)
        except xmlsec.Error as exc:
            raise SignatureError(
                f"xmlsec не зміг підписати документ: {exc}", code="SIG_SIGN_FAILED"
            ) from exc
        return splice_signature(xml, root, signature)

    def _template(self, doc_id: str) -> etree._Element:
        signature_id = f"sig-{uuid.uuid4().hex}"
        signature = signature_template(doc_id, self.key.signature_method, signature_id)
        if self.xades:
            props_id = f"{signature_id}-signedprops"
            props_ref = xmlsec.template.add_reference(
                signature,
                xmlsec.constants.TransformSha256,
                uri=f"#{props_id}",
                type=c.XADES_SIGNED_PROPERTIES_TYPE,
            )
            xmlsec.template.add_transform(props_ref, xmlsec.constants.TransformExclC14N)
            signature.append(
                build_qualifying_properties(
                    signature_id, props_id, self.key.certificate_der, self.clock()
                )
            )
        return signature


def signable_root(xml: bytes) -> tuple[etree._Element, str]:
    """The parsed root of a document to sign and its ``Id``; refuses one already signed."""
    root = parse_xml(xml)
    doc_id = root.get("Id")
    if not doc_id:
        raise SignatureError("Кореневий елемент не має атрибута Id.", code="SIG_NO_ID")
    if next(root.iter(c.DS_SIGNATURE), None) is not None:
        raise SignatureError("Документ уже містить підпис.", code="SIG_MULTIPLE")
    return root, doc_id


def signature_template(doc_id: str, signature_method: str, signature_id: str) -> etree._Element:
    """An empty ds:Signature over ``#doc_id``: enveloped + exclusive c14n, SHA-256, X509Data."""
    signature = xmlsec.template.create(
        etree.Element("placeholder"),
        xmlsec.constants.TransformExclC14N,
        _TRANSFORMS[signature_method],
        ns="ds",
        name=signature_id,  # type: ignore[call-arg]  # the C signature says "name"; stub says "id"
    )
    ref = xmlsec.template.add_reference(
        signature, xmlsec.constants.TransformSha256, uri=f"#{doc_id}"
    )
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformEnveloped)
    xmlsec.template.add_transform(ref, xmlsec.constants.TransformExclC14N)
    key_info = xmlsec.template.ensure_key_info(signature)
    xmlsec.template.x509_data_add_certificate(xmlsec.template.add_x509_data(key_info))
    return signature


def sign(xml: bytes, *, key: SigningKey, xades: bool = False) -> bytes:
    """Sign ``xml`` (enveloped, SHA-256, RSA-SHA256 or ECDSA-SHA256 by key) and return new bytes.

    The root must carry an ``Id``; the single reference is ``URI="#<Id>"`` with the
    enveloped-signature and exclusive c14n transforms; ``KeyInfo`` holds the signer certificate.
    With ``xades=True`` a XAdES-BES ``QualifyingProperties`` (SigningTime, SigningCertificateV2) is
    added and its ``SignedProperties`` is signed too.
    """
    return XmlDsigSigner(key, xades=xades).sign(xml)


def splice_signature(original: bytes, root: etree._Element, signature: etree._Element) -> bytes:
    """Insert the serialized signature before the root's end tag, leaving every other byte alone."""
    sig_bytes = etree.tostring(signature)
    end = _root_end_tag_offset(original, root)
    if end is None:
        # Self-closing root, trailing comments after it, or a multi-byte encoding: re-serialize.
        tree = root.getroottree()
        return etree.tostring(tree, xml_declaration=True, encoding=tree.docinfo.encoding or "UTF-8")
    return original[:end] + sig_bytes + original[end:]


def _root_end_tag_offset(original: bytes, root: etree._Element) -> int | None:
    encoding = (root.getroottree().docinfo.encoding or "utf-8").lower()
    if encoding.startswith(_SPLICE_UNSAFE_ENCODINGS) or root.getnext() is not None:
        return None
    local = etree.QName(root).localname.encode("ascii", "ignore")
    match = re.search(rb"</(?:[\w.\-]+:)?" + re.escape(local) + rb"\s*>\s*\Z", original)
    return match.start() if match else None
