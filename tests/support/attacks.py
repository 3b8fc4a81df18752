"""Builders of hostile signed documents, reusable by any test that feeds documents to ``verify``.

Two kinds of builder:

* :func:`raw_sign` signs with python-xmlsec directly and lets the caller choose everything our own
  ``sign`` refuses to produce (reference to a child, XPath transforms, SHA-1, HMAC, weak keys). The
  result is cryptographically valid, so a rejection proves the *policy* caught it.
* Rewrites of an already signed document (wrapping, moving the signature, decoy IDs, comments).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import xmlsec
from lxml import etree

from adapter.signing import constants as c

DS = f"{{{c.DS_NS}}}"
EX_NS = "urn:roe:exchange:1"
XSLT_URI = "http://www.w3.org/TR/1999/REC-xslt-19991116"
XPATH_URI = "http://www.w3.org/TR/1999/REC-xpath-19991116"
WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
_T = xmlsec.constants

#: Transform chains by name, for parametrised tests.
DOCUMENT_TRANSFORMS = (_T.TransformEnveloped, _T.TransformExclC14N)


def _parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml, etree.XMLParser(remove_blank_text=False))


def _dump(root: etree._Element) -> bytes:
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def load_xmlsec_key(key_pem: bytes, cert_pem: bytes | None = None) -> xmlsec.Key:
    """An xmlsec key (with its certificate, so KeyInfo/X509Data gets filled)."""
    key = xmlsec.Key.from_memory(key_pem, _T.KeyDataFormatPem, None)
    if cert_pem is not None:
        key.load_cert_from_memory(cert_pem, _T.KeyDataFormatCertPem)
    return key


def raw_sign(
    xml: bytes,
    key: xmlsec.Key,
    *,
    reference_uri: str | None = None,
    transforms: Sequence[object] = DOCUMENT_TRANSFORMS,
    digest: object = _T.TransformSha256,
    method: object = _T.TransformRsaSha256,
    extra_reference_uris: Sequence[str] = (),
    id_attrs: Sequence[tuple[str, str | None]] = (("Id", None),),
    xpath: str | None = None,
    with_cert: bool = True,
) -> bytes:
    """Sign ``xml`` with an enveloped signature appended to the root, any parameters allowed.

    ``reference_uri`` defaults to ``#<root Id>``. ``xpath`` (with ``_T.TransformXPath`` in
    ``transforms``) is the expression of the XPath transform.
    """
    root = _parse(xml)
    uri = reference_uri if reference_uri is not None else f"#{root.get('Id')}"
    signature = xmlsec.template.create(root, _T.TransformExclC14N, method, ns="ds")
    for ref_uri in (uri, *extra_reference_uris):
        ref = xmlsec.template.add_reference(signature, digest, uri=ref_uri)
        for transform in transforms:
            node = xmlsec.template.add_transform(ref, transform)
            if transform == _T.TransformXPath:
                expr = etree.SubElement(node, f"{DS}XPath", nsmap={"ds": c.DS_NS})
                expr.text = xpath or "not(ancestor-or-self::ds:Signature)"
    if with_cert:
        key_info = xmlsec.template.ensure_key_info(signature)
        xmlsec.template.x509_data_add_certificate(xmlsec.template.add_x509_data(key_info))
    root.append(signature)
    ctx = xmlsec.SignatureContext()
    ctx.key = key
    seen: set[str] = set()
    for element in root.iter(etree.Element):
        for name, ns in id_attrs:
            value = element.get(name if ns is None else f"{{{ns}}}{name}")
            if value is not None and value not in seen:
                # xmlsec refuses to register a duplicate: the first one wins, like libxml2's.
                seen.add(value)
                ctx.register_id(element, name, ns)
    ctx.sign(signature)
    return _dump(root)


def set_certificate(signed: bytes, cert_der_b64: str) -> bytes:
    """Replace the KeyInfo certificate (e.g. with a trusted one whose key did not sign)."""
    root = _parse(signed)
    node = root.find(f".//{DS}X509Certificate")
    assert node is not None
    node.text = cert_der_b64
    return _dump(root)


# --- signature wrapping -------------------------------------------------------------------------


def wrap_in_forged_root(signed: bytes, *, forged_amount: str = "1") -> bytes:
    """Forged root (new Id, forged first Amount) holding the signed original nested inside it."""
    original = _parse(signed)
    forged = copy.deepcopy(original)
    forged.set("Id", "forged-root")
    forged.remove(forged.find(f"{DS}Signature"))
    _set_first_amount(forged, forged_amount)
    wrapper = etree.SubElement(forged, f"{{{EX_NS}}}Extension")
    wrapper.append(original)
    return _dump(forged)


def hoist_signature_over_forgery(
    signed: bytes, *, keep_root_id: bool, forged_amount: str = "1"
) -> bytes:
    """Classic XSW: a forged root carries the signature; the original moves inside a wrapper.

    With ``keep_root_id`` the forged root reuses the signed Id (two elements with one Id), else it
    gets a new one and the reference now points at a nested element.
    """
    original = _parse(signed)
    signature = original.find(f"{DS}Signature")
    original.remove(signature)
    forged = copy.deepcopy(original)
    if not keep_root_id:
        forged.set("Id", "forged-root")
    _set_first_amount(forged, forged_amount)
    etree.SubElement(forged, f"{{{EX_NS}}}Extension").append(original)
    forged.append(signature)
    return _dump(forged)


def hide_original_in_object(signed: bytes, *, forged_amount: str = "1") -> bytes:
    """Forged content in the root; the original signed root (Id kept) hidden in ds:Object."""
    original = _parse(signed)
    signature = original.find(f"{DS}Signature")
    original.remove(signature)
    forged = copy.deepcopy(original)
    _set_first_amount(forged, forged_amount)
    etree.SubElement(signature, f"{DS}Object").append(original)
    forged.append(signature)
    return _dump(forged)


def move_signature(signed: bytes, *, where: str = "first") -> bytes:
    """Move the signature: ``first`` child of the root, or into the ``line`` of the document."""
    root = _parse(signed)
    signature = root.find(f"{DS}Signature")
    root.remove(signature)
    if where == "first":
        root.insert(0, signature)
    else:
        target = next(root.iter(f"{{{EX_NS}}}Line"))
        target.append(signature)
    return _dump(root)


def append_after_signature(signed: bytes) -> bytes:
    """Add an unsigned element after the signature (so it is no longer the last child)."""
    root = _parse(signed)
    extra = etree.SubElement(root, f"{{{EX_NS}}}Note")
    extra.text = "unsigned"
    return _dump(root)


def duplicate_signature(signed: bytes) -> bytes:
    """A second copy of the signature inside the first one's ds:Object."""
    root = _parse(signed)
    signature = root.find(f"{DS}Signature")
    etree.SubElement(signature, f"{DS}Object").append(copy.deepcopy(signature))
    return _dump(root)


