"""Building our own acknowledgements for received documents."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from adapter.domain.documents import (
    AcknowledgementDocument,
    AckReason,
    DocumentHeader,
    DocumentKind,
)
from adapter.errors import MappingError
from adapter.mappers.documents import write_document

#: The text used when the caller gives none (the schema requires a non-empty text).
DEFAULT_REASON_TEXTS = {
    AckReason.ACCEPTED: "Документ прийнято.",
    AckReason.REJECTED: "Документ відхилено.",
    AckReason.ALREADY_RECEIVED: "Документ з таким ідентифікатором і ревізією вже отримано.",
}
#: The schema's limit on Reason/text.
MAX_REASON_TEXT = 1000


def acknowledgement_for(
    received: DocumentHeader | None,
    *,
    reason: AckReason | str,
    text: str | None = None,
    error_code: str | None = None,
    sender_eic: str | None = None,
    receiver_eic: str | None = None,
    mrid: str | None = None,
    created_at: datetime | None = None,
) -> AcknowledgementDocument:
    """The acknowledgement of a received document, addressed back to its sender.

    ``reason`` is ``A01`` (accepted), ``A02`` (rejected: give the stable ``error_code``) or
    ``A51`` (already received). By default the acknowledgement goes from the received document's
    receiver to its sender; ``received`` is None when the document could not be read at all, and
    then ``sender_eic`` and ``receiver_eic`` are required. ``mrid`` defaults to a fresh UUID and
    ``created_at`` to now (UTC, whole seconds).
    """
    code = AckReason(reason)
    sender = sender_eic or (received.receiver_eic if received else None)
    receiver = receiver_eic or (received.sender_eic if received else None)
    if sender is None or receiver is None:
        raise MappingError(
            "Невідомо, від кого чи кому квитанція: документ не прочитано, EIC не передано.",
            code="MAPPING_ACK_PARTY_UNKNOWN",
        )
    header = DocumentHeader(
        mrid=mrid or str(uuid.uuid4()),
        revision=1,
        kind=DocumentKind.ACKNOWLEDGEMENT,
        sender_eic=sender,
        receiver_eic=receiver,
        created_at=(created_at or datetime.now(UTC)).replace(microsecond=0),
    )
    return AcknowledgementDocument(
        header=header,
        received_mrid=received.mrid if received else None,
        received_revision=received.revision if received else None,
        reason=code,
        reason_text=(text or DEFAULT_REASON_TEXTS[code])[:MAX_REASON_TEXT],
        error_code=error_code,
    )


def build_acknowledgement(
    received: DocumentHeader | None,
    *,
    reason: AckReason | str,
    text: str | None = None,
    error_code: str | None = None,
    sender_eic: str | None = None,
    receiver_eic: str | None = None,
    mrid: str | None = None,
    created_at: datetime | None = None,
) -> bytes:
    """Unsigned AcknowledgementDocument bytes (see :func:`acknowledgement_for`), to be signed."""
    document = acknowledgement_for(
        received,
        reason=reason,
        text=text,
        error_code=error_code,
        sender_eic=sender_eic,
        receiver_eic=receiver_eic,
        mrid=mrid,
        created_at=created_at,
    )
    return write_document(document)
