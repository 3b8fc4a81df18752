"""The supplier ERP's SOAP service (e.g. ROEK): readings and countersignatures in, documents out.

The zeep service proxy is injected (built by :func:`adapter.soap.client_factory.build_service`);
every answer is the supplier's signed acknowledgement, verified against its pinned certificate
before anyone believes it. The idempotency key travels as ``wsa:MessageID``
(``urn:roe:idempotency:<key>``); the document's own identity (sender EIC, mRID, revision) is what
the supplier deduplicates on.
"""

from __future__ import annotations

from adapter.soap.client_factory import Ack, PeerClient

SYSTEM = "supplier"


class SupplierClient(PeerClient):
    """Intention-revealing calls of the supplier's service."""

    system = SYSTEM

    def submit_meter_readings(self, signed: bytes, *, idempotency_key: str) -> Ack:
        """Send a signed MeterReadingsDocument; A01/A51 returned, A02 and failures raised."""
        return self._submit("SubmitMeterReadings", signed, idempotency_key)

    def submit_act_countersignature(self, signed: bytes, *, idempotency_key: str) -> Ack:
        """Send a signed ActCountersignature of an act the supplier issued."""
        return self._submit("SubmitActCountersignature", signed, idempotency_key)