def strip_signature(signed: bytes) -> bytes:
    """Remove the signature altogether."""
    root = _parse(signed)
    root.remove(root.find(f"{DS}Signature"))
    return _dump(root)


# --- identifiers --------------------------------------------------------------------------------

#: Attribute names a decoy may use to carry the signed ID value: (local name, namespace).
DECOY_ID_ATTRIBUTES: tuple[tuple[str, str | None], ...] = (
    ("Id", None),
    ("ID", None),
    ("id", None),
    ("id", c.XML_NS),
    ("Id", WSU_NS),
    ("ref", None),
)


def add_decoy_id(
    signed: bytes, name: str, namespace: str | None, *, in_signature: bool = True
) -> bytes:
    """Add a decoy element carrying the signed root's Id value under another attribute.

    ``in_signature`` puts it in a ds:Object (outside the signed content, so the signature stays
    cryptographically valid); otherwise among the document lines.
    """
    root = _parse(signed)
    doc_id = root.get("Id")
    if in_signature:
        parent = etree.SubElement(root.find(f"{DS}Signature"), f"{DS}Object")
    else:
        parent = root.find(f"{{{EX_NS}}}Lines")
    decoy = etree.SubElement(parent, f"{{{EX_NS}}}SupplierInvoice")
    decoy.set(name if namespace is None else f"{{{namespace}}}{name}", doc_id)
    etree.SubElement(decoy, f"{{{EX_NS}}}Amount").text = "1"
    return _dump(root)


# --- content ------------------------------------------------------------------------------------


def inject_comment(signed: bytes, *, split_at: int = 1) -> bytes:
    """Split the first Amount's text with an empty comment: ``1000`` becomes ``1<!---->000``.

    Comments are outside exclusive c14n, so the signature stays valid; a naive ``.text`` now
    reads ``1`` where the signed content says ``1000``.
    """
    root = _parse(signed)
    amount = next(root.iter(f"{{{EX_NS}}}Amount"))
    text = amount.text or ""
    amount.text = text[:split_at]
    comment = etree.Comment("")
    comment.tail = text[split_at:]
    amount.insert(0, comment)
    return _dump(root)


def tamper_amount(signed: bytes, amount: str = "1") -> bytes:
    """Change the first Amount after signing."""
    root = _parse(signed)
    next(root.iter(f"{{{EX_NS}}}Amount")).text = amount
    return _dump(root)


def set_algorithm(signed: bytes, element: str, algorithm: str) -> bytes:
    """Rewrite the Algorithm of the first ``ds:<element>`` (breaks the signature)."""
    root = _parse(signed)
    node = root.find(f".//{DS}{element}")
    assert node is not None
    node.set("Algorithm", algorithm)
    return _dump(root)


def add_transform(signed: bytes, algorithm: str, *, body: str | None = None) -> bytes:
    """Append a transform (optionally with an XPath/XSLT body) to the first reference."""
    root = _parse(signed)
    transforms = root.find(f".//{DS}Reference/{DS}Transforms")
    node = etree.SubElement(transforms, f"{DS}Transform", Algorithm=algorithm)
    if body is not None:
        node.append(etree.fromstring(body))
    return _dump(root)


def _set_first_amount(root: etree._Element, amount: str) -> None:
    next(root.iter(f"{{{EX_NS}}}Amount")).text = amount
