"""The console's message search: inbound documents, outbound messages, readings submissions.

One query per kind, each filtered by what the operator typed (mRID, EIC, contract, time range)
and paginated; the timeline of one message is read on its own page. Filters an index does not
cover (a contract inside an inbound document's parsed fields) are substring matches: fine for an
operator's look-up, not for a hot path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, cast, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from adapter.delivery.timeline import TimelineEntry, timeline
from adapter.errors import ValidationError
from adapter.persistence.models import DocumentEventRecord, InboundDocumentRecord
from adapter.persistence.outbox_models import OutboxMessageRecord
from adapter.persistence.registry_models import (
    ReadingEventRecord,
    ReadingSubmissionRecord,
    ReadingValueRecord,
)

INBOUND, OUTBOUND, READINGS = "inbound", "outbound", "readings"
KINDS = (INBOUND, OUTBOUND, READINGS)
PAGE_SIZE = 50


@dataclass(frozen=True)
class MessageQuery:
    """What the operator searches by; empty strings and None mean "any"."""

    kind: str = INBOUND
    mrid: str = ""
    eic: str = ""
    contract: str = ""
    since: datetime | None = None
    until: datetime | None = None
    page: int = 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValidationError(f"Невідомий вид повідомлень «{self.kind}».",
                                  code="OPS_BAD_KIND")


@dataclass(frozen=True)
class MessageRow:
    """One line of the search result, whatever its kind."""

    kind: str
    id: int
    at: datetime
    mrid: str
    revision: int
    document_kind: str
    party: str
    status: str
    contract: str = ""


@dataclass(frozen=True)
class MessagePage:
    """A page of results and whether there is another."""

    rows: list[MessageRow]
    page: int
    has_next: bool


def search(session: Session, query: MessageQuery) -> MessagePage:
    """One page of the kind the query asks for, newest first."""
    builder = {INBOUND: _inbound, OUTBOUND: _outbound, READINGS: _readings}[query.kind]
    statement, to_row = builder(query)
    offset = (max(query.page, 1) - 1) * PAGE_SIZE
    records = list(session.scalars(statement.offset(offset).limit(PAGE_SIZE + 1)))
    rows = [to_row(record) for record in records[:PAGE_SIZE]]
    return MessagePage(rows, max(query.page, 1), len(records) > PAGE_SIZE)


def _window(statement: Select[Any], column: Any, query: MessageQuery) -> Select[Any]:
    if query.since is not None:
        statement = statement.where(column >= query.since)
    if query.until is not None:
        statement = statement.where(column < query.until)
    return statement


def _inbound(query: MessageQuery) -> tuple[Select[Any], Any]:
    doc = InboundDocumentRecord
    statement = select(doc).order_by(doc.id.desc())
    if query.mrid:
        statement = statement.where(doc.mrid == query.mrid.strip())
    if query.eic:
        eic = query.eic.strip().upper()
        statement = statement.where(or_(doc.sender_eic == eic, doc.receiver_eic == eic,
                                        cast(doc.fields, String).contains(eic)))
    if query.contract:
        statement = statement.where(cast(doc.fields, String).contains(query.contract.strip()))
    statement = _window(statement, doc.received_at, query)
    return statement, lambda r: MessageRow(INBOUND, r.id, r.received_at, r.mrid, r.revision,
                                           r.kind, r.sender_eic, r.channel)


def _outbound(query: MessageQuery) -> tuple[Select[Any], Any]:
    msg = OutboxMessageRecord
    statement = select(msg).order_by(msg.id.desc())
    if query.mrid:
        statement = statement.where(msg.mrid == query.mrid.strip())
    if query.eic:
        eic = query.eic.strip().upper()
        statement = statement.where(or_(msg.sender_eic == eic, msg.destination.contains(eic),
                                        msg.ordering_key == eic))
    if query.contract:
        # Outbound readings carry their submission in the correlation id (readings:<id>).
        statement = statement.where(msg.correlation_id.in_(
            _correlations_of(query.contract.strip())))
    statement = _window(statement, msg.first_enqueued_at, query)
    return statement, lambda r: MessageRow(OUTBOUND, r.id, r.first_enqueued_at, r.mrid,
                                           r.revision, r.kind, r.destination, r.status)


def _correlations_of(contract: str) -> Select[Any]:
    sub = ReadingSubmissionRecord
    return select(literal("readings:", String) + cast(sub.id, String)).where(
        sub.contract_number == contract)


def _readings(query: MessageQuery) -> tuple[Select[Any], Any]:
    sub = ReadingSubmissionRecord
    statement = select(sub).order_by(sub.id.desc())
    if query.mrid:
        statement = statement.where(sub.mrid == query.mrid.strip())
    if query.eic:
        eic = query.eic.strip().upper()
        has_point = exists().where(ReadingValueRecord.submission_id == sub.id,
                                   ReadingValueRecord.metering_point_eic == eic)
        statement = statement.where(or_(sub.sender_eic == eic, sub.supplier_eic == eic,
                                        has_point))
    if query.contract:
        statement = statement.where(sub.contract_number == query.contract.strip())
    statement = _window(statement, sub.created_at, query)
    return statement, lambda r: MessageRow(READINGS, r.id, r.created_at, r.mrid, r.revision,
                                           "meter_readings", r.sender_eic, r.status,
                                           r.contract_number)


@dataclass(frozen=True)
class Step:
    """One line of a timeline."""

    at: datetime
    event: str
    detail: str = ""


def inbound_detail(session: Session, document_id: int) -> tuple[InboundDocumentRecord, list[Step]]:
    """An inbound document and its timeline (404-worthy ``None`` check is the caller's)."""
    record = _must(session.get(InboundDocumentRecord, document_id), document_id)
    events = session.scalars(select(DocumentEventRecord)
                             .where(DocumentEventRecord.document_id == document_id)
                             .order_by(DocumentEventRecord.id))
    return record, [Step(e.at, e.event, e.detail) for e in events]


def readings_detail(session: Session, submission_id: int) -> tuple[
        ReadingSubmissionRecord, list[Step], list[OutboxMessageRecord]]:
    """A readings submission, its timeline and the outbound messages it made."""
    record = _must(session.get(ReadingSubmissionRecord, submission_id), submission_id)
    events = session.scalars(select(ReadingEventRecord)
                             .where(ReadingEventRecord.submission_id == submission_id)
                             .order_by(ReadingEventRecord.id))
    outbound = list(session.scalars(select(OutboxMessageRecord).where(
        OutboxMessageRecord.correlation_id == f"readings:{submission_id}")
        .order_by(OutboxMessageRecord.id)))
    return record, [Step(e.at, e.event, e.detail) for e in events], outbound


def outbound_timeline(session: Session, message_id: int) -> list[TimelineEntry]:
    """An outbound message's events and attempts (delivery's own timeline)."""
    return timeline(session, message_id)


def _must(record: Any, record_id: int) -> Any:
    if record is None:
        raise ValidationError(f"Запису #{record_id} немає.", code="OPS_NOT_FOUND")
    return record


def count_all(session: Session) -> dict[str, int]:
    """How many of each kind are stored (the console's front page)."""
    return {
        INBOUND: int(session.scalar(select(func.count(InboundDocumentRecord.id))) or 0),
        OUTBOUND: int(session.scalar(select(func.count(OutboxMessageRecord.id))) or 0),
        READINGS: int(session.scalar(select(func.count(ReadingSubmissionRecord.id))) or 0),
    }
