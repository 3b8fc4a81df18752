"""How a provider's callback moves a payment order: the state machine of docs/payments.md.

``pending`` goes to ``paid`` (or ``failed``, or stays ``pending`` on interim statuses); a success
after a failure still wins; only ``paid`` can be ``reversed``. Each move is a compare-and-set on
the status, so of two concurrent callbacks exactly one acts, and a repeated callback changes
nothing. A payment marks the invoice paid and enqueues the signed PaymentNotice to billing in the
same transaction as the move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from adapter.delivery.outbox import enqueue
from adapter.domain.documents import DocumentKind, DocumentRef
from adapter.errors import ValidationError
from adapter.mappers import write_document
from adapter.payments import liqpay
from adapter.payments.notice import build_notice
from adapter.persistence.models import InboundDocumentRecord
from adapter.persistence.payments_models import InvoicePaymentStatusRecord, PaymentRecord
from adapter.services.routing import BILLING

if TYPE_CHECKING:
    from adapter.services.payments import PaymentsContext

PENDING, PAID, FAILED, REVERSED = "pending", "paid", "failed", "reversed"
#: What a callback that changes nothing reports.
ALREADY_PROCESSED = "already_processed"


@dataclass(frozen=True)
class CallbackOutcome:
    """What a callback did: ``paid``, ``failed``, ``reversed``, ``pending`` or already processed."""

    result: str
    order_id: str
    status: str
    message: str
    outbox_message_id: int | None = None
    duplicate: bool = False


def apply_callback(ctx: PaymentsContext, callback: liqpay.Callback) -> CallbackOutcome:
    """Move the order ``callback`` names, in one transaction; ``PAY_*`` errors if it must not."""
    with ctx.uow() as uow:
        session = uow.session
        payment = session.scalar(select(PaymentRecord)
                                 .where(PaymentRecord.order_id == callback.order_id)
                                 .with_for_update())
        if payment is None:
            raise ValidationError(f"Замовлення {callback.order_id} невідоме.",
                                  code="PAY_UNKNOWN_ORDER")
        if callback.amount != payment.amount or callback.currency != payment.currency:
            raise ValidationError(
                f"Сума {callback.amount} {callback.currency} не збігається із замовленням "
                f"({payment.amount} {payment.currency}).", code="PAY_AMOUNT_MISMATCH")
        outcome = _transition(ctx, session, payment, callback)
        uow.commit()
        return outcome


def _transition(ctx: PaymentsContext, session: Session, payment: PaymentRecord,
                callback: liqpay.Callback) -> CallbackOutcome:
    status = callback.status
    if status in (liqpay.SUCCESS, liqpay.SANDBOX):
        return _mark_paid(ctx, session, payment, callback)
    if status in liqpay.FAILURE_STATUSES:
        return _mark(ctx, session, payment, callback, FAILED, allowed_from=(PENDING,))
    if status == liqpay.REVERSED:
        return _mark_reversed(ctx, session, payment, callback)
    # Interim statuses (processing, wait_secure, 3ds_verify...): note them, stay pending.
    return _mark(ctx, session, payment, callback, PENDING, allowed_from=(PENDING,))


def _claim(session: Session, payment: PaymentRecord, to: str, allowed_from: tuple[str, ...],
           now: datetime, callback: liqpay.Callback) -> bool:
    # Compare-and-set on the status: of two concurrent callbacks, exactly one moves the order
    # (SQLite has no SELECT ... FOR UPDATE; this works on every backend).
    result = session.execute(
        update(PaymentRecord)
        .where(PaymentRecord.id == payment.id, PaymentRecord.status.in_(allowed_from))
        .values(status=to, updated_at=now, provider_status=callback.status[:40])
        .execution_options(synchronize_session=False))
    moved = bool(getattr(result, "rowcount", 0))
    if moved:
        session.refresh(payment)
    return moved


def _already(payment: PaymentRecord, callback: liqpay.Callback) -> CallbackOutcome:
    return CallbackOutcome(ALREADY_PROCESSED, payment.order_id, payment.status,
                           "Повідомлення вже оброблено.", payment.outbox_message_id)


def _mark(ctx: PaymentsContext, session: Session, payment: PaymentRecord,
          callback: liqpay.Callback, to: str, *, allowed_from: tuple[str, ...]) -> CallbackOutcome:
    if payment.provider_status == callback.status or not _claim(
            session, payment, to, allowed_from, ctx.clock(), callback):
        return _already(payment, callback)
    if to == FAILED:
        reason = callback.payload.get("err_description") or callback.payload.get("err_code")
        payment.failure_reason = str(reason or callback.status)[:1000]
        return CallbackOutcome(FAILED, payment.order_id, FAILED, "Оплата не вдалася.")
    return CallbackOutcome(PENDING, payment.order_id, PENDING, "Оплата ще обробляється.")


def _mark_paid(ctx: PaymentsContext, session: Session, payment: PaymentRecord,
               callback: liqpay.Callback) -> CallbackOutcome:
    if not callback.payment_id:
        raise ValidationError("Успішний платіж без payment_id.", code="PAY_DATA_MALFORMED")
    now = ctx.clock()
    # A success after a failure still wins: the provider took the money.
    if not _claim(session, payment, PAID, (PENDING, FAILED), now, callback):
        return _already(payment, callback)
    paid_at = now.astimezone(UTC).replace(microsecond=0)
    payment.provider_payment_id, payment.paid_at, payment.failure_reason = (
        callback.payment_id, paid_at, None)
    duplicate = paid_status(session, payment.document_id) is not None
    if not duplicate:
        session.add(InvoicePaymentStatusRecord(document_id=payment.document_id,
                                               payment_id=payment.id,
                                               contract_number=payment.contract_number,
                                               paid_at=paid_at))
    payment.outbox_message_id = _send_notice(ctx, session, payment, paid_at, now)
    message = ("Рахунок уже було оплачено іншим платежем; переплату передано в білінг."
               if duplicate else "Рахунок оплачено.")
    return CallbackOutcome(PAID, payment.order_id, PAID, message, payment.outbox_message_id,
                           duplicate=duplicate)


def _mark_reversed(ctx: PaymentsContext, session: Session, payment: PaymentRecord,
                   callback: liqpay.Callback) -> CallbackOutcome:
    if not _claim(session, payment, REVERSED, (PAID,), ctx.clock(), callback):
        return _already(payment, callback)
    status = paid_status(session, payment.document_id)
    if status is not None and status.payment_id == payment.id:
        # Another paid order of the same invoice (a double payment) keeps it paid.
        other = session.scalar(select(PaymentRecord).where(
            PaymentRecord.document_id == payment.document_id, PaymentRecord.status == PAID,
            PaymentRecord.id != payment.id).order_by(PaymentRecord.paid_at).limit(1))
        if other is None:
            session.delete(status)
        else:
            status.payment_id, status.paid_at = other.id, other.paid_at or ctx.clock()
    return CallbackOutcome(REVERSED, payment.order_id, REVERSED,
                           "Платіж повернуто; білінг треба повідомити вручну.")


def _send_notice(ctx: PaymentsContext, session: Session, payment: PaymentRecord,
                 paid_at: datetime, now: datetime) -> int:
    invoice = session.get_one(InboundDocumentRecord, payment.document_id)
    notice = build_notice(
        order_id=payment.order_id, dso_eic=ctx.dso_eic, billing_eic=ctx.billing_eic,
        invoice=DocumentRef(kind=DocumentKind(invoice.kind), sender_eic=invoice.sender_eic,
                            mrid=invoice.mrid, revision=invoice.revision),
        contract_number=payment.contract_number, amount=payment.amount, paid_at=paid_at,
        provider_reference=payment.provider_payment_id or "")
    signed = ctx.signer.sign(write_document(notice))
    payment.notice_mrid = notice.header.mrid
    return enqueue(session, destination=BILLING, kind=DocumentKind.PAYMENT_NOTICE.value,
                   sender_eic=ctx.dso_eic, mrid=notice.header.mrid, revision=1, payload=signed,
                   correlation_id=correlation_id(payment.id), now=now)


def paid_status(session: Session, document_id: int) -> InvoicePaymentStatusRecord | None:
    """The paid mark of an invoice, if it is paid."""
    return session.get(InvoicePaymentStatusRecord, document_id)


def correlation_id(payment_id: int) -> str:
    """The outbox correlation id of a payment's notice (``payment:<row id>``)."""
    return f"payment:{payment_id}"
