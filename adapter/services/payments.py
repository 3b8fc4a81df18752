"""Online payment of invoices through a LiqPay-compatible checkout.

:func:`start_payment` turns one of the consumer's invoices into a signed checkout form and a
``pending`` order. :func:`handle_callback` is what the provider's server-to-server callback calls:
the signature is checked in constant time, the order must exist with the same amount and currency,
and a success marks the order ``paid``, the invoice paid and enqueues a signed PaymentNotice to
billing, all in one transaction. Callbacks are idempotent; the rules are in docs/payments.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapter.domain.documents import INVOICE_KINDS
from adapter.domain.money import is_money
from adapter.errors import ConfigurationError, SignatureError, ValidationError
from adapter.payments import liqpay
from adapter.persistence.models import InboundDocumentRecord
from adapter.persistence.payments_models import InvoicePaymentStatusRecord, PaymentRecord
from adapter.persistence.uow import UnitOfWork
from adapter.services.payment_callbacks import (  # noqa: F401 - re-exported
    ALREADY_PROCESSED,
    PENDING,
    CallbackOutcome,
    apply_callback,
    correlation_id,
    paid_status,
)
from adapter.signing import Signer

CURRENCY = "UAH"

Audit = Callable[..., None]


@dataclass(frozen=True)
class PaymentsContext:
    """What online payment needs, injected by the composition root."""

    uow: Callable[[], UnitOfWork]
    signer: Signer
    clock: Callable[[], datetime]
    dso_eic: str
    billing_eic: str
    public_key: str
    private_key: str = field(repr=False)
    checkout_url: str = liqpay.CHECKOUT_URL
    result_url: str = ""
    server_url: str = ""
    #: Accept LiqPay's ``sandbox`` status as a payment (test mode; never in production).
    sandbox: bool = False
    #: ``audit(event, **fields)``, called after each commit (payment_started/paid/failed...).
    audit: Audit | None = None


@dataclass(frozen=True)
class Checkout:
    """The form the consumer's browser posts to ``action_url`` (fields ``data``, ``signature``)."""

    action_url: str
    data: str
    signature: str
    order_id: str
    amount: Decimal


@dataclass(frozen=True)
class PaymentView:
    """One order, for the cabinet's payment history."""

    order_id: str
    document_id: int
    amount: Decimal
    currency: str
    status: str
    created_at: datetime
    paid_at: datetime | None
    provider_payment_id: str | None


def start_payment(ctx: PaymentsContext, *, contract: str, document_id: int) -> Checkout:
    """Open a ``pending`` order for one of ``contract``'s unpaid invoices; its checkout form."""
    _require_keys(ctx)
    now = ctx.clock()
    with ctx.uow() as uow:
        invoice = _own_invoice(uow.session, contract, document_id)
        if paid_status(uow.session, document_id) is not None:
            raise ValidationError("Рахунок уже оплачено.", code="PAY_ALREADY_PAID")
        amount = _invoice_amount(invoice)
        order_id = uuid.uuid4().hex
        uow.session.add(PaymentRecord(
            order_id=order_id, document_id=document_id, contract_number=contract,
            amount=amount, currency=CURRENCY, status=PENDING, created_at=now, updated_at=now))
        uow.commit()
    params = liqpay.checkout_params(
        public_key=ctx.public_key, amount=amount, description=_description(invoice, contract),
        order_id=order_id, result_url=ctx.result_url, server_url=ctx.server_url,
        currency=CURRENCY, sandbox=ctx.sandbox)
    data = liqpay.encode(params)
    _audit(ctx, "payment_started", order_id=order_id, document_id=document_id,
           contract=contract, amount=str(amount))
    return Checkout(ctx.checkout_url, data, liqpay.sign(data, ctx.private_key), order_id, amount)


def handle_callback(ctx: PaymentsContext, *, data: str, signature: str) -> CallbackOutcome:
    """Apply the provider's callback; ``PAY_*`` errors for anything we must not believe."""
    _require_keys(ctx)
    try:
        liqpay.verify(data, signature, ctx.private_key)
        callback = liqpay.read_callback(liqpay.decode(data))
        _check_provider(ctx, callback)
        outcome = apply_callback(ctx, callback)
    except (SignatureError, ValidationError) as error:
        _audit(ctx, "payment_callback_refused", code=error.code, message=error.message)
        raise
    if outcome.result != ALREADY_PROCESSED:
        event = "payment_duplicate" if outcome.duplicate else f"payment_{outcome.result}"
        _audit(ctx, event, order_id=callback.order_id, status=callback.status,
               provider_payment_id=callback.payment_id, amount=str(callback.amount))
    return outcome


