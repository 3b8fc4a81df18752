"""The delivery engine's :class:`~adapter.delivery.transport.Transport` for supplier and billing.

Each transport dispatches an outbound message by its document kind to one client method and turns
the verified acknowledgement into a :class:`DeliveryReceipt`. Failures are already remote errors
with stable codes (see :func:`adapter.soap.client_factory.call_remote`); an ``A02`` rejection is a
:class:`PermanentRemoteError` carrying the peer's ``errorCode``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from adapter.delivery.transport import DeliveryReceipt, OutboundMessage
from adapter.domain.documents import DocumentKind
from adapter.errors import PermanentRemoteError
from adapter.soap.billing import BillingClient
from adapter.soap.client_factory import Ack
from adapter.soap.supplier import SupplierClient

Submit = Callable[..., Ack]


def _receipt(ack: Ack) -> DeliveryReceipt:
    return DeliveryReceipt(ack_code=ack.code, acknowledgement=ack.raw,
                           detail=ack.document.reason_text)


def _deliver(
    routes: Mapping[str, Submit], system: str, message: OutboundMessage
) -> DeliveryReceipt:
    submit = routes.get(message.kind)
    if submit is None:
        raise PermanentRemoteError(
            f"{system} не приймає документи виду {message.kind}.",
            code="DELIVERY_KIND_UNSUPPORTED",
        )
    return _receipt(submit(message.payload, idempotency_key=message.idempotency_key))


class SupplierTransport:
    """Delivers MeterReadingsDocument and ActCountersignature to a supplier's ERP."""

    def __init__(self, client: SupplierClient) -> None:
        self._routes: dict[str, Submit] = {
            DocumentKind.METER_READINGS.value: client.submit_meter_readings,
            DocumentKind.ACT_COUNTERSIGNATURE.value: client.submit_act_countersignature,
        }

    def deliver(self, message: OutboundMessage) -> DeliveryReceipt:
        """Send ``message``; raises TransientRemoteError (retry) or PermanentRemoteError."""
        return _deliver(self._routes, "Постачальник", message)


class BillingTransport:
    """Delivers MeterReadingsDocument and PaymentNotice to billing."""

    def __init__(self, client: BillingClient) -> None:
        self._routes: dict[str, Submit] = {
            DocumentKind.METER_READINGS.value: client.submit_meter_readings,
            DocumentKind.PAYMENT_NOTICE.value: client.submit_payment_notice,
        }

    def deliver(self, message: OutboundMessage) -> DeliveryReceipt:
        """Send ``message``; raises TransientRemoteError (retry) or PermanentRemoteError."""
        return _deliver(self._routes, "Білінг", message)
