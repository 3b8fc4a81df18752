"""Structural checks of an enveloped signature, done on the lxml tree before any cryptography.

These close the holes a plain XMLDSig verifier leaves open (see docs/signing.md): signature
wrapping, moved or extra signatures, references to anything but the root, decoy IDs under other
attribute names, unexpected transforms and weak algorithms.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from lxml import etree

from adapter.errors import SignatureError
from adapter.signing import constants as c
from adapter.signing.xades import find_signed_properties

_DS = f"{{{c.DS_NS}}}"
_EC = f"{{{c.EXC_C14N}}}"


@dataclass(frozen=True)
class Reference:
    """One checked ``ds:Reference``."""

    element: etree._Element
    target_id: str
    digest_method: str
    digest_value: bytes
    inclusive_prefixes: tuple[str, ...]


@dataclass(frozen=True)
class SignatureLayout:
    """The parts of a structurally acceptable signature."""

    signature: etree._Element
    signed_info: etree._Element
    signature_value: bytes
    properties_reference: Reference | None
    signature_method: str
    document: Reference
    signed_properties: etree._Element | None
    certificates: tuple[bytes, ...]


def inspect_signature(root: etree._Element, *, id_attribute: str = "Id") -> SignatureLayout:
    """Check placement, references, IDs, transforms and algorithms; return the layout."""
    signature = _the_signature(root)
    signed_info = _child(signature, "SignedInfo", first=True)
    _check_signed_info_methods(signed_info)
    doc_id = root.get(id_attribute)
    if not doc_id:
        raise SignatureError("Кореневий елемент не має атрибута Id.", code="SIG_REFERENCE")
    document, props_ref, props = _references(signed_info, signature, doc_id)
    _check_unique_ids(root, [doc_id] + ([props_ref.target_id] if props_ref else []))
    return SignatureLayout(
        signature=signature,
        signed_info=signed_info,
        signature_value=_signature_value(signature),
        properties_reference=props_ref,
        signature_method=_algorithm(signed_info, "SignatureMethod"),
        document=document,
        signed_properties=props,
        certificates=_certificates(signature),
    )


def _the_signature(root: etree._Element) -> etree._Element:
    signatures = list(root.iter(c.DS_SIGNATURE))
    if not signatures:
        raise SignatureError("Документ не підписано.", code="SIG_MISSING")
    if len(signatures) > 1:
        raise SignatureError("Документ містить більше одного підпису.", code="SIG_MULTIPLE")
    signature = signatures[0]
    following = [n for n in signature.itersiblings() if isinstance(n.tag, str)]
    if signature.getparent() is not root or following:
        raise SignatureError(
            "Підпис має бути останнім дочірнім елементом кореня документа.", code="SIG_MISPLACED"
        )
    return signature


def _child(parent: etree._Element, name: str, *, first: bool = False) -> etree._Element:
    elements = [n for n in parent if isinstance(n.tag, str)]
    found = [n for n in elements if n.tag == f"{_DS}{name}"]
    if len(found) != 1 or (first and elements[0] is not found[0]):
        raise SignatureError(f"Некоректна структура підпису: {name}.", code="SIG_INVALID")
    return found[0]


def _algorithm(parent: etree._Element, name: str) -> str:
    return _child(parent, name).get("Algorithm", "")


def _check_signed_info_methods(signed_info: etree._Element) -> None:
    c14n_el = _child(signed_info, "CanonicalizationMethod")
    c14n = c14n_el.get("Algorithm", "")
    if c14n not in c.SIGNED_INFO_C14N or len(c14n_el):
        raise SignatureError(
            f"Недозволена канонікалізація SignedInfo: {c14n}", code="SIG_ALGORITHM"
        )
    method_el = _child(signed_info, "SignatureMethod")
    method = method_el.get("Algorithm", "")
    if method not in c.SIGNATURE_METHODS or len(method_el):
        # Children here would be HMACOutputLength or similar: never part of an allowed method.
        raise SignatureError(f"Недозволений алгоритм підпису: {method}", code="SIG_ALGORITHM")


def _references(
    signed_info: etree._Element, signature: etree._Element, doc_id: str
) -> tuple[Reference, Reference | None, etree._Element | None]:
    refs = signed_info.findall(f"{_DS}Reference")
    document = [r for r in refs if r.get("URI") == f"#{doc_id}"]
    others = [r for r in refs if r.get("URI") != f"#{doc_id}"]
    if len(document) != 1:
        raise SignatureError(
            "Підпис має містити рівно одне посилання на кореневий елемент.", code="SIG_REFERENCE"
        )
    doc_ref = _reference(document[0], c.DOCUMENT_TRANSFORMS)
    if not others:
        return doc_ref, None, None
    props_ref_el = others[0]
    if len(others) > 1 or props_ref_el.get("Type") != c.XADES_SIGNED_PROPERTIES_TYPE:
        raise SignatureError("Зайве посилання в підписі.", code="SIG_REFERENCE")
    props_ref = _reference(props_ref_el, None)
    props = find_signed_properties(signature, props_ref.target_id)
    if props is None:
        raise SignatureError(
            "Посилання на SignedProperties не знайдено в підписі.", code="SIG_REFERENCE"
        )
    return doc_ref, props_ref, props


def _reference(ref: etree._Element, transforms: tuple[str, ...] | None) -> Reference:
    uri = ref.get("URI") or ""
    if not uri.startswith("#") or len(uri) < 2 or "(" in uri:
        raise SignatureError(f"Недозволене посилання: {uri!r}", code="SIG_REFERENCE")
    chain, prefixes = _transforms(ref)
    allowed = (transforms,) if transforms is not None else c.SIGNED_PROPERTIES_TRANSFORMS
    if chain not in allowed:
        raise SignatureError(f"Недозволені перетворення: {', '.join(chain)}", code="SIG_TRANSFORM")
    digest_method = _algorithm(ref, "DigestMethod")
    if digest_method not in c.DIGEST_METHODS:
        raise SignatureError(
            f"Недозволений алгоритм дайджесту: {digest_method}", code="SIG_ALGORITHM"
        )
    try:
        digest = base64.b64decode(_child(ref, "DigestValue").text or "", validate=False)
    except binascii.Error as exc:
        raise SignatureError("Некоректне значення дайджесту.", code="SIG_INVALID") from exc
    return Reference(ref, uri[1:], digest_method, digest, prefixes)


def _transforms(ref: etree._Element) -> tuple[tuple[str, ...], tuple[str, ...]]:
    container = ref.find(f"{_DS}Transforms")
    if container is None:
        return (), ()
    chain: list[str] = []
    prefixes: tuple[str, ...] = ()
    for transform in container:
        if not isinstance(transform.tag, str):
            continue
        algorithm = transform.get("Algorithm", "")
        if transform.tag != f"{_DS}Transform":
            raise SignatureError("Некоректний елемент у Transforms.", code="SIG_TRANSFORM")
        params = [n for n in transform if isinstance(n.tag, str)]
        if (
            algorithm == c.EXC_C14N
            and len(params) == 1
            and params[0].tag == f"{_EC}InclusiveNamespaces"
        ):
            prefixes = tuple(params[0].get("PrefixList", "").split())
        elif params:
            # XPath, XSLT and friends carry their program as child elements: never run them.
            raise SignatureError(
                f"Перетворення з параметрами заборонено: {algorithm}", code="SIG_TRANSFORM"
            )
        chain.append(algorithm)
    return tuple(chain), prefixes


#: Attributes whose value contains the given text, found in C: far faster than a Python walk.
_ATTRIBUTES_CONTAINING = etree.XPath("//@*[contains(., $value)]")


def _check_unique_ids(root: etree._Element, ids: list[str]) -> None:
    """Each signed ID value may appear exactly once as ANY attribute value in the document.

    A decoy under ``ID``, ``id``, ``xml:id``, ``wsu:Id`` or any other name is what other tools (or a
    later reader) may resolve instead of our root, so we refuse the document outright. Values are
    compared after stripping whitespace, as XML ID types are normalised.
    """
    for value in ids:
        hits = [a for a in _ATTRIBUTES_CONTAINING(root, value=value) if str(a).strip() == value]
        if len(hits) != 1:
            raise SignatureError(
                f"Ідентифікатор підписаного елемента повторюється: {value}", code="SIG_DUPLICATE_ID"
            )


def _signature_value(signature: etree._Element) -> bytes:
    text = _child(signature, "SignatureValue").text or ""
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except binascii.Error as exc:
        raise SignatureError("Некоректне значення підпису.", code="SIG_INVALID") from exc


def _certificates(signature: etree._Element) -> tuple[bytes, ...]:
    key_info = signature.find(f"{_DS}KeyInfo")
    texts = [] if key_info is None else key_info.findall(f"{_DS}X509Data/{_DS}X509Certificate")
    try:
        certs = tuple(
            base64.b64decode("".join((t.text or "").split()), validate=True) for t in texts
        )
    except binascii.Error as exc:
        raise SignatureError("Некоректний сертифікат у KeyInfo.", code="SIG_KEYINFO") from exc
    if not certs:
        raise SignatureError("KeyInfo не містить сертифіката підписувача.", code="SIG_KEYINFO")
    return certs
