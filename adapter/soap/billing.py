"""The DSO billing system's SOAP service: the consumer registry, readings and payments.

Same conventions as :mod:`adapter.soap.supplier`: the zeep service proxy is injected, every
acknowledgement and every registry page is verified against billing's pinned certificate, and the
idempotency key travels as ``wsa:MessageID`` (``urn:roe:idempotency:<key>``).
"""

from __future__ import annotations

from dataclasses import dataclass

from adapter.domain.documents import ConsumerRegistry
from adapter.errors import AdapterError, PermanentRemoteError, SignatureError
from adapter.mappers import read_document
from adapter.signing import verify
from adapter.soap.client_factory import Ack, PeerClient, bad_signature, call_remote

SYSTEM = "billing"


@dataclass(frozen=True)
class RegistryPage:
    """One verified page of the consumer registry, its signed bytes and the next cursor."""

    registry: ConsumerRegistry
    raw: bytes
    next_cursor: str
    has_more: bool


class BillingClient(PeerClient):
    """Intention-revealing calls of billing's service."""

    system = SYSTEM

    def get_registry(self, cursor: str | None = None) -> RegistryPage:
        """The registry page after ``cursor`` (None: the first), verified and read."""
        result = call_remote(SYSTEM, "GetRegistry",
                             lambda: self._service.GetRegistry(cursor=cursor))
        raw = bytes(result.registry)
        return RegistryPage(self._read_registry(raw), raw, result.nextCursor or "",
                            bool(result.hasMore))

    def submit_meter_readings(self, signed: bytes, *, idempotency_key: str) -> Ack:
        """Send a signed MeterReadingsDocument; A01/A51 returned, A02 and failures raised."""
        return self._submit("SubmitMeterReadings", signed, idempotency_key)

    def submit_payment_notice(self, signed: bytes, *, idempotency_key: str) -> Ack:
        """Send a signed PaymentNotice."""
        return self._submit("SubmitPaymentNotice", signed, idempotency_key)

    def _read_registry(self, raw: bytes) -> ConsumerRegistry:
        where = f"{SYSTEM}.GetRegistry"
        try:
            verified = verify(raw, policy=self._acks.policy, party=self._acks.party)
        except SignatureError as exc:
            raise bad_signature(where, exc) from exc
        try:
            registry = read_document(verified.signed_root)
        except AdapterError as exc:
            raise PermanentRemoteError(f"{where}: реєстр не прочитано: {exc.message}",
                                       code="REMOTE_BAD_DOCUMENT", cause_code=exc.code) from exc
        if not isinstance(registry, ConsumerRegistry):
            raise PermanentRemoteError(f"{where}: замість реєстру отримано {registry.KIND}.",
                                       code="REMOTE_BAD_DOCUMENT")
        return registry
