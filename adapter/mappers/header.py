"""The ENTSO-E style header: read from and written to a document root."""

from __future__ import annotations

from lxml import etree

from adapter.domain.documents import DocumentHeader, DocumentKind
from adapter.errors import MappingError
from adapter.mappers._xml import fmt_utc, integer, sub, text, utc
from adapter.xml_schemas import kind_of

#: codingScheme of an EIC (ENTSO-E code list).
EIC_CODING_SCHEME = "A01"
SENDER = "sender_MarketParticipant.mRID"
RECEIVER = "receiver_MarketParticipant.mRID"


def read_header(root: etree._Element) -> DocumentHeader:
    """The header of a document root (kind from the root tag, checked against ``type``)."""
    kind = kind_of(root)
    type_code = text(root, "type")
    if type_code != kind.type_code:
        raise MappingError(
            f"Тип документа {type_code!r} не відповідає виду {kind.value} "
            f"(очікувано {kind.type_code}).",
            code="MAPPING_TYPE_MISMATCH",
        )
    return DocumentHeader(
        mrid=text(root, "mRID"),
        revision=integer(root, "revisionNumber"),
        kind=kind,
        sender_eic=text(root, SENDER),
        receiver_eic=text(root, RECEIVER),
        created_at=utc(root, "createdDateTime"),
    )


def write_header(root: etree._Element, header: DocumentHeader, kind: DocumentKind) -> None:
    """Append the header elements of ``header`` to ``root`` (a document of ``kind``)."""
    if header.kind != kind:
        raise MappingError(
            f"Заголовок вказує вид {header.kind}, а документ має вид {kind.value}.",
            code="MAPPING_TYPE_MISMATCH",
        )
    sub(root, "mRID", header.mrid)
    sub(root, "revisionNumber", str(header.revision))
    sub(root, "type", kind.type_code)
    sub(root, SENDER, header.sender_eic, codingScheme=EIC_CODING_SCHEME)
    sub(root, RECEIVER, header.receiver_eic, codingScheme=EIC_CODING_SCHEME)
    sub(root, "createdDateTime", fmt_utc(header.created_at, "createdDateTime"))
