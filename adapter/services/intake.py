"""The inbound pipeline: parse -> verify -> validate -> map -> store -> acknowledge.

A counterparty's signed document arrives as bytes (over SOAP, from a file drop, from a poller);
whatever the channel, it goes through :func:`submit_document`. The function never raises for a bad
document: every outcome is an acknowledgement (A01 accepted, A02 rejected with a stable code,
A51 already received), and the original bytes of an accepted document are stored verbatim in the
same transaction as its parsed fields and timeline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from adapter.domain.documents import AckReason, DocumentHeader, DocumentKind
from adapter.errors import AdapterError, DocumentConflict, MappingError
from adapter.mappers import read_document, read_header
from adapter.persistence.models import (
    DocumentEventRecord,
    InboundDocumentRecord,
    InboundRejectionRecord,
)
from adapter.persistence.uow import UnitOfWork
from adapter.safexml import parse_xml
from adapter.services.acknowledgements import Acknowledger
from adapter.services.document_index import index_document
from adapter.services.jsonable import to_jsonable
from adapter.signing import VerificationPolicy, VerifiedDocument, verify
from adapter.xml_schemas import validate


@dataclass(frozen=True)
class InboundParty:
    """A counterparty allowed to push documents to us, and which kinds it may send."""

    name: str
    eic: str
    kinds: frozenset[DocumentKind]
    require_wsse: bool = False


@dataclass(frozen=True)
class IntakeContext:
    """Everything the pipeline needs, injected by the composition root."""

    uow: Callable[[], UnitOfWork]
    policy: VerificationPolicy
    acknowledger: Acknowledger
    parties: Mapping[str, InboundParty]
    dso_eic: str
    clock: Callable[[], datetime]
    max_bytes: int = 5 * 1024 * 1024


@dataclass(frozen=True)
class IntakeOutcome:
    """What happened to one submitted document; ``acknowledgement`` is the signed answer."""

    code: AckReason
    reason: str
    acknowledgement: bytes
    error_code: str | None = None
    document_id: int | None = None
    header: DocumentHeader | None = None
    timeline: list[tuple[str, datetime]] = field(default_factory=list)


def submit_document(
    ctx: IntakeContext,
    original: bytes,
    *,
    channel: str,
    transport_party: str | None = None,
) -> IntakeOutcome:
    """Run one inbound document through the whole pipeline and acknowledge it.

    ``transport_party`` is the counterparty whose WS-Security signature the SOAP message carried
    (None for unsigned messages and for channels without one, such as file drops).
    """
    received_at = ctx.clock()
    try:
        accepted = _verify_and_read(ctx, original, channel, transport_party)
    except AdapterError as error:
        return _reject(ctx, original, error, channel=channel, received_at=received_at)
    return _store(ctx, original, accepted, channel=channel, received_at=received_at)


@dataclass(frozen=True)
class _Accepted:
    verified: VerifiedDocument
    header: DocumentHeader
    fields: dict[str, object]
    verified_at: datetime


def _verify_and_read(
    ctx: IntakeContext, original: bytes, channel: str, transport_party: str | None
) -> _Accepted:
    parse_xml(original, max_bytes=ctx.max_bytes)  # cheap structural refusal before any crypto
    verified = verify(original, policy=ctx.policy, now=ctx.clock())
    verified_at = ctx.clock()
    validate(verified.signed_root)
    header = read_header(verified.signed_root)
    _check_routing(ctx, verified.party, header)
    _check_transport(ctx, verified.party, channel, transport_party)
    document = read_document(verified.signed_root, schema_check=False)  # validated above
    return _Accepted(verified, header, to_jsonable(document), verified_at)


def _check_routing(ctx: IntakeContext, party_name: str, header: DocumentHeader) -> None:
    # The certificate says who signed; the signed header must agree, or one counterparty could
    # submit documents in another's name.
    party = ctx.parties.get(party_name)
    if party is None:
        raise MappingError(
            f"Сторона «{party_name}» не може надсилати документи до цього сервісу.",
            code="DOC_PARTY_NOT_ALLOWED",
        )
    if header.sender_eic != party.eic:
        raise MappingError(
            f"Відправник {header.sender_eic} не відповідає сертифікату підписувача ({party.eic}).",
            code="DOC_SENDER_MISMATCH",
        )
    if header.receiver_eic != ctx.dso_eic:
        raise MappingError(
            f"Документ адресовано {header.receiver_eic}, а не ОСР ({ctx.dso_eic}).",
            code="DOC_WRONG_RECEIVER",
        )
    if header.kind not in party.kinds:
        raise MappingError(
            f"Сторона «{party_name}» не надсилає документи виду {header.kind}.",
            code="DOC_KIND_NOT_ALLOWED",
        )


def _check_transport(
    ctx: IntakeContext, party_name: str, channel: str, transport_party: str | None
) -> None:
    party = ctx.parties[party_name]
    if channel == "soap" and party.require_wsse and transport_party is None:
        raise MappingError(
            f"Сторона «{party_name}» має підписувати SOAP-повідомлення (WS-Security).",
            code="WSSE_REQUIRED",
        )
    if transport_party is not None and transport_party != party_name:
        raise MappingError(
            f"Повідомлення підписала сторона «{transport_party}», а документ — «{party_name}».",
            code="WSSE_PARTY_MISMATCH",
        )


def _store(
    ctx: IntakeContext,
    original: bytes,
    accepted: _Accepted,
    *,
    channel: str,
    received_at: datetime,
) -> IntakeOutcome:
    header = accepted.header
    digest = hashlib.sha256(original).hexdigest()
    try:
        with ctx.uow() as uow:
            existing = uow.documents.find(header.sender_eic, header.mrid, header.revision)
            if existing is None:
                record = _new_record(ctx, original, digest, accepted, channel, received_at)
                uow.documents.add(record)
                index_document(uow.session, record)  # the cabinet's search index, same commit
                outcome = _accept(ctx, header, record)
                uow.commit()
                return outcome
    except IntegrityError:
        pass  # a concurrent twin committed first: fall through and compare with it
    return _already_received(ctx, original, accepted, digest, channel, received_at)


def _already_received(
    ctx: IntakeContext,
    original: bytes,
    accepted: _Accepted,
    digest: str,
    channel: str,
    received_at: datetime,
) -> IntakeOutcome:
    header = accepted.header
    with ctx.uow() as uow:
        existing = uow.documents.find(header.sender_eic, header.mrid, header.revision)
        if existing is None:  # pragma: no cover - the unique index guarantees a row here
            raise RuntimeError("integrity error without a conflicting row")
        existing_id, existing_digest = existing.id, existing.sha256
    if existing_digest != digest:
        conflict = DocumentConflict(
            f"Документ {header.mrid} ревізії {header.revision} вже отримано з іншим вмістом; "
            "надішліть нову ревізію.",
            existing_sha256=existing_digest,
        )
        return _reject(ctx, original, conflict, channel=channel, received_at=received_at,
                       header=header)
    ack = ctx.acknowledger.acknowledge(header, AckReason.ALREADY_RECEIVED,
                                       "Документ вже отримано раніше.")
    return IntakeOutcome(AckReason.ALREADY_RECEIVED, "Документ вже отримано раніше.", ack,
                         document_id=existing_id, header=header)


def _new_record(
    ctx: IntakeContext,
    original: bytes,
    digest: str,
    accepted: _Accepted,
    channel: str,
    received_at: datetime,
) -> InboundDocumentRecord:
    header, signer = accepted.header, accepted.verified.signer
    record = InboundDocumentRecord(
        kind=str(header.kind),
        sender_eic=header.sender_eic,
        mrid=header.mrid,
        revision=header.revision,
        receiver_eic=header.receiver_eic,
        document_created_at=header.created_at,
        received_at=received_at,
        channel=channel,
        party=accepted.verified.party,
        signer_subject=signer.subject,
        signer_serial=str(signer.serial_number),
        signer_fingerprint=signer.fingerprint_sha256,
        sha256=digest,
        original=bytes(original),
        fields=accepted.fields,
    )
    stored_at = ctx.clock()
    record.events = [
        DocumentEventRecord(event="received", at=received_at, detail=f"канал: {channel}"),
        DocumentEventRecord(event="verified", at=accepted.verified_at,
                            detail=f"підписувач: {signer.subject}"),
        DocumentEventRecord(event="stored", at=stored_at, detail=f"sha256: {digest}"),
    ]
    return record


def _accept(ctx: IntakeContext, header: DocumentHeader,
            record: InboundDocumentRecord) -> IntakeOutcome:
    reason = "Документ прийнято."
    ack = ctx.acknowledger.acknowledge(header, AckReason.ACCEPTED, reason)
    acknowledged_at = ctx.clock()
    record.events.append(DocumentEventRecord(event="acknowledged", at=acknowledged_at,
                                             detail=AckReason.ACCEPTED.value))
    timeline = [(event.event, event.at) for event in record.events]
    return IntakeOutcome(AckReason.ACCEPTED, reason, ack, document_id=record.id, header=header,
                         timeline=timeline)


def _reject(
    ctx: IntakeContext,
    original: bytes,
    error: AdapterError,
    *,
    channel: str,
    received_at: datetime,
    header: DocumentHeader | None = None,
) -> IntakeOutcome:
    record_rejection(ctx.uow, original, error, channel=channel, at=received_at)
    ack = ctx.acknowledger.acknowledge(header, AckReason.REJECTED, error.message,
                                       error_code=error.code)
    return IntakeOutcome(AckReason.REJECTED, error.message, ack, error_code=error.code,
                         header=header)


def record_rejection(
    uow_factory: Callable[[], UnitOfWork],
    payload: bytes,
    error: AdapterError,
    *,
    channel: str,
    at: datetime,
    party: str | None = None,
) -> None:
    """Keep the code and reason of a refusal (never the refused content) for the operator."""
    with uow_factory() as uow:
        uow.rejections.add(
            InboundRejectionRecord(
                received_at=at,
                channel=channel,
                code=error.code,
                message=error.message,
                sha256=hashlib.sha256(payload).hexdigest(),
                size=len(payload),
                party=party,
            )
        )
        uow.commit()
