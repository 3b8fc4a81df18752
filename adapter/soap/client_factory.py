"""zeep clients of the counterparties' SOAP services (from our own WSDL) and the call wrapper.

* :func:`build_service` - a zeep service proxy for ``"supplier"`` or ``"billing"``: the WSDL is the
  packaged file (no network at load), DTDs and entities are forbidden, the operation timeout is
  always set, the endpoint address comes from configuration, WS-Security is optional.
* :func:`call_remote` - runs one operation and turns every failure into
  :class:`TransientRemoteError` (worth retrying) or :class:`PermanentRemoteError` (final) with a
  stable code, so the delivery engine never inspects zeep or requests exceptions itself.
* :func:`idempotency_header` - the ``wsa:MessageID`` header carrying the idempotency key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
import tenacity
import zeep
from lxml import etree
from urllib3.exceptions import NewConnectionError
from zeep.exceptions import Error as ZeepError
from zeep.exceptions import Fault, TransportError
from zeep.proxy import ServiceProxy
from zeep.transports import Transport

from adapter.domain.documents import AcknowledgementDocument, AckReason
from adapter.errors import (
    AdapterError,
    ConfigurationError,
    PermanentRemoteError,
    SignatureError,
    TransientRemoteError,
)
from adapter.mappers import read_document, read_header
from adapter.observability.correlation import current_correlation_id
from adapter.safexml import parse_xml
from adapter.signing import VerificationPolicy, verify
from adapter.soap.envelope import ERROR_NS
from adapter.soap.wsse import WsseSigner
from adapter.xml_schemas import wsdl_path

#: WS-Addressing 1.0: the idempotency key travels as ``wsa:MessageID``.
WSA_NS = "http://www.w3.org/2005/08/addressing"
#: The prefix that turns an idempotency key into a MessageID URI; peers strip it.
IDEMPOTENCY_URN = "urn:roe:idempotency:"
#: ``wsa:RelatesTo/@RelationshipType`` of the header carrying our correlation id.
CORRELATION_RELATIONSHIP = "urn:roe:correlation"

_BINDINGS = {
    "supplier": "{urn:roe:exchange:supplier:1}SupplierBinding",
    "billing": "{urn:roe:exchange:billing:1}BillingBinding",
}
# HTTP statuses that mean "try again later" even though they are not 5xx.
_RETRYABLE_4XX = frozenset({408, 425, 429})

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SoapClientConfig:
    """How to reach one counterparty's SOAP service.

    ``timeout`` bounds every operation (connect and read, seconds); zeep's own default is none.
    ``wsse`` signs requests and verifies responses (pinned peer certificate) when given.
    """

    endpoint: str
    timeout: float = 30.0
    wsse: WsseSigner | None = None


def build_service(
    system: str, config: SoapClientConfig, *, session: requests.Session | None = None
) -> ServiceProxy:
    """A zeep service proxy of ``system`` (``"supplier"``/``"billing"``) at ``config.endpoint``."""
    binding = _BINDINGS.get(system)
    if binding is None:
        raise ConfigurationError(
            f"Невідома система {system!r}; відомі: {', '.join(_BINDINGS)}.",
            code="CONFIG_UNKNOWN_SYSTEM",
        )
    if not config.endpoint.startswith(("http://", "https://")):
        raise ConfigurationError(
            f"Адреса сервісу {system} має бути URL http(s), отримано {config.endpoint!r}.",
            code="CONFIG_BAD_ENDPOINT",
        )
    if config.timeout <= 0:
        raise ConfigurationError("Тайм-аут SOAP має бути додатним.", code="CONFIG_BAD_TIMEOUT")
    # zeep 4.3: ``timeout`` is for loading documents, ``operation_timeout`` for the calls.
    transport = Transport(
        timeout=config.timeout, operation_timeout=config.timeout, session=session
    )
    settings = zeep.Settings(forbid_dtd=True, forbid_entities=True, strict=True)
    client = zeep.Client(
        str(wsdl_path(system)), settings=settings, transport=transport, wsse=config.wsse
    )
    return client.create_service(binding, config.endpoint)


def idempotency_header(key: str) -> etree._Element:
    """``<wsa:MessageID>urn:roe:idempotency:KEY</wsa:MessageID>`` for zeep's ``_soapheaders``."""
    element = etree.Element(f"{{{WSA_NS}}}MessageID", nsmap={"wsa": WSA_NS})
    element.text = IDEMPOTENCY_URN + key
    return element


