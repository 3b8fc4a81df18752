"""AcknowledgementDocument <-> :class:`~adapter.domain.documents.AcknowledgementDocument`."""

from __future__ import annotations

from lxml import etree

from adapter.domain.documents import (
    AcknowledgementDocument,
    AckReason,
    DocumentHeader,
)
from adapter.mappers._xml import child, opt_text, sub, text

_RECEIVED_MRID = "received_MarketDocument.mRID"
_RECEIVED_REVISION = "received_MarketDocument.revisionNumber"


def read(root: etree._Element, header: DocumentHeader) -> AcknowledgementDocument:
    """Map the body of an AcknowledgementDocument root."""
    reason = child(root, "Reason")
    revision = opt_text(root, _RECEIVED_REVISION)
    return AcknowledgementDocument(
        header=header,
        received_mrid=opt_text(root, _RECEIVED_MRID),
        received_revision=None if revision is None else int(revision),
        reason=AckReason(text(reason, "code")),
        reason_text=text(reason, "text"),
        error_code=opt_text(root, "errorCode"),
    )


def write(root: etree._Element, doc: AcknowledgementDocument) -> None:
    """Append the body of ``doc`` to ``root``."""
    if doc.received_mrid is not None and doc.received_revision is not None:
        sub(root, _RECEIVED_MRID, doc.received_mrid)
        sub(root, _RECEIVED_REVISION, str(doc.received_revision))
    reason = sub(root, "Reason")
    sub(reason, "code", AckReason(doc.reason).value)
    sub(reason, "text", doc.reason_text)
    if doc.error_code is not None:
        sub(root, "errorCode", doc.error_code)
