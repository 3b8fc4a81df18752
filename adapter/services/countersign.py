"""Countersigning a supplier's act of acceptance-transfer in the cabinet.

The consumer signs an ``ActCountersignature`` that points at the act by identity and by the
SHA-256 of the act's original signed bytes, either in the browser (two-phase: a signing draft,
:mod:`adapter.services.signing_drafts`) or with their own tool (upload). Whatever way it comes,
the signed document is verified under the consumer policy with the organisation's EDRPOU, its
*signed* content must name exactly this act, and then, in one transaction, it is stored verbatim
and enqueued to the supplier through the outbox. An act is countersigned once.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from adapter.delivery.outbox import enqueue
from adapter.domain.documents import (
    ActCountersignature,
    ActDecision,
    DocumentHeader,
    DocumentKind,
    DocumentRef,
)
from adapter.errors import ValidationError
from adapter.mappers import read_document, write_document
from adapter.observability.correlation import CORRELATION_EVENT
from adapter.persistence.cabinet_documents_models import CountersignatureRecord
from adapter.persistence.models import InboundDocumentRecord
from adapter.persistence.outbox_models import (
    OutboxAttemptRecord,
    OutboxEventRecord,
    OutboxMessageRecord,
)
from adapter.persistence.uow import UnitOfWork
from adapter.services.audit import audit
from adapter.services.cabinet_documents import COUNTERSIGNABLE, document_for, is_superseded
from adapter.services.routing import supplier_destination
from adapter.services.signing_drafts import DraftView, complete_draft, create_draft
from adapter.signing import VerificationPolicy, verify
from adapter.xml_schemas import validate

KIND = DocumentKind.ACT_COUNTERSIGNATURE.value


@dataclass(frozen=True)
class CountersignContext:
    """What countersigning needs (from the container)."""

    uow: Callable[[], UnitOfWork]
    clock: Callable[[], datetime]
    dso_eic: str
    #: The policy trusting consumers' certificates (``container.party_policy("consumer")``).
    consumer_policy: Callable[[], VerificationPolicy]


@dataclass(frozen=True)
class Signatory:
    """Who countersigns: the organisation (and the user and address, for the audit)."""

    organisation_id: int
    contract_number: str
    edrpou: str
    user_id: int | None = None
    ip: str = ""


@dataclass(frozen=True)
class Countersigned:
    """A stored countersignature and the outbox message carrying it to the supplier."""

    id: int
    act_id: int
    decision: str
    signer_subject: str
    outbox_message_id: int


def purpose(act_id: int) -> str:
    """The signing draft purpose of an act's countersignature."""
    return f"countersign:{act_id}"


def unsigned_countersignature(ctx: CountersignContext, who: Signatory, act_id: int, *,
                              decision: str, comment: str = "") -> bytes:
    """The XML the consumer signs (for the browser draft, or to sign with their own tool)."""
    with ctx.uow() as uow:
        act = _countersignable(uow.session, who, act_id)
        return write_document(_document(ctx, act, decision, comment))


def start_browser_signing(ctx: CountersignContext, who: Signatory, act_id: int, *,
                          decision: str, comment: str, certificate: bytes) -> DraftView:
    """Prepare a signing draft of the countersignature for the key of ``certificate``."""
    now = ctx.clock()
    with ctx.uow() as uow:
        act = _countersignable(uow.session, who, act_id)
        unsigned = write_document(_document(ctx, act, decision, comment))
        draft = create_draft(uow, organisation_id=who.organisation_id, purpose=purpose(act_id),
                             unsigned_xml=unsigned, certificate_pem=certificate, now=now,
                             edrpou=who.edrpou)
        uow.commit()
        return draft


def finish_browser_signing(ctx: CountersignContext, who: Signatory, act_id: int, *,
                           draft_id: str, signature_value: str) -> Countersigned:
    """Complete the draft with the browser's signature value, verify, store and send it."""
    now = ctx.clock()
    with ctx.uow() as uow:
        signed = complete_draft(uow, organisation_id=who.organisation_id, draft_id=draft_id,
                                purpose=purpose(act_id), signature_value_b64=signature_value,
                                now=now)
        done = _accept(ctx, uow, who, act_id, signed, now, via="browser")
        uow.commit()
        return done


