"""Pure mappers between exchanged XML documents and domain objects, per document kind."""

from __future__ import annotations

from adapter.mappers.builders import acknowledgement_for, build_acknowledgement
from adapter.mappers.documents import element_id_for, read_document, write_document
from adapter.mappers.header import read_header
from adapter.mappers.rules import check_document

__all__ = [
    "acknowledgement_for",
    "build_acknowledgement",
    "check_document",
    "element_id_for",
    "read_document",
    "read_header",
    "write_document",
]
