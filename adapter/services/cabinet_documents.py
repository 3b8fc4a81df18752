"""The consumer's documents in the cabinet: list, filter, search, pages, one document's view.

Every function takes the organisation's contract number and only ever returns documents whose
signed fields name that contract (through ``cabinet_document_index``). Another contract's document
and a document that does not exist get the same ``DOC_NOT_FOUND``: ids must not reveal what exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from adapter.domain.documents import ACT_KINDS, INVOICE_KINDS, DocumentKind
from adapter.errors import ValidationError
from adapter.persistence.cabinet_documents_models import (
    CountersignatureRecord,
    DocumentIndexRecord,
)
from adapter.persistence.models import InboundDocumentRecord
from adapter.persistence.payments_models import InvoicePaymentStatusRecord

PAGE_SIZE = 20
INVOICES = frozenset(kind.value for kind in INVOICE_KINDS)
ACTS = frozenset(kind.value for kind in ACT_KINDS)
#: Acts the consumer countersigns in the cabinet (the supplier's acts of acceptance-transfer).
COUNTERSIGNABLE = frozenset({DocumentKind.ACCEPTANCE_ACT.value})

KIND_LABELS = {
    DocumentKind.SUPPLIER_INVOICE.value: "Рахунок постачальника",
    DocumentKind.DISTRIBUTION_INVOICE.value: "Рахунок за розподіл",
    DocumentKind.REACTIVE_ENERGY_INVOICE.value: "Рахунок за реактивну енергію",
    DocumentKind.ACCEPTANCE_ACT.value: "Акт приймання-передачі",
    DocumentKind.DISTRIBUTION_ACT.value: "Акт про розподіл",
}
#: Filter values of the "kind" field: groups and single kinds.
KIND_FILTERS = {"invoices": INVOICES, "acts": ACTS, **{k: frozenset({k}) for k in KIND_LABELS}}
STATUS_FILTERS = ("unpaid", "paid", "awaiting", "countersigned")


def not_found() -> ValidationError:
    """The one answer for someone else's document and for no document at all."""
    return ValidationError("Документ не знайдено серед документів вашого договору.",
                           code="DOC_NOT_FOUND")


@dataclass(frozen=True)
class DocumentFilter:
    """What the list shows: kind group or kind, month ``YYYY-MM``, status, text, page."""

    kind: str = ""
    period: str = ""
    status: str = ""
    query: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> DocumentFilter:
        """From a request's query string, ignoring values that mean nothing."""
        kind = args.get("kind", "")
        status = args.get("status", "")
        period = args.get("period", "").strip()
        page = args.get("page", "1")
        return cls(kind=kind if kind in KIND_FILTERS else "",
                   period=period if _month(period) else "",
                   status=status if status in STATUS_FILTERS else "",
                   query=args.get("q", "").strip()[:64],
                   page=int(page) if page.isdigit() and 0 < int(page) < 100000 else 1)


@dataclass(frozen=True)
class DocumentRow:
    """One line of the documents list."""

    id: int
    kind: str
    number: str
    mrid: str
    revision: int
    sender_eic: str
    period_start: date | None
    period_end: date | None
    total: Decimal | None
    received_at: datetime
    paid: bool
    countersigned: bool

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_invoice(self) -> bool:
        return self.kind in INVOICES

    @property
    def awaiting_countersignature(self) -> bool:
        return self.kind in COUNTERSIGNABLE and not self.countersigned


@dataclass(frozen=True)
class DocumentPage:
    """A page of the list and where it sits among all matches."""

    rows: list[DocumentRow]
    page: int
    pages: int
    count: int
    filter: DocumentFilter = field(default_factory=DocumentFilter)


def list_documents(session: Session, contract: str, flt: DocumentFilter,
                   *, page_size: int = PAGE_SIZE) -> DocumentPage:
    """The contract's documents matching ``flt``, newest first, one page."""
    conditions = _conditions(contract, flt)
    count = session.scalar(_joined(select(func.count()).select_from(DocumentIndexRecord))
                           .where(*conditions)) or 0
    pages = max(1, math.ceil(count / page_size))
    page = min(flt.page, pages)
    query = (_joined(_row_columns()).where(*conditions)
             .order_by(DocumentIndexRecord.received_at.desc(),
                       DocumentIndexRecord.document_id.desc())
             .limit(page_size).offset((page - 1) * page_size))
    rows = [_row(values) for values in session.execute(query)]
    return DocumentPage(rows, page, pages, count, flt)


def document_row(session: Session, contract: str, document_id: int) -> DocumentRow:
    """One of the contract's documents as a list row; ``DOC_NOT_FOUND`` otherwise."""
    values = session.execute(_joined(_row_columns()).where(
        DocumentIndexRecord.document_id == document_id,
        DocumentIndexRecord.contract_number == contract)).first()
    if values is None or not contract:
        raise not_found()
    return _row(values)