def upload_signed(ctx: CountersignContext, who: Signatory, act_id: int,
                  signed: bytes) -> Countersigned:
    """Accept a countersignature the consumer signed with their own tool."""
    now = ctx.clock()
    with ctx.uow() as uow:
        done = _accept(ctx, uow, who, act_id, signed, now, via="upload")
        uow.commit()
        return done


@dataclass(frozen=True)
class CountersignatureView:
    """An act's stored countersignature, as the pages show it."""

    id: int
    decision: str
    comment: str | None
    signer_subject: str
    signed_at: datetime
    outbox_message_id: int | None


def countersignature_of(session: Session, act_id: int) -> CountersignatureView | None:
    """The act's countersignature, if any (the caller has scoped the act to the org)."""
    r = session.scalar(select(CountersignatureRecord)
                       .where(CountersignatureRecord.act_document_id == act_id))
    return None if r is None else CountersignatureView(
        r.id, r.decision, r.comment, r.signer_subject, r.signed_at, r.outbox_message_id)


# ----- the checks ----------------------------------------------------------------------------


def _countersignable(session: Session, who: Signatory, act_id: int) -> InboundDocumentRecord:
    act = document_for(session, who.contract_number, act_id)
    if act.kind not in COUNTERSIGNABLE:
        raise ValidationError("Підписати можна лише акт приймання-передачі.",
                              code="CS_NOT_AN_ACT")
    if countersignature_of(session, act_id) is not None:
        raise _already()
    if is_superseded(session, act):
        raise ValidationError("Цей акт замінено новішою редакцією; підпишіть її.",
                              code="CS_SUPERSEDED")
    return act


def _already() -> ValidationError:
    return ValidationError("Цей акт уже підписано; повторний підпис не потрібен.",
                           code="CS_ALREADY_SIGNED")


def _document(ctx: CountersignContext, act: InboundDocumentRecord, decision: str,
              comment: str) -> ActCountersignature:
    try:
        chosen = ActDecision(decision)
    except ValueError as exc:
        raise ValidationError("Оберіть рішення: погоджуюсь або маю заперечення.",
                              code="CS_DECISION_REQUIRED") from exc
    comment = comment.strip()
    if chosen == ActDecision.DISPUTED and not comment:
        raise ValidationError("Опишіть заперечення: без причини акт не можна оскаржити.",
                              code="CS_COMMENT_REQUIRED")
    if len(comment) > 2000:
        raise ValidationError("Коментар задовгий (до 2000 символів).", code="CS_COMMENT_LONG")
    header = DocumentHeader(
        mrid=f"CS-{uuid.uuid4().hex}", revision=1, kind=DocumentKind.ACT_COUNTERSIGNATURE,
        sender_eic=ctx.dso_eic, receiver_eic=act.sender_eic,
        created_at=ctx.clock().astimezone(UTC).replace(microsecond=0))
    return ActCountersignature(
        header=header, act=_reference(act), act_sha256=hashlib.sha256(act.original).hexdigest(),
        decision=chosen, comment=comment or None)


def _reference(act: InboundDocumentRecord) -> DocumentRef:
    return DocumentRef(kind=DocumentKind(act.kind), sender_eic=act.sender_eic, mrid=act.mrid,
                       revision=act.revision)