def correlation_header(correlation_id: str) -> etree._Element:
    """``<wsa:RelatesTo RelationshipType="urn:roe:correlation">ID</wsa:RelatesTo>``.

    Carries our correlation id (the cabinet request's ``X-Request-ID``) so the peer's logs can
    be matched with ours; peers that do not know it ignore it (no ``mustUnderstand``).
    """
    element = etree.Element(f"{{{WSA_NS}}}RelatesTo", nsmap={"wsa": WSA_NS})
    element.set("RelationshipType", CORRELATION_RELATIONSHIP)
    element.text = correlation_id
    return element


def request_headers(key: str) -> list[etree._Element]:
    """The SOAP headers of a submission: the idempotency key, and the correlation id if bound."""
    correlation_id = current_correlation_id()
    headers = [idempotency_header(key)]
    if correlation_id:
        headers.append(correlation_header(correlation_id))
    return headers


def call_remote(system: str, operation: str, call: Callable[[], T]) -> T:
    """Run ``call`` (one zeep operation) and map its failures to remote errors with stable codes.

    Transient (retry): timeouts ``REMOTE_TIMEOUT``, refused/reset connections
    ``REMOTE_CONNECTION``, HTTP 5xx ``REMOTE_HTTP_5XX``, ``soap:Server`` faults
    ``REMOTE_SERVER_FAULT``, unreadable answers ``REMOTE_BAD_RESPONSE``. Permanent:
    ``soap:Client`` faults ``REMOTE_CLIENT_FAULT`` (with the peer's own code in ``fault_code``),
    other HTTP 4xx ``REMOTE_HTTP_4XX``, a response whose WS-Security signature fails
    ``REMOTE_BAD_SIGNATURE``.
    """
    where = f"{system}.{operation}"
    try:
        return _retry_unsent(call)
    except requests.Timeout as exc:  # before ConnectionError: ConnectTimeout is both
        raise TransientRemoteError(
            f"{where}: сервіс не відповів вчасно.", code="REMOTE_TIMEOUT"
        ) from exc
    except requests.RequestException as exc:  # refused, reset, broken chunked body
        raise TransientRemoteError(
            f"{where}: з'єднання не вдалося або обірвалося: {type(exc).__name__}.",
            code="REMOTE_CONNECTION",
        ) from exc
    except Fault as exc:
        raise fault_error(where, exc) from exc
    except TransportError as exc:
        raise _http_error(where, exc) from exc
    except SignatureError as exc:  # the WS-Security plugin refused the response
        raise bad_signature(where, exc) from exc
    except ZeepError as exc:  # unparsable, off-contract, or a DTD/entities we refuse
        raise TransientRemoteError(
            f"{where}: відповідь не відповідає контракту: {exc}", code="REMOTE_BAD_RESPONSE"
        ) from exc


def _never_sent(exc: BaseException) -> bool:
    # The TCP connection was never established (refused, no route): the request did not leave,
    # so trying again within the same call is safe and spares a durable retry's backoff.
    if not isinstance(exc, requests.ConnectionError) or isinstance(exc, requests.Timeout):
        return False
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


def _retry_unsent(call: Callable[[], T]) -> T:
    """tenacity's short in-call retry, only for requests that never reached the peer."""
    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(_never_sent),
        stop=tenacity.stop_after_attempt(3),
        wait=tenacity.wait_exponential(multiplier=0.05, max=0.5),
        reraise=True,
    )
    return retrying(call)


def fault_error(where: str, fault: Fault) -> AdapterError:
    """A SOAP fault as a remote error: ``soap:Client`` is final, everything else is retried."""
    peer_code = _detail_code(fault.detail)
    text = f"{where}: {fault.message}"
    if (fault.code or "").rpartition(":")[2] == "Client":
        return PermanentRemoteError(text, code="REMOTE_CLIENT_FAULT", fault_code=peer_code)
    return TransientRemoteError(text, code="REMOTE_SERVER_FAULT", fault_code=peer_code)


def bad_signature(where: str, exc: AdapterError) -> PermanentRemoteError:
    """A response we cannot authenticate: final until an operator checks the peer's certificate.

    Retrying would only repeat it (the peer would answer A51 with the same signature), and the
    peer may already have acted on the message, so the message waits for a person instead.
    """
    return PermanentRemoteError(
        f"{where}: підпис відповіді не пройшов перевірку ({exc.code}): {exc.message}",
        code="REMOTE_BAD_SIGNATURE",
        signature_code=exc.code,
    )


def _http_error(where: str, exc: TransportError) -> AdapterError:
    status = exc.status_code or 0
    text = f"{where}: HTTP {status}."
    if status >= 500:
        return TransientRemoteError(text, code="REMOTE_HTTP_5XX", status=status)
    if status in _RETRYABLE_4XX:
        return TransientRemoteError(text, code="REMOTE_HTTP_RETRY", status=status)
    if 400 <= status < 500:
        return PermanentRemoteError(text, code="REMOTE_HTTP_4XX", status=status)
    return TransientRemoteError(
        f"{where}: відповідь не є SOAP (HTTP {status}).", code="REMOTE_BAD_RESPONSE",
        status=status,
    )


