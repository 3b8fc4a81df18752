"""Policy checks on a ds:Signature before any cryptography: algorithms, transforms, references."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from lxml import etree

from adapter.errors import SignatureError
from adapter.soap.wsse_ns import (
    C14N_METHODS,
    DIGEST_METHODS,
    DS_NS,
    EC_NS,
    SIGNATURE_METHODS,
    TRANSFORMS,
    WSU_ID,
    q,
)

# A bare-name fragment only: "#xpointer(...)" and other schemes would let a reference select
# something other than the one element carrying the id.
_ID_RE = re.compile(r"^#([A-Za-z_][\w.\-]*)$")


@dataclass(frozen=True)
class SignedInfoView:
    """What the policy learned from SignedInfo: the method and the referenced ids, in order."""

    signed_info: etree._Element
    signature_method: str
    reference_ids: tuple[str, ...]


def _one(parent: etree._Element, local: str, what: str) -> etree._Element:
    found = parent.findall(q(DS_NS, local))
    if len(found) != 1:
        raise SignatureError(f"{what}: очікувався рівно один ds:{local}.", code="WSSE_MALFORMED")
    return found[0]


def _algorithm_error(algorithm: str | None) -> SignatureError:
    return SignatureError(f"Алгоритм не дозволено: {algorithm}.", code="WSSE_ALGORITHM")


def _only_inclusive_namespaces(method: etree._Element) -> bool:
    return all(child.tag == q(EC_NS, "InclusiveNamespaces") for child in method)


def check_signed_info(signature: etree._Element) -> SignedInfoView:
    """Apply the allow-lists to ``signature``'s SignedInfo and return what it references."""
    signed_info = _one(signature, "SignedInfo", "ds:Signature")
    _one(signature, "SignatureValue", "ds:Signature")
    c14n = _one(signed_info, "CanonicalizationMethod", "ds:SignedInfo")
    if c14n.get("Algorithm") not in C14N_METHODS or not _only_inclusive_namespaces(c14n):
        raise _algorithm_error(c14n.get("Algorithm"))
    method = _one(signed_info, "SignatureMethod", "ds:SignedInfo")
    if method.get("Algorithm") not in SIGNATURE_METHODS or len(method):
        raise _algorithm_error(method.get("Algorithm"))
    references = signed_info.findall(q(DS_NS, "Reference"))
    ids = tuple(_check_reference(ref) for ref in references)
    return SignedInfoView(signed_info, method.get("Algorithm") or "", ids)


def _check_reference(reference: etree._Element) -> str:
    match = _ID_RE.match(reference.get("URI") or "")
    if match is None:
        raise SignatureError(
            "Посилання підпису має вказувати на елемент за wsu:Id ('#id').", code="WSSE_REFERENCE"
        )
    digest = _one(reference, "DigestMethod", "ds:Reference")
    if digest.get("Algorithm") not in DIGEST_METHODS:
        raise _algorithm_error(digest.get("Algorithm"))
    _one(reference, "DigestValue", "ds:Reference")
    for transforms in reference.findall(q(DS_NS, "Transforms")):
        for transform in transforms:
            if transform.get("Algorithm") not in TRANSFORMS or not _only_inclusive_namespaces(
                transform
            ):
                raise SignatureError(
                    f"Перетворення не дозволено: {transform.get('Algorithm')}.",
                    code="WSSE_TRANSFORM",
                )
    return match.group(1)


def id_index(root: etree._Element) -> dict[str, list[tuple[etree._Element, str]]]:
    """Every attribute value in the document, mapped to the (element, attribute) pairs bearing it.

    Indexing all attributes, not only wsu:Id, is what catches a decoy that carries the same value
    under ``Id``, ``ID``, ``xml:id`` or any other name a library might treat as an identifier.
    """
    index: dict[str, list[tuple[etree._Element, str]]] = defaultdict(list)
    for element in root.iter(etree.Element):
        for name, value in element.attrib.items():
            index[value.strip()].append((element, name))
    return index


def resolve(index: dict[str, list[tuple[etree._Element, str]]], ref_id: str) -> etree._Element:
    """The one element whose wsu:Id is ``ref_id``; raise on duplicates or when none carries it."""
    bearers = index.get(ref_id, [])
    if len(bearers) > 1:
        raise SignatureError(
            f"Ідентифікатор '{ref_id}' зустрічається в повідомленні більше одного разу.",
            code="WSSE_DUPLICATE_ID",
        )
    if not bearers or bearers[0][1] != WSU_ID:
        raise SignatureError(f"Не знайдено елемент з wsu:Id '{ref_id}'.", code="WSSE_REFERENCE")
    return bearers[0][0]
