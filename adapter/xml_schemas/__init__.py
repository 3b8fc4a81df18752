"""The exchange contracts (XSD and WSDL, package data) and their cached loader.

The files in this package *are* the contract: ``documents/<RootName>.xsd`` per document kind (all
in the namespace ``urn:roe:exchange:1``, sharing ``common.xsd``) and ``<system>/<system>.wsdl`` per
SOAP service. They are read through :mod:`importlib.resources`, parsed with a parser that refuses
DTDs and the network, compiled once and cached.
"""

from __future__ import annotations

import threading
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from lxml import etree

from adapter.domain.documents import DocumentKind
from adapter.errors import ConfigurationError, SchemaError

#: The namespace of every exchanged document.
EXCHANGE_NS = "urn:roe:exchange:1"
#: The SOAP services whose WSDL we ship.
WSDL_SYSTEMS = ("intake", "supplier", "billing")

_KIND_BY_TAG = {f"{{{EXCHANGE_NS}}}{kind.value}": kind for kind in DocumentKind}
# lxml's XMLSchema keeps one error log per schema object; a lock per schema keeps two threads'
# validation errors from mixing in it.
_LOCKS = {kind: threading.Lock() for kind in DocumentKind}


def _package_root() -> Traversable:
    return files(__name__)


def _schema_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False
    )


@cache
def schema_for(kind: DocumentKind) -> etree.XMLSchema:
    """The compiled XSD of a document kind (compiled once, then cached)."""
    resource = _package_root().joinpath("documents", f"{DocumentKind(kind).value}.xsd")
    # The base URL lets libxml2 resolve the schema's xs:include of common.xsd beside it.
    tree = etree.fromstring(resource.read_bytes(), _schema_parser(), base_url=str(resource))
    return etree.XMLSchema(tree)


def kind_of(root: etree._Element) -> DocumentKind:
    """The kind named by ``root``'s tag; ``SchemaError`` ``SCHEMA_UNKNOWN_KIND`` if none."""
    kind = _KIND_BY_TAG.get(root.tag) if isinstance(root.tag, str) else None
    if kind is None:
        raise SchemaError(
            f"Невідомий вид документа: кореневий елемент {root.tag!r}.",
            code="SCHEMA_UNKNOWN_KIND",
            tag=str(root.tag),
        )
    return kind


def validate(root: etree._Element) -> DocumentKind:
    """Validate ``root`` against the XSD of its kind and return the kind.

    Raises :class:`SchemaError` with code ``SCHEMA_UNKNOWN_KIND`` when the root is none of our
    document kinds, or ``SCHEMA_INVALID`` with the first schema error in the message.
    """
    kind = kind_of(root)
    schema = schema_for(kind)
    with _LOCKS[kind]:
        if schema.validate(root):
            return kind
        first = schema.error_log[0]
        line, message = first.line, first.message
    raise SchemaError(
        f"Документ {kind.value} не відповідає схемі: рядок {line}: {message}",
        code="SCHEMA_INVALID",
        kind=kind.value,
        line=line,
        detail=message,
    )


def wsdl_path(system: str) -> Path:
    """The filesystem path of a service's WSDL: ``"intake"``, ``"supplier"`` or ``"billing"``."""
    if system not in WSDL_SYSTEMS:
        raise ConfigurationError(
            f"Невідома система {system!r}; відомі: {', '.join(WSDL_SYSTEMS)}.",
            code="CONFIG_UNKNOWN_SYSTEM",
        )
    # The package is installed unpacked (zip_safe = False), so the resource is a real file.
    return Path(str(_package_root().joinpath(system, f"{system}.wsdl")))


@cache
def wsdl_bytes(system: str) -> bytes:
    """The bytes of a service's WSDL, e.g. to publish at ``?wsdl``."""
    return wsdl_path(system).read_bytes()


__all__ = [
    "EXCHANGE_NS",
    "WSDL_SYSTEMS",
    "kind_of",
    "schema_for",
    "validate",
    "wsdl_bytes",
    "wsdl_path",
]
