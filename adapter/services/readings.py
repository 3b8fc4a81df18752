"""Submitting meter readings: parse, verify (consumer), validate, map, check, store and queue.

Used by the cabinet (``channel="cabinet"``) and by ``adapter readings submit`` (``"file"``). The
consumer-signed original is stored verbatim and, in the same transaction, queued in the outbox
unchanged for the consumer's supplier (``supplier:<EIC>``, when it has an integration; else the
submission waits as ``awaiting_export``) and for ``billing``: that signed file is the legal record,
so the peers get exactly what the consumer signed.

Identity is the exchange's own (sender EIC, mRID, revision): the peers deduplicate by it too. The
same document again is "already received" (no second row, nothing queued twice); the same identity
with other signed content is ``DOC_CONFLICT``. Every refusal has a stable code, is kept in
``inbound_rejections`` (code and reason, never the content) and leaves nothing else behind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapter.delivery import outbox
from adapter.domain.documents import DocumentKind, MeterReadingsDocument, Register
from adapter.domain.readings import (
    Evaluation,
    PreviousReading,
    ReadingRules,
    ReadingsWindow,
    ReadingWarning,
    check_in_force,
    check_reading_date,
    evaluate,
)
from adapter.domain.registry import Consumer, RegisterZone
from adapter.errors import AdapterError, DocumentConflict, MappingError, ValidationError
from adapter.mappers import read_document
from adapter.persistence.registry_models import (
    ReadingEventRecord,
    ReadingSubmissionRecord,
    ReadingValueRecord,
)
from adapter.persistence.uow import UnitOfWork
from adapter.safexml import parse_xml
from adapter.services.intake import record_rejection
from adapter.services.readings_timeline import correlation_id
from adapter.services.registry import edrpou_of, find_consumer_by_contract
from adapter.services.routing import AWAITING_EXPORT, BILLING, SupplierRoute, route_for
from adapter.signing import VerificationPolicy, VerifiedDocument, verify
from adapter.xml_schemas import EXCHANGE_NS, kind_of, validate

QUEUED = "queued"


class Enqueue(Protocol):
    """The outbox's ``enqueue`` (adapter.delivery.outbox.enqueue)."""

    def __call__(self, session: Session, **kwargs: Any) -> int: ...


def outbox_enqueue(session: Session, **kwargs: Any) -> int:
    """Queue one outbound message in ``session``'s transaction (the delivery engine's outbox)."""
    return outbox.enqueue(session, **kwargs)


@dataclass(frozen=True)
class ReadingsContext:
    """Everything :func:`submit_readings` needs, injected by the composition root.

    ``policy`` must trust consumers as a party named ``consumer_party`` (chaining to the
    accredited CAs, with their CRLs); the EDRPOU is required per call from the registry.
    """

    uow: Callable[[], UnitOfWork]
    policy: VerificationPolicy
    dso_eic: str
    routes: Mapping[str, SupplierRoute]
    clock: Callable[[], datetime]
    window: ReadingsWindow = ReadingsWindow()
    rules: ReadingRules = ReadingRules()
    timezone: str = "Europe/Kyiv"
    max_bytes: int = 5 * 1024 * 1024
    consumer_party: str = "consumer"
    enqueue: Enqueue = outbox_enqueue


class SubmissionStatus(StrEnum):
    """How a submission ended."""

    ACCEPTED = "accepted"
    ALREADY_RECEIVED = "already_received"
    REJECTED = "rejected"


@dataclass(frozen=True)
class SubmissionOutcome:
    """What happened to one submitted document (shown by the cabinet and the CLI)."""

    status: SubmissionStatus
    message: str
    code: str | None = None
    submission_id: int | None = None
    mrid: str | None = None
    revision: int | None = None
    contract_number: str | None = None
    state: str | None = None
    warnings: tuple[ReadingWarning, ...] = ()

    @property
    def accepted(self) -> bool:
        """True for a new or an already received submission (nothing for the sender to fix)."""
        return self.status != SubmissionStatus.REJECTED


@dataclass(frozen=True)
class _Checked:
    verified: VerifiedDocument
    document: MeterReadingsDocument
    verified_at: datetime
    consumer: Consumer  # as the registry has it on the document's reading date


def submit_readings(
    ctx: ReadingsContext,
    signed: bytes,
    *,
    channel: str,
    expected_contract: str | None = None,
) -> SubmissionOutcome:
    """Run one consumer-signed readings document through the pipeline.

    ``expected_contract``: the contract of the cabinet it came through (the signed document must
    be for it). Never raises for a bad document: the outcome carries the code and reason.
    """
    received_at = ctx.clock()
    try:
        checked = _verify_and_read(ctx, signed, expected_contract, received_at)
        return _store(ctx, signed, checked, channel=channel, received_at=received_at)
    except AdapterError as error:
        record_rejection(ctx.uow, signed, error, channel=f"readings-{channel}", at=received_at,
                         party=ctx.consumer_party)
        return SubmissionOutcome(SubmissionStatus.REJECTED, error.message, code=error.code)


