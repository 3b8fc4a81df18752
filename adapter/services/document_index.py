"""The cabinet's search index of consumers' documents, filled when a document arrives.

The intake calls :func:`index_document` in the transaction that stores a document, so a document
is either stored and findable or neither. Only invoices and acts are indexed (the kinds a consumer
sees); each row names the contract the signed fields give, the document's number, period and total.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from adapter.domain.documents import ACT_KINDS, INVOICE_KINDS
from adapter.persistence.cabinet_documents_models import DocumentIndexRecord
from adapter.persistence.models import InboundDocumentRecord
from adapter.services.stored_fields import as_date, as_decimal, as_dict

#: The kinds the cabinet shows to consumers.
CONSUMER_KINDS = frozenset(kind.value for kind in INVOICE_KINDS | ACT_KINDS)


def index_values(kind: str, mrid: str, fields: dict[str, Any]) -> dict[str, Any] | None:
    """The index columns of one document (None for kinds the cabinet does not show).

    ``fields`` is the JSON the mappers stored (``to_jsonable`` of the signed document).
    """
    if kind not in CONSUMER_KINDS:
        return None
    consumer = fields.get("consumer")
    contract = consumer.get("contract_number") if isinstance(consumer, dict) else None
    if not isinstance(contract, str) or not contract:
        return None
    number = fields.get("invoice_number") or fields.get("act_number") or mrid
    period, totals = as_dict(fields.get("period")), as_dict(fields.get("totals"))
    return {
        "contract_number": contract[:20],
        "kind": kind,
        "number": str(number)[:64],
        "mrid": mrid,
        "period_start": as_date(period.get("start")),
        "period_end": as_date(period.get("end")),
        "total": as_decimal(totals.get("gross")),
    }


def index_document(session: Session, record: InboundDocumentRecord) -> None:
    """Add ``record``'s index row in ``session`` (the caller's transaction); skips other kinds."""
    values = index_values(record.kind, record.mrid, record.fields or {})
    if values is None:
        return
    if record.id is None:
        session.flush()  # the row's id is the index's key
    session.add(DocumentIndexRecord(document_id=record.id, received_at=record.received_at,
                                    **values))





__all__ = ["CONSUMER_KINDS", "index_document", "index_values"]