def is_paid(ctx: PaymentsContext, document_id: int) -> bool:
    """Whether the invoice stored as ``document_id`` is paid."""
    return bool(paid_documents(ctx, [document_id]))


def paid_documents(ctx: PaymentsContext, document_ids: Iterable[int]) -> set[int]:
    """Which of ``document_ids`` are paid invoices (one query, for lists)."""
    ids = list(document_ids)
    if not ids:
        return set()
    with ctx.uow() as uow:
        return set(uow.session.scalars(
            select(InvoicePaymentStatusRecord.document_id)
            .where(InvoicePaymentStatusRecord.document_id.in_(ids))))


def payments_of(ctx: PaymentsContext, contract: str) -> list[PaymentView]:
    """Every order of ``contract``, newest first."""
    with ctx.uow() as uow:
        rows = uow.session.scalars(
            select(PaymentRecord).where(PaymentRecord.contract_number == contract)
            .order_by(PaymentRecord.created_at.desc(), PaymentRecord.id.desc()))
        return [PaymentView(r.order_id, r.document_id, r.amount, r.currency, r.status,
                            r.created_at, r.paid_at, r.provider_payment_id) for r in rows]


# ----- start ---------------------------------------------------------------------------------


def _require_keys(ctx: PaymentsContext) -> None:
    if not ctx.public_key or not ctx.private_key:
        raise ConfigurationError(
            "Не задано ключі платіжного сервісу: ADAPTER_LIQPAY_PUBLIC_KEY та "
            "ADAPTER_LIQPAY_PRIVATE_KEY.", code="CONFIG_NO_LIQPAY")


def _own_invoice(session: Session, contract: str, document_id: int) -> InboundDocumentRecord:
    record = session.get(InboundDocumentRecord, document_id)
    consumer = (record.fields or {}).get("consumer") if record is not None else None
    owner = consumer.get("contract_number") if isinstance(consumer, dict) else None
    # One answer for "no such document" and "someone else's": ids must not reveal what exists.
    if record is None or not contract or owner != contract:
        raise ValidationError("Документ не знайдено серед документів вашого договору.",
                              code="PAY_NOT_YOURS")
    if record.kind not in {kind.value for kind in INVOICE_KINDS}:
        raise ValidationError("Оплатити можна лише рахунок.", code="PAY_NOT_AN_INVOICE")
    newer = session.scalar(select(InboundDocumentRecord.id).where(
        InboundDocumentRecord.sender_eic == record.sender_eic,
        InboundDocumentRecord.mrid == record.mrid,
        InboundDocumentRecord.revision > record.revision).limit(1))
    if newer is not None:
        raise ValidationError("Цей рахунок замінено новішою редакцією; оплатіть її.",
                              code="PAY_SUPERSEDED")
    return record


def _invoice_amount(record: InboundDocumentRecord) -> Decimal:
    totals = record.fields.get("totals")
    gross = totals.get("gross") if isinstance(totals, dict) else None
    amount = liqpay.amount_of(gross, "totals.gross") if isinstance(gross, str) else None
    if amount is None or not is_money(amount) or amount <= 0:
        raise ValidationError("Сума рахунку не придатна для оплати.", code="PAY_AMOUNT_INVALID")
    return amount


def _description(record: InboundDocumentRecord, contract: str) -> str:
    number = record.fields.get("invoice_number") or record.mrid
    return f"Оплата рахунку № {number} за договором {contract}"


# ----- callback ------------------------------------------------------------------------------


def _check_provider(ctx: PaymentsContext, callback: liqpay.Callback) -> None:
    if callback.public_key is not None and callback.public_key != ctx.public_key:
        raise ValidationError("Повідомлення для іншого магазину (public_key).",
                              code="PAY_WRONG_MERCHANT")
    if callback.status == liqpay.SANDBOX and not ctx.sandbox:
        raise ValidationError("Тестовий платіж (sandbox) не приймається в робочому режимі.",
                              code="PAY_SANDBOX_REFUSED")


def _audit(ctx: PaymentsContext, event: str, **fields: Any) -> None:
    if ctx.audit is not None:
        ctx.audit(event, **fields)