def _verify_and_read(
    ctx: ReadingsContext, signed: bytes, expected_contract: str | None, now: datetime
) -> _Checked:
    root = parse_xml(signed, max_bytes=ctx.max_bytes)
    if kind_of(root) != DocumentKind.METER_READINGS:
        raise MappingError(f"Очікувалися показники, а не {kind_of(root).value}.",
                           code="READING_WRONG_KIND")
    # Only to learn whose EDRPOU the signature must carry; the signed contract is checked below.
    contract = expected_contract or root.findtext(f"{{{EXCHANGE_NS}}}contractNumber") or ""
    verified = verify(signed, policy=ctx.policy, now=now,
                      expected_edrpou=_signer_edrpou(ctx, contract), party=ctx.consumer_party)
    verified_at = ctx.clock()
    validate(verified.signed_root)
    document = read_document(verified.signed_root, schema_check=False)
    assert isinstance(document, MeterReadingsDocument)  # kind checked against the same root
    if document.contract_number != contract:
        raise ValidationError(
            f"Показники подано за договором {document.contract_number}, а не {contract}.",
            code="READING_CONTRACT_MISMATCH",
        )
    consumer = _consumer(ctx, contract, document.reading_date)
    _check_header(ctx, document, consumer)
    check_in_force(document.reading_date, consumer, ctx.timezone)
    local_day = now.astimezone(ZoneInfo(ctx.timezone)).date()
    check_reading_date(document.reading_date, local_day, ctx.window, ctx.rules)
    return _Checked(verified, document, verified_at, consumer)


def _unknown_contract(contract: str) -> ValidationError:
    return ValidationError(f"Договір {contract!r} не знайдено в реєстрі споживачів.",
                           code="READING_UNKNOWN_CONTRACT")


def _signer_edrpou(ctx: ReadingsContext, contract: str) -> str:
    with ctx.uow() as unit:
        edrpou = edrpou_of(unit, contract)
    if edrpou is None:
        raise _unknown_contract(contract)
    return edrpou


def _consumer(ctx: ReadingsContext, contract: str, on: date) -> Consumer:
    with ctx.uow() as unit:
        consumer = find_consumer_by_contract(unit, contract, on=on)
    if consumer is None:  # pragma: no cover - consumers are withdrawn, never deleted
        raise _unknown_contract(contract)
    return consumer


def _check_header(ctx: ReadingsContext, doc: MeterReadingsDocument, consumer: Consumer) -> None:
    # Consumers have no EIC: documents are issued in the DSO's name (sender) and signed by the
    # consumer; addressed to the DSO or straight to the consumer's supplier.
    header = doc.header
    if header.sender_eic != ctx.dso_eic:
        raise MappingError(f"Відправником показників має бути ОСР ({ctx.dso_eic}), а не "
                           f"{header.sender_eic}.", code="DOC_SENDER_MISMATCH")
    supplier = consumer.supplier.supplier_eic if consumer.supplier else None
    if header.receiver_eic not in {ctx.dso_eic, supplier}:
        raise MappingError(f"Показники адресовано {header.receiver_eic}, а не ОСР чи "
                           "постачальнику споживача.", code="DOC_WRONG_RECEIVER")


def _store(
    ctx: ReadingsContext, signed: bytes, checked: _Checked, *, channel: str, received_at: datetime
) -> SubmissionOutcome:
    header = checked.document.header
    content_sha = hashlib.sha256(checked.verified.signed_xml).hexdigest()
    try:
        with ctx.uow() as unit:
            existing = _find(unit.session, header.sender_eic, header.mrid, header.revision)
            if existing is None:
                outcome = _store_new(ctx, unit.session, signed, checked, channel, received_at)
                unit.commit()
                return outcome
    except IntegrityError:
        pass  # a concurrent twin committed first: compare with it below
    return _already_received(ctx, checked, content_sha)


def _already_received(
    ctx: ReadingsContext, checked: _Checked, content_sha: str
) -> SubmissionOutcome:
    header = checked.document.header
    with ctx.uow() as unit:
        existing = _find(unit.session, header.sender_eic, header.mrid, header.revision)
        if existing is None:  # pragma: no cover - the unique index guarantees a row here
            raise RuntimeError("integrity error without a conflicting row")
        same = existing.content_sha256 == content_sha
        existing_id, state = existing.id, existing.status
    if not same:
        raise DocumentConflict(
            f"Показники {header.mrid} ревізії {header.revision} вже отримано з іншим вмістом; "
            "надішліть нову ревізію.", code="DOC_CONFLICT")
    return SubmissionOutcome(
        SubmissionStatus.ALREADY_RECEIVED, "Ці показники вже отримано раніше.",
        submission_id=existing_id, mrid=header.mrid, revision=header.revision,
        contract_number=checked.document.contract_number, state=state,
    )


def _find(
    session: Session, sender: str, mrid: str, revision: int
) -> ReadingSubmissionRecord | None:
    return session.scalar(select(ReadingSubmissionRecord).where(
        ReadingSubmissionRecord.sender_eic == sender,
        ReadingSubmissionRecord.mrid == mrid,
        ReadingSubmissionRecord.revision == revision,
    ))


