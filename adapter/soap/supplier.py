"""The supplier ERP's SOAP service (e.g. ROEK): readings and countersignatures in, documents out.

The zeep service proxy is injected (built by :func:`adapter.soap.client_factory.build_service`);
every answer is the supplier's signed acknowledgement, verified against its pinned certificate
before anyone believes it. The idempotency key travels as ``wsa:MessageID``
(``urn:roe:idempotency:<key>``); the document's own identity (sender EIC, mRID, revision) is what
the supplier deduplicates on.
"""

from __future__ import annotations

from zeep.proxy import ServiceProxy

from adapter.soap.client_factory import (
    Ack,
    AckReader,
    FetchedPage,
    call_remote,
    fetched_page,
    idempotency_header,
)

SYSTEM = "supplier"


class SupplierClient:
    """Intention-revealing calls of the supplier's service."""

    def __init__(self, service: ServiceProxy, acks: AckReader) -> None:
        self._service = service
        self._acks = acks

    def submit_meter_readings(self, signed: bytes, *, idempotency_key: str) -> Ack:
        """Send a signed MeterReadingsDocument; A01/A51 returned, A02 and failures raised."""
        return self._submit("SubmitMeterReadings", signed, idempotency_key)

    def submit_act_countersignature(self, signed: bytes, *, idempotency_key: str) -> Ack:
        """Send a signed ActCountersignature of an act the supplier issued."""
        return self._submit("SubmitActCountersignature", signed, idempotency_key)

    def fetch_documents(self, cursor: str | None, limit: int = 100) -> FetchedPage:
        """Up to ``limit`` signed documents issued after ``cursor`` (None: from the start).

        The documents are returned as received; they go through the intake pipeline
        (``submit_document``), which verifies them like any pushed document.
        """
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