def _detail_code(detail: Any) -> str | None:
    if not isinstance(detail, etree._Element):
        return None
    found = detail.find(f".//{{{ERROR_NS}}}code")
    return (found.text or "").strip() or None if found is not None else None


# ----- the answers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ack:
    """A verified acknowledgement of a submitted document: ``A01`` accepted or ``A51`` repeat."""

    reason: AckReason
    document: AcknowledgementDocument
    raw: bytes

    @property
    def code(self) -> str:
        """``"A01"`` or ``"A51"`` (an ``A02`` is raised, never returned)."""
        return self.reason.value


@dataclass(frozen=True)
class FetchedPage:
    """One page of documents fetched by cursor (signed bytes, verified later by intake)."""

    documents: list[bytes]
    next_cursor: str
    has_more: bool


@dataclass(frozen=True)
class AckReader:
    """Verifies a peer's signed acknowledgement against its pinned certificate and reads it.

    ``party`` names the peer in ``policy`` (e.g. ``"supplier"``): an acknowledgement signed by
    anyone else, even another trusted party, is refused.
    """

    policy: VerificationPolicy
    party: str

    def read(self, where: str, raw: bytes | None, submitted: bytes) -> Ack:
        """The acknowledgement of ``submitted``; raises for A02 and for anything unverifiable."""
        if not raw:
            raise TransientRemoteError(f"{where}: відповідь без квитанції.",
                                       code="REMOTE_BAD_RESPONSE")
        try:
            verified = verify(raw, policy=self.policy, party=self.party)
        except SignatureError as exc:
            raise bad_signature(where, exc) from exc
        try:
            document = read_document(verified.signed_root)
        except AdapterError as exc:
            raise PermanentRemoteError(
                f"{where}: квитанцію не прочитано: {exc.message}", code="REMOTE_BAD_ACK"
            ) from exc
        if not isinstance(document, AcknowledgementDocument):
            raise PermanentRemoteError(f"{where}: замість квитанції отримано {document.KIND}.",
                                       code="REMOTE_BAD_ACK")
        _check_names(where, document, submitted)
        if document.reason == AckReason.REJECTED:
            raise PermanentRemoteError(
                document.reason_text,
                code=document.error_code or "REMOTE_REJECTED",
                acknowledgement=raw,
            )
        return Ack(document.reason, document, raw)


def _check_names(where: str, ack: AcknowledgementDocument, submitted: bytes) -> None:
    # Our own signed bytes: trusted, but parsed the one safe way all the same.
    header = read_header(parse_xml(submitted))
    if (ack.received_mrid, ack.received_revision) != (header.mrid, header.revision):
        raise PermanentRemoteError(
            f"{where}: квитанція стосується документа {ack.received_mrid} "
            f"ревізії {ack.received_revision}, а надіслано {header.mrid} ревізії "
            f"{header.revision}.",
            code="REMOTE_ACK_MISMATCH",
        )


def fetched_page(result: Any) -> FetchedPage:
    """A zeep ``FetchDocumentsResponse`` as a :class:`FetchedPage`."""
    return FetchedPage(
        documents=[bytes(item) for item in (result.document or [])],
        next_cursor=result.nextCursor or "",
        has_more=bool(result.hasMore),
    )


class PeerClient:
    """What every counterparty client shares: submitting a signed document, fetching by cursor.

    Subclasses set ``system`` and add their intention-revealing operations.
    """

    system: str = ""

    def __init__(self, service: Any, acks: AckReader) -> None:
        self._service = service
        self._acks = acks

    def fetch_documents(self, cursor: str | None, limit: int = 100) -> FetchedPage:
        """Up to ``limit`` signed documents issued after ``cursor`` (None: from the start).

        The documents are returned as received; they go through the intake pipeline
        (``submit_document``), which verifies them like any pushed document.
        """
        result = call_remote(
            self.system, "FetchDocuments",
            lambda: self._service.FetchDocuments(cursor=cursor, limit=limit),
        )
        return fetched_page(result)

    def _submit(self, operation: str, signed: bytes, key: str) -> Ack:
        method = getattr(self._service, operation)
        result = call_remote(
            self.system, operation,
            lambda: method(document=signed, _soapheaders=request_headers(key)),
        )
        ack = self._acks.read(f"{self.system}.{operation}", result.acknowledgement, signed)
        log.info("%s.%s: acknowledgement %s received", self.system, operation, ack.code,
                 extra={"ack_code": ack.code, "idempotency_key": key})
        return ack