def _store_new(
    ctx: ReadingsContext, session: Session, signed: bytes, checked: _Checked, channel: str,
    received_at: datetime,
) -> SubmissionOutcome:
    doc, consumer = checked.document, checked.consumer
    evaluation = evaluate(doc, consumer, previous_readings(session, doc), ctx.rules)
    supplier_eic = consumer.supplier.supplier_eic if consumer.supplier else None
    destination = route_for(supplier_eic, ctx.routes)
    record = _new_record(ctx, signed, checked, evaluation, channel, received_at, supplier_eic)
    record.status = QUEUED if destination else AWAITING_EXPORT
    session.add(record)
    session.flush()
    now = ctx.clock()
    destinations = [d for d in (destination, BILLING) if d]
    for target in destinations:
        ctx.enqueue(session, destination=target, kind=DocumentKind.METER_READINGS.value,
                    sender_eic=doc.header.sender_eic, mrid=doc.header.mrid,
                    revision=doc.header.revision, payload=signed,
                    ordering_key=ordering_key(doc), correlation_id=correlation_id(record.id),
                    now=now)
    record.events.append(ReadingEventRecord(event=QUEUED, at=now, detail=", ".join(destinations)))
    if destination is None:
        record.events.append(ReadingEventRecord(
            event=AWAITING_EXPORT, at=now,
            detail=f"постачальник {supplier_eic} без інтеграції: файл для експорту"))
    return SubmissionOutcome(
        SubmissionStatus.ACCEPTED, "Показники прийнято.", submission_id=record.id,
        mrid=doc.header.mrid, revision=doc.header.revision, contract_number=doc.contract_number,
        state=record.status, warnings=evaluation.warnings,
    )


def ordering_key(doc: MeterReadingsDocument) -> str:
    """The outbox ordering key: the contract, so no reading overtakes an earlier one.

    A document may carry several metering points and a message has one key; every point of a
    document belongs to its contract, so keying by contract orders every pair of documents that
    share a point (and a few more, which costs nothing at one submission a month).
    """
    return f"readings:{doc.contract_number}"


def _new_record(
    ctx: ReadingsContext, signed: bytes, checked: _Checked, evaluation: Evaluation, channel: str,
    received_at: datetime, supplier_eic: str | None,
) -> ReadingSubmissionRecord:
    doc, signer = checked.document, checked.verified.signer
    digest = hashlib.sha256(signed).hexdigest()
    record = ReadingSubmissionRecord(
        sender_eic=doc.header.sender_eic, mrid=doc.header.mrid, revision=doc.header.revision,
        contract_number=doc.contract_number, consumer_edrpou=doc.consumer_edrpou,
        reading_date=doc.reading_date, channel=channel, status=QUEUED, supplier_eic=supplier_eic,
        signer_subject=signer.subject, signer_serial=str(signer.serial_number), sha256=digest,
        content_sha256=hashlib.sha256(checked.verified.signed_xml).hexdigest(),
        original=bytes(signed), created_at=received_at,
    )
    record.values = [
        ReadingValueRecord(
            metering_point_eic=r.metering_point_eic, meter_serial=r.meter_serial,
            register=r.counter.register.value, zone=r.counter.zone, value=r.value,
            previous_value=r.previous_value, volume=r.volume,
            warning="; ".join(f"{w.code}: {w.message}" for w in r.warnings) or None,
        )
        for r in evaluation.readings
    ]
    record.events = [
        ReadingEventRecord(event="received", at=received_at, detail=f"канал: {channel}"),
        ReadingEventRecord(event="verified", at=checked.verified_at,
                           detail=f"підписувач: {signer.subject}"),
        ReadingEventRecord(event="stored", at=ctx.clock(), detail=f"sha256: {digest}"),
    ]
    return record


def previous_readings(
    session: Session, doc: MeterReadingsDocument
) -> dict[tuple[str, str, RegisterZone], PreviousReading]:
    """The last accepted value before ``doc.reading_date`` of every counter ``doc`` reads."""
    out: dict[tuple[str, str, RegisterZone], PreviousReading] = {}
    for point in doc.points:
        for reading in point.readings:
            counter = RegisterZone(Register(reading.register), reading.zone)
            row = session.execute(
                select(ReadingValueRecord.value, ReadingValueRecord.volume,
                       ReadingSubmissionRecord.reading_date)
                .join(ReadingSubmissionRecord)
                .where(ReadingValueRecord.metering_point_eic == point.eic,
                       ReadingValueRecord.meter_serial == point.meter_serial,
                       ReadingValueRecord.register == counter.register.value,
                       ReadingValueRecord.zone == counter.zone,
                       ReadingSubmissionRecord.reading_date < doc.reading_date)
                .order_by(ReadingSubmissionRecord.reading_date.desc(),
                          ReadingSubmissionRecord.id.desc())
                .limit(1)
            ).first()
            if row is not None:
                out[(point.eic, point.meter_serial, counter)] = PreviousReading(
                    value=row.value, reading_date=row.reading_date, volume=row.volume)
    return out