def _accept(ctx: CountersignContext, uow: UnitOfWork, who: Signatory, act_id: int,
            signed: bytes, now: datetime, *, via: str) -> Countersigned:
    session = uow.session
    act = _countersignable(session, who, act_id)
    verified = verify(signed, policy=ctx.consumer_policy(), now=now,
                      expected_edrpou=who.edrpou, party="consumer")
    validate(verified.signed_root)
    document = _check_binds(ctx, read_document(verified.signed_root, schema_check=False), act)
    record = CountersignatureRecord(
        act_document_id=act.id, contract_number=who.contract_number,
        organisation_id=who.organisation_id, user_id=who.user_id,
        decision=document.decision.value, comment=document.comment,
        mrid=document.header.mrid, signer_subject=verified.signer.subject,
        sha256=hashlib.sha256(signed).hexdigest(), original=bytes(signed), signed_at=now)
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError as exc:  # a concurrent countersignature of the same act won
        raise _already() from exc
    record.outbox_message_id = enqueue(
        session, destination=supplier_destination(act.sender_eic), kind=KIND,
        sender_eic=ctx.dso_eic, mrid=document.header.mrid, revision=document.header.revision,
        payload=bytes(signed), correlation_id=f"countersignature:{record.id}", now=now)
    audit(uow, "act_countersigned", at=now, ip=who.ip, user_id=who.user_id,
          organisation_id=who.organisation_id,
          detail={"act_id": act.id, "act_mrid": act.mrid, "decision": record.decision,
                  "via": via, "signer": record.signer_subject})
    return Countersigned(record.id, act.id, record.decision, record.signer_subject,
                         record.outbox_message_id)


def _check_binds(ctx: CountersignContext, document: object,
                 act: InboundDocumentRecord) -> ActCountersignature:
    """The signed content must be a countersignature of exactly this act, from us to its sender."""
    if not isinstance(document, ActCountersignature):
        raise ValidationError("Підписано не підтвердження акта.", code="CS_WRONG_DOCUMENT")
    header = document.header
    problems = [
        header.sender_eic != ctx.dso_eic or header.receiver_eic != act.sender_eic,
        document.act != _reference(act),
        document.act_sha256 != hashlib.sha256(act.original).hexdigest(),
    ]
    if any(problems):
        raise ValidationError("Підписаний документ стосується іншого акта або іншої редакції.",
                              code="CS_WRONG_ACT")
    return document


__all__ = [
    "CountersignContext", "CountersignatureView", "Countersigned", "DeliveryTimeline",
    "Signatory", "countersignature_of", "delivery_timeline",
    "finish_browser_signing", "purpose", "start_browser_signing", "unsigned_countersignature",
    "upload_signed",
]


# ----- delivery timeline -------------------------------------------------------------------------

DELIVERY_LABELS = {
    "waiting": "у черзі на надсилання", "pending": "у черзі на надсилання",
    "in_flight": "надсилається",
    "delivered": "доставлено постачальнику", "dead": "не доставлено (передано оператору)",
    "skipped": "скасовано оператором",
}
EVENT_LABELS = {"enqueued": "поставлено в чергу", "replayed": "надіслано повторно",
                "skipped": "скасовано", "lease_expired": "спроба перервалась",
                "delivered": "доставлено", "attempt_failed": "спроба не вдалася"}


@dataclass(frozen=True)
class DeliveryTimeline:
    """Where the countersignature's outbox message stands, and its steps, oldest first."""

    status: str
    label: str
    steps: list[tuple[str, datetime, str]]


def delivery_timeline(session: Session, message_id: int) -> DeliveryTimeline | None:
    """The outbox message's status and steps (queued, attempts, delivered)."""
    message = session.get(OutboxMessageRecord, message_id)
    if message is None:
        return None
    # The outbox's own events already include "delivered"; "correlation" is for the logs only.
    steps: list[tuple[str, datetime, str]] = [
        (EVENT_LABELS.get(e.event, e.event), e.at, e.detail or "")
        for e in session.scalars(select(OutboxEventRecord)
                                 .where(OutboxEventRecord.message_id == message_id,
                                        OutboxEventRecord.event != CORRELATION_EVENT)
                                 .order_by(OutboxEventRecord.id))]
    for attempt in session.scalars(select(OutboxAttemptRecord)
                                   .where(OutboxAttemptRecord.message_id == message_id)
                                   .order_by(OutboxAttemptRecord.id)):
        if attempt.outcome in ("failed", "rejected", "not_sent"):
            steps.append((EVENT_LABELS["attempt_failed"], attempt.finished_at or attempt.started_at,
                          attempt.error_code or ""))
    steps.sort(key=lambda step: step[1])
    return DeliveryTimeline(message.status, DELIVERY_LABELS.get(message.status, message.status),
                            steps)
