"""A submitted document at a sandbox peer: verify, deduplicate in the ledger, act once, answer.

The answer is always a signed acknowledgement (A01 new, A51 repeat, A02 with a stable code), as the
contract says: document problems are never SOAP faults.
"""

from __future__ import annotations

import base64
import hashlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from adapter.domain.documents import AckReason, Document, DocumentHeader, DocumentKind
from adapter.errors import AdapterError, MappingError
from adapter.mappers import build_acknowledgement, read_document, read_header, write_document
from adapter.mappers.builders import DEFAULT_REASON_TEXTS
from adapter.safexml import parse_xml
from adapter.sandbox.ledger import Arrival, issue
from adapter.sandbox.peer import Operation, PeerRequest, SoapPeer
from adapter.signing import sign, verify

#: Produces the peer's documents for a new arrival, inside the ledger transaction; returns the
#: cursor positions (``issued.seq``) of what it issued.
Effect = Callable[[sqlite3.Connection, Document], list[int]]
#: Runs after the commit with what the effect issued (pushing to the intake).
AfterCommit = Callable[[list[int]], None]


@dataclass(frozen=True)
class SubmitOperation:
    """One submit operation of a peer: what it accepts and what it does the first time."""

    name: str
    kinds: frozenset[DocumentKind]
    parties: frozenset[str]
    effect: Effect


def bind_submit(peer: SoapPeer, op: SubmitOperation, after_commit: AfterCommit) -> Operation:
    """The peer operation serving ``op``."""

    def serve(req: PeerRequest) -> etree._Element:
        return handle_submit(peer, op, req, after_commit)

    return serve


def handle_submit(
    peer: SoapPeer, op: SubmitOperation, req: PeerRequest, after_commit: AfterCommit
) -> etree._Element:
    """Run one submission through the peer and return the operation's response element."""
    raw = req.document()
    try:
        document = _accepted(peer, op, raw)
    except AdapterError as error:
        peer.ledger.reject(op.name, error.code, error.message)
        return _answer(peer, op, _header_or_none(raw), AckReason.REJECTED, error)
    header: DocumentHeader = document.header
    issued: list[int] = []
    arrival = peer.ledger.record(
        header.identity,
        kind=header.kind.value,
        sha256=hashlib.sha256(raw).hexdigest(),
        idempotency_key=req.idempotency_key(),
        effect=lambda conn: issued.extend(op.effect(conn, document)),
    )
    if arrival is Arrival.CONFLICT:
        conflict = AdapterError(
            f"Документ {header.mrid} ревізії {header.revision} вже отримано з іншим вмістом.",
            code="DOC_CONFLICT",
        )
        return _answer(peer, op, header, AckReason.REJECTED, conflict)
    if arrival is Arrival.NEW:
        after_commit(issued)
        if peer.faults.should_hang_after_commit():
            peer.faults.hang()  # the effect is committed; the caller will never see this answer
        return _answer(peer, op, header, AckReason.ACCEPTED)
    return _answer(peer, op, header, AckReason.ALREADY_RECEIVED)


def _accepted(peer: SoapPeer, op: SubmitOperation, raw: bytes) -> Document:
    verified = verify(raw, policy=peer.policy)
    if verified.party not in op.parties:
        raise MappingError(f"Підпис сторони «{verified.party}» тут не приймається.",
                           code="DOC_PARTY_NOT_ALLOWED")
    document: Document = read_document(verified.signed_root)
    header = document.header
    if header.kind not in op.kinds:
        raise MappingError(f"{op.name} не приймає документи виду {header.kind}.",
                           code="DOC_KIND_NOT_ALLOWED")
    if header.sender_eic != peer.config.dso_eic:
        raise MappingError(f"Відправник {header.sender_eic} не є ОСР.",
                           code="DOC_SENDER_MISMATCH")
    # A consumer-signed document reaches us relayed by the DSO, addressed to the DSO itself (one
    # signed original goes to the supplier and to billing alike); anything else names us.
    relayed = verified.party == "consumer"
    receivers = {peer.eic, peer.config.dso_eic} if relayed else {peer.eic}
    if header.receiver_eic not in receivers:
        raise MappingError(f"Документ адресовано {header.receiver_eic}, а не {peer.eic}.",
                           code="DOC_WRONG_RECEIVER")
    edrpou = getattr(document, "consumer_edrpou", None)
    if relayed and edrpou is not None and edrpou != verified.signer.edrpou:
        raise MappingError("Документ підписано не тим споживачем, якого він стосується.",
                           code="DOC_EDRPOU_MISMATCH")
    return document


def _header_or_none(raw: bytes) -> DocumentHeader | None:
    # Only to name the refused document in the acknowledgement; nothing else trusts it.
    try:
        return read_header(parse_xml(raw))
    except (AdapterError, ValueError):
        return None


def _answer(
    peer: SoapPeer,
    op: SubmitOperation,
    received: DocumentHeader | None,
    reason: AckReason,
    error: AdapterError | None = None,
) -> etree._Element:
    unsigned = build_acknowledgement(
        received,
        reason=reason,
        text=error.message if error else None,
        error_code=error.code if error else None,
        sender_eic=peer.eic,
        receiver_eic=received.sender_eic if received else peer.config.dso_eic,
    )
    signed = sign(unsigned, key=peer.key)
    text = error.message if error else DEFAULT_REASON_TEXTS[reason]
    return peer.response(
        f"{op.name}Response",
        acknowledgement=base64.b64encode(signed).decode("ascii"),
        reasonCode=reason.value,
        errorCode=error.code if error else None,
        reasonText=text,
    )


def serve_by_cursor(peer: SoapPeer, req: PeerRequest) -> etree._Element:
    """``FetchDocuments``: issued documents after the cursor (the last ``seq`` seen)."""
    cursor_text = req.child_text("cursor") or "0"
    limit_text = req.child_text("limit") or "100"
    if not cursor_text.isdigit() or not limit_text.isdigit() or not 1 <= int(limit_text) <= 500:
        raise MappingError("Некоректний курсор або ліміт.", code="SANDBOX_BAD_CURSOR")
    limit = int(limit_text)
    page = peer.ledger.issued_after(int(cursor_text), limit + 1)
    has_more = len(page) > limit
    page = page[:limit]
    response = etree.Element(f"{{{peer.namespace}}}FetchDocumentsResponse",
                             nsmap={"p": peer.namespace})
    for item in page:
        etree.SubElement(response, f"{{{peer.namespace}}}document").text = (
            base64.b64encode(item.xml).decode("ascii")
        )
    next_cursor = str(page[-1].seq) if page else cursor_text
    ns = peer.namespace
    etree.SubElement(response, f"{{{ns}}}nextCursor").text = next_cursor
    etree.SubElement(response, f"{{{ns}}}hasMore").text = "true" if has_more else "false"
    return response


def issue_signed(
    peer: SoapPeer, conn: sqlite3.Connection, document: Document, source: DocumentHeader
) -> int:
    """Write, sign and store a produced document inside the ledger transaction; its ``seq``."""
    signed = sign(write_document(document), key=peer.key)
    return issue(conn, document.header.kind.value, document.header.mrid, source.mrid, signed)
