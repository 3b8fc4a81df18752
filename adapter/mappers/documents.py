"""Dispatch on document kind: read any document root, write any domain document.

``read_document`` is given the *signed content* (what ``adapter.signing.verify`` returns), never
the received tree; it validates it against the XSD of its kind, maps it and checks the domain
rules. ``write_document`` does the reverse and produces unsigned UTF-8 bytes, valid against the
XSD, ready to be signed (the root's ``Id`` is what the signature's reference points to).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from adapter.domain.documents import Document, DocumentHeader, DocumentKind
from adapter.mappers import acknowledgement, acts, invoices, payments, readings, registry
from adapter.mappers._xml import q
from adapter.mappers.header import read_header, write_header
from adapter.mappers.rules import check_document
from adapter.xml_schemas import EXCHANGE_NS, kind_of, validate

Reader = Callable[[etree._Element, DocumentHeader], Any]
Writer = Callable[[etree._Element, Any], None]

_READERS: dict[DocumentKind, Reader] = {
    DocumentKind.METER_READINGS: readings.read,
    DocumentKind.SUPPLIER_INVOICE: invoices.read,
    DocumentKind.DISTRIBUTION_INVOICE: invoices.read,
    DocumentKind.REACTIVE_ENERGY_INVOICE: invoices.read,
    DocumentKind.ACCEPTANCE_ACT: acts.read_act,
    DocumentKind.DISTRIBUTION_ACT: acts.read_act,
    DocumentKind.ACT_COUNTERSIGNATURE: acts.read_countersignature,
    DocumentKind.PAYMENT_NOTICE: payments.read,
    DocumentKind.CONSUMER_REGISTRY: registry.read,
    DocumentKind.ACKNOWLEDGEMENT: acknowledgement.read,
}
_WRITERS: dict[DocumentKind, Writer] = {
    DocumentKind.METER_READINGS: readings.write,
    DocumentKind.SUPPLIER_INVOICE: invoices.write,
    DocumentKind.DISTRIBUTION_INVOICE: invoices.write,
    DocumentKind.REACTIVE_ENERGY_INVOICE: invoices.write,
    DocumentKind.ACCEPTANCE_ACT: acts.write_act,
    DocumentKind.DISTRIBUTION_ACT: acts.write_act,
    DocumentKind.ACT_COUNTERSIGNATURE: acts.write_countersignature,
    DocumentKind.PAYMENT_NOTICE: payments.write,
    DocumentKind.CONSUMER_REGISTRY: registry.write,
    DocumentKind.ACKNOWLEDGEMENT: acknowledgement.write,
}
# lxml writes the declaration with single quotes; integrators' tools expect the usual form.
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_NOT_NCNAME = re.compile(r"[^A-Za-z0-9._\-]")


def element_id_for(mrid: str) -> str:
    """The default root ``Id`` for a document: ``doc-<mRID>`` made a valid NCName."""
    return "doc-" + _NOT_NCNAME.sub("_", mrid)


def read_document(root: etree._Element, *, schema_check: bool = True) -> Document:
    """Map a document root (the signed content) to its domain object.

    Raises :class:`~adapter.errors.SchemaError` (``SCHEMA_UNKNOWN_KIND``, ``SCHEMA_INVALID``)
    when the XML breaks its contract and :class:`~adapter.errors.MappingError` (``MAPPING_*``)
    when the content breaks a domain rule. ``schema_check=False`` skips the XSD (only for a root
    the caller has just validated itself).
    """
    kind = validate(root) if schema_check else kind_of(root)
    document = _READERS[kind](root, read_header(root))
    check_document(document)
    return document


def write_document(doc: Document, *, element_id: str | None = None) -> bytes:
    """Serialise a domain document to unsigned UTF-8 XML bytes, valid against its XSD."""
    kind = DocumentKind(type(doc).KIND)
    check_document(doc)
    root = etree.Element(q(kind.value), nsmap={None: EXCHANGE_NS})
    root.set("Id", element_id if element_id is not None else element_id_for(doc.header.mrid))
    write_header(root, doc.header, kind)
    _WRITERS[kind](root, doc)
    validate(root)
    return _DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=True)
