"""The delivery engine: transactional outbox, workers, retry policy, circuit breaker."""

from __future__ import annotations

from adapter.delivery.outbox import STATUSES, enqueue
from adapter.delivery.transport import (
    DeliveryReceipt,
    OutboundMessage,
    Transport,
    TransportFactory,
    idempotency_key,
)

__all__ = [
    "STATUSES",
    "DeliveryReceipt",
    "OutboundMessage",
    "Transport",
    "TransportFactory",
    "enqueue",
    "idempotency_key",
]
