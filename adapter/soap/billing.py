"""The DSO billing system's SOAP service: the consumer registry, readings and payments.

Same conventions as :mod:`adapter.soap.supplier`: the zeep service proxy is injected, every
acknowledgement and every registry page is verified against billing's pinned certificate, and the
idempotency key travels as ``wsa:MessageID`` (``urn:roe:idempotency:<key>``).
"""

from __future__ import annotations

from dataclasses import dataclass

from zeep.proxy import ServiceProxy

from adapter.domain.documents import ConsumerRegistry
from adapter.errors import AdapterError, PermanentRemoteError, SignatureError
from adapter.mappers import read_document
from adapter.signing import verify
from adapter.soap.client_factory import (
    Ack,
    AckReader,
    FetchedPage,
    bad_signature,
    call_remote,
    fetched_page,
    idempotency_header,
)

SYSTEM = "billing"


@dataclass(frozen=True)
class RegistryPage:
    """One verified page of the consumer registry, its signed bytes and the next cursor."""

    registry: ConsumerRegistry
    raw: bytes
    next_cursor: str
    has_more: bool


class BillingClient:
    """Intention-revealing calls of billing's service."""

    def __init__(self, service: ServiceProxy, acks: AckReader) -> None:
        self._service = service
        self._acks = acks

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

    def fetch_documents(self, cursor: str | None, limit: int = 100) -> FetchedPage:
        """Up to ``limit`` signed distribution/reactive documents issued after ``cursor``."""
        result = call_remote(
            SYSTEM, "FetchDocuments",
            lambda: self._service.FetchDocuments(cursor=cursor, limit=limit),
        )
        return fetched_page(result)

    def _submit(self, operation: str, signed: bytes, key: str) -> Ack:
        method = getattr(self._service, operation)
        result = call_remote(
            SYSTEM, operation,
            lambda: method(document=signed, _soapheaders=[idempotency_header(key)]),
        )
        return self._acks.read(f"{SYSTEM}.{operation}", result.acknowledgement, signed)

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
