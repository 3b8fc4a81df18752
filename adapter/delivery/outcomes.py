"""From what a transport did to what the outbox records: pure functions, no database."""

from __future__ import annotations

import logging
from datetime import datetime

from adapter.delivery.claims import Outcome
from adapter.delivery.outbox import DEAD, DELIVERED, PENDING
from adapter.delivery.policy import Final, RetryPolicy
from adapter.delivery.transport import (
    DELIVERED_ACK_CODES,
    DeliveryReceipt,
    OutboundMessage,
    Transport,
)
from adapter.errors import (
    AdapterError,
    ConfigurationError,
    PermanentRemoteError,
    TransientRemoteError,
)

log = logging.getLogger(__name__)

CallResult = DeliveryReceipt | AdapterError


def call_transport(transport: Transport, message: OutboundMessage) -> CallResult:
    """Deliver and return the receipt or the error; an unexpected exception becomes transient.

    A transport bug (anything that is not an AdapterError) is logged with its traceback and
    recorded as DELIVERY_UNEXPECTED; the retry policy bounds how often it is tried again, so a
    broken transport ends in visible dead letters rather than a dead worker.
    """
    try:
        receipt = transport.deliver(message)
    except AdapterError as error:
        return error
    except Exception as exc:  # noqa: BLE001 - recorded on the message, see docstring
        log.exception("transport for %s failed unexpectedly", message.destination)
        return TransientRemoteError(f"Неочікувана помилка транспорту: {exc!r}",
                                    code="DELIVERY_UNEXPECTED")
    if receipt.ack_code not in DELIVERED_ACK_CODES:
        return PermanentRemoteError(
            f"Неочікуваний код квитанції {receipt.ack_code!r}: {receipt.detail}",
            code="DELIVERY_BAD_ACK")
    return receipt


def peer_failed(result: CallResult) -> bool:
    """Whether the result says the peer is unwell (counts against the circuit breaker)."""
    return isinstance(result, AdapterError) and result.retryable


def unconfigured(error: ConfigurationError, until: datetime) -> Outcome:
    """No transport for the destination (or it is misconfigured): wait, visibly, uncounted."""
    return Outcome("not_sent", PENDING, next_attempt_at=until, error_code=error.code,
                   error_message=error.message, undo_attempt=True)


def outcome_of(result: CallResult, *, policy: RetryPolicy, attempts: int,
               window_started_at: datetime, now: datetime,
               unconfigured_until: datetime) -> Outcome:
    """What to record after a call: delivered, retry later, or dead."""
    if isinstance(result, DeliveryReceipt):
        label = "duplicate" if result.ack_code == "A51" else "delivered"
        return Outcome(label, DELIVERED, receipt=result)
    if isinstance(result, ConfigurationError):
        return unconfigured(result, unconfigured_until)
    decision = policy.decide(attempts, result, window_started_at, now)
    label = "failed" if result.retryable else "rejected"
    if isinstance(decision, Final):
        return Outcome(label, DEAD, error_code=decision.code, error_message=decision.reason)
    return Outcome(label, PENDING, next_attempt_at=decision.at, error_code=result.code,
                   error_message=result.message)