def document_for(session: Session, contract: str, document_id: int) -> InboundDocumentRecord:
    """The stored document ``document_id`` if it is the contract's; ``DOC_NOT_FOUND`` otherwise."""
    owned = session.scalar(select(DocumentIndexRecord.document_id).where(
        DocumentIndexRecord.document_id == document_id,
        DocumentIndexRecord.contract_number == contract))
    record = session.get(InboundDocumentRecord, document_id) if owned is not None else None
    if record is None or not contract:
        raise not_found()
    return record


def is_superseded(session: Session, record: InboundDocumentRecord) -> bool:
    """Whether a newer revision of the same document has arrived."""
    return session.scalar(select(InboundDocumentRecord.id).where(
        InboundDocumentRecord.sender_eic == record.sender_eic,
        InboundDocumentRecord.mrid == record.mrid,
        InboundDocumentRecord.revision > record.revision).limit(1)) is not None


def dashboard_lists(session: Session,
                    contract: str) -> tuple[list[DocumentRow], list[DocumentRow]]:
    """Unpaid invoices and acts awaiting countersignature (at most 5 each, newest first)."""
    def first(status: str) -> list[DocumentRow]:
        return list_documents(session, contract, DocumentFilter(status=status), page_size=5).rows
    return first("unpaid"), first("awaiting")


# ----- query building ------------------------------------------------------------------------


def _row_columns() -> Select[Any]:  # a row of five columns
    query: Select[Any] = select(  # type: ignore[assignment]
        DocumentIndexRecord, InboundDocumentRecord.revision, InboundDocumentRecord.sender_eic,
        InvoicePaymentStatusRecord.document_id.label("paid_id"),
        CountersignatureRecord.id.label("countersignature_id"))
    return query


def _joined(query: Select[Any]) -> Select[Any]:
    return (query
            .join(InboundDocumentRecord,
                  InboundDocumentRecord.id == DocumentIndexRecord.document_id)
            .outerjoin(InvoicePaymentStatusRecord,
                       InvoicePaymentStatusRecord.document_id == DocumentIndexRecord.document_id)
            .outerjoin(CountersignatureRecord,
                       CountersignatureRecord.act_document_id == DocumentIndexRecord.document_id))


def _conditions(contract: str, flt: DocumentFilter) -> list[Any]:
    index = DocumentIndexRecord
    conditions: list[Any] = [index.contract_number == contract]
    if flt.kind:
        conditions.append(index.kind.in_(sorted(KIND_FILTERS[flt.kind])))
    month = _month(flt.period)
    if month is not None:
        start, end = month
        conditions += [index.period_start <= end, index.period_end >= start]
    conditions += _status_conditions(flt.status)
    if flt.query:
        escaped = flt.query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        conditions.append(or_(index.number.ilike(pattern, escape="\\"),
                              index.mrid.ilike(pattern, escape="\\")))
    return conditions


def _status_conditions(status: str) -> list[Any]:
    index = DocumentIndexRecord
    if status in ("unpaid", "paid"):
        paid = InvoicePaymentStatusRecord.document_id
        return [index.kind.in_(sorted(INVOICES)),
                paid.is_(None) if status == "unpaid" else paid.is_not(None),
                *(_latest_revision() if status == "unpaid" else [])]
    if status in ("awaiting", "countersigned"):
        signed = CountersignatureRecord.id
        return [index.kind.in_(sorted(COUNTERSIGNABLE)),
                signed.is_(None) if status == "awaiting" else signed.is_not(None),
                *(_latest_revision() if status == "awaiting" else [])]
    return []


def _latest_revision() -> list[Any]:
    # A superseded revision is neither to pay nor to countersign: the newer one is.
    newer = aliased(InboundDocumentRecord)
    return [~exists().where(and_(newer.sender_eic == InboundDocumentRecord.sender_eic,
                                 newer.mrid == InboundDocumentRecord.mrid,
                                 newer.revision > InboundDocumentRecord.revision))]


def _row(values: Any) -> DocumentRow:
    index: DocumentIndexRecord = values[0]
    return DocumentRow(
        id=index.document_id, kind=index.kind, number=index.number, mrid=index.mrid,
        revision=values.revision, sender_eic=values.sender_eic, period_start=index.period_start,
        period_end=index.period_end, total=index.total, received_at=index.received_at,
        paid=values.paid_id is not None, countersigned=values.countersignature_id is not None)


def _month(text: str) -> tuple[date, date] | None:
    try:
        start = date.fromisoformat(f"{text}-01") if len(text) == 7 else None
    except ValueError:
        return None
    if start is None:
        return None
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, date.fromordinal(following.toordinal() - 1)


__all__ = [
    "KIND_LABELS", "PAGE_SIZE", "DocumentFilter", "DocumentPage", "DocumentRow",
    "dashboard_lists", "document_for", "document_row", "is_superseded", "list_documents",
    "not_found",
]
