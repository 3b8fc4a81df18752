"""What the console lists besides messages: rejections, the registry, feedback, operator audit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from adapter.persistence.cabinet_models import AuditRecord, FeedbackRecord
from adapter.persistence.models import InboundRejectionRecord
from adapter.persistence.registry_models import ConsumerRecord, SupplierRecord

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    """A page of records and whether another follows."""

    rows: list[Any]
    page: int
    has_next: bool


def _page(session: Session, statement: Any, page: int) -> Page:
    page = max(page, 1)
    rows = list(session.scalars(statement.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return Page(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def rejections(session: Session, *, code: str = "", page: int = 1) -> Page:
    """Refused inbound documents and requests, newest first, optionally of one code."""
    statement = select(InboundRejectionRecord).order_by(InboundRejectionRecord.id.desc())
    if code:
        statement = statement.where(InboundRejectionRecord.code == code.strip().upper())
    return _page(session, statement, page)


def rejection_codes(session: Session) -> list[tuple[str, int]]:
    """Each rejection code with its count, most frequent first."""
    rows = session.execute(select(InboundRejectionRecord.code, func.count())
                           .group_by(InboundRejectionRecord.code)
                           .order_by(func.count().desc()))
    return [(code, int(count)) for code, count in rows]


def consumers(session: Session, *, search: str = "", page: int = 1) -> Page:
    """Registry consumers with their metering points, by contract number."""
    statement = (select(ConsumerRecord).options(selectinload(ConsumerRecord.metering_points),
                                                selectinload(ConsumerRecord.assignments))
                 .order_by(ConsumerRecord.contract_number))
    text = search.strip()
    if text:
        statement = statement.where(
            ConsumerRecord.contract_number.contains(text) | ConsumerRecord.edrpou.contains(text)
            | ConsumerRecord.name.contains(text))
    return _page(session, statement, page)


def suppliers(session: Session) -> list[SupplierRecord]:
    """Every supplier, with whether we exchange documents with it automatically."""
    return list(session.scalars(select(SupplierRecord).order_by(SupplierRecord.eic)))


def feedback(session: Session, *, page: int = 1) -> Page:
    """The feedback inbox, newest first."""
    return _page(session, select(FeedbackRecord).order_by(FeedbackRecord.id.desc()), page)


def operator_audit(session: Session, *, page: int = 1) -> Page:
    """What operators did (``ops_*`` audit events), newest first."""
    statement = (select(AuditRecord).where(AuditRecord.event.startswith("ops_"))
                 .order_by(AuditRecord.id.desc()))
    return _page(session, statement, page)
