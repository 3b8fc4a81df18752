"""What the delivery worker hands to a transport, and what it expects back.

A transport delivers one message to one destination ("supplier:62X0000000000020", "billing"). It
returns a :class:`DeliveryReceipt` when the peer took the message (``A01``) or already had it
(``A51``), raises :class:`~adapter.errors.TransientRemoteError` when trying again later may help
(timeouts, connection errors, HTTP 5xx, SOAP Server faults) and
:class:`~adapter.errors.PermanentRemoteError` when it will not (an ``A02`` rejection with its
reason, SOAP Client faults, schema errors).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

#: Acknowledgement codes that mean "the peer has the message".
DELIVERED_ACK_CODES = frozenset({"A01", "A51"})


@dataclass(frozen=True)
class OutboundMessage:
    """One message as a transport sees it; ``idempotency_key`` is what the peer deduplicates on."""

    id: int
    destination: str
    kind: str
    sender_eic: str
    mrid: str
    revision: int
    payload: bytes
    attempts: int
    idempotency_key: str
    correlation_id: str | None = None


@dataclass(frozen=True)
class DeliveryReceipt:
    """The peer's answer to a successful delivery: ``A01`` accepted or ``A51`` already received."""

    ack_code: str
    acknowledgement: bytes | None = None
    detail: str = ""


class Transport(Protocol):
    """Delivers one message to one destination."""

    def deliver(self, message: OutboundMessage) -> DeliveryReceipt:
        """Send ``message``; raise TransientRemoteError (retry) or PermanentRemoteError (final)."""
        ...


#: How the worker finds the transport of a destination; raises ConfigurationError for unknown ones.
TransportFactory = Callable[[str], Transport]


def idempotency_key(sender_eic: str, mrid: str, revision: int) -> str:
    """The key a peer deduplicates on: the document's identity, never the outbox row id."""
    return f"{sender_eic}:{mrid}:{revision}"
