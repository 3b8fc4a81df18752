"""Pushing produced documents to our intake endpoint (``SubmitDocument`` of intake.wsdl).

The push happens after the ledger commit and never decides the answer to the caller: a failed push
is recorded beside the issued document (``push_result``) and the document stays available by
cursor (``FetchDocuments``), as a real ERP's outbox would keep it.
"""

from __future__ import annotations

import threading

import requests
import zeep
from zeep.exceptions import Error as ZeepError
from zeep.proxy import ServiceProxy
from zeep.transports import Transport

from adapter.errors import AdapterError
from adapter.sandbox.faults import FaultInjector
from adapter.sandbox.ledger import Ledger
from adapter.xml_schemas import wsdl_path

_INTAKE_BINDING = "{urn:roe:exchange:intake:1}IntakeBinding"


class IntakePusher:
    """Submits issued documents to ``intake_url``; pushes are serialised (one zeep session)."""

    def __init__(self, intake_url: str, ledger: Ledger, faults: FaultInjector,
                 *, timeout: float = 10.0) -> None:
        self.intake_url = intake_url
        self._ledger = ledger
        self._faults = faults
        self._timeout = timeout
        self._lock = threading.Lock()
        self._service: ServiceProxy | None = None

    def _client(self) -> ServiceProxy:
        if self._service is None:
            settings = zeep.Settings(forbid_dtd=True, forbid_entities=True, strict=True)
            transport = Transport(timeout=self._timeout, operation_timeout=self._timeout)
            client = zeep.Client(str(wsdl_path("intake")), settings=settings,
                                 transport=transport)
            self._service = client.create_service(_INTAKE_BINDING, self.intake_url)
        return self._service

    def push(self, seqs: list[int]) -> None:
        """Push the issued documents ``seqs`` (twice each when a duplicate push is injected)."""
        if not seqs:
            return
        documents = self._ledger.issued_by_seq(seqs)
        with self._lock:
            for document in documents:
                for _ in range(self._faults.push_count()):
                    self._ledger.record_push(document.seq, self._submit(document.xml))

    def _submit(self, xml: bytes) -> str:
        try:
            result = self._client().SubmitDocument(document=xml)
        except (requests.RequestException, ZeepError, AdapterError) as exc:
            return f"ERROR {type(exc).__name__}"
        return " ".join(part for part in (result.reasonCode, result.errorCode) if part)
