"""The one safe XML entry point.

Every byte string that comes from outside (a SOAP request, a document file, a peer's response) is
parsed here and nowhere else. The parser refuses DTDs outright (so no entity, external or
internal, can ever be declared), never touches the network, ignores XInclude, and enforces our own
size and depth limits before libxml2's generous defaults would.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from adapter.errors import XmlError

#: Documents we exchange are a few KB to a few hundred KB; 5 MiB is a generous ceiling.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
#: Our deepest contract nests about 8 levels (SOAP envelope included); 64 leaves room for growth.
DEFAULT_MAX_DEPTH = 64


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers are not thread-safe and this one is cheap to build.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=False,
        collect_ids=False,
    )


def parse_xml(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> etree._Element:
    """Parse untrusted ``data`` and return its root element, or raise :class:`XmlError`."""
    if not isinstance(data, (bytes, bytearray)):
        raise XmlError("Очікувалися байти XML-документа.", code="XML_MALFORMED")
    if len(data) > max_bytes:
        raise XmlError(
            f"Документ завеликий: {len(data)} байт, дозволено до {max_bytes}.",
            code="XML_TOO_LARGE",
            size=len(data),
            limit=max_bytes,
        )
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        # Refuse before libxml2 sees it: an external DTD would otherwise surface as a vague
        # "failed to load" syntax error. The docinfo check below still covers other encodings.
        raise XmlError("DTD та сутності в документах заборонені.", code="XML_FORBIDDEN_DTD")
    try:
        tree = etree.fromstring(bytes(data), parser=_parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        if "depth" in (exc.msg or "").lower():
            # libxml2's own nesting limit (256) fired before our check could run.
            raise XmlError("Документ занадто глибоко вкладений.", code="XML_TOO_DEEP") from exc
        raise XmlError(f"Некоректний XML: {exc.msg}", code="XML_MALFORMED") from exc
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise XmlError("DTD та сутності в документах заборонені.", code="XML_FORBIDDEN_DTD")
    root = tree.getroot()
    _reject_forbidden_nodes(root, max_depth)
    return root


_XINCLUDE = etree.XPath("boolean(//*[namespace-uri()='http://www.w3.org/2001/XInclude'])")


@lru_cache(maxsize=8)
def _deeper_than(max_depth: int) -> etree.XPath:
    # "/*/*/.../*" with max_depth + 1 steps matches only elements nested deeper than allowed.
    return etree.XPath("boolean(" + "/*" * (max_depth + 1) + ")")


def _reject_forbidden_nodes(root: etree._Element, max_depth: int) -> None:
    # Every check runs inside libxml2 (filtered iteration, XPath): walking the tree in Python
    # cost more than the signature verification that follows it (see docs/benchmarks.md).
    if next(root.iter(etree.Entity), None) is not None:
        raise XmlError("Посилання на сутності заборонені.", code="XML_FORBIDDEN_DTD")
    if _XINCLUDE(root):
        raise XmlError("XInclude у документах заборонено.", code="XML_FORBIDDEN_XINCLUDE")
    if _deeper_than(max_depth)(root):
        raise XmlError(
            f"Документ занадто глибоко вкладений: понад {max_depth} рівнів.",
            code="XML_TOO_DEEP",
            limit=max_depth,
        )
