"""A tiny real HTTP peer with an idempotent ledger and injectable faults, and its test transport.

The peer applies each idempotency key once (answers A51 after that). Faults, per key, in order:
``500`` (HTTP 500 before anything happens), ``reset`` (TCP reset before anything happens),
``reject`` (A02 as HTTP 422), ``slow`` (commits, then answers after the client gave up) and
``hang`` (commits, then waits for ``release``: the caller is killed meanwhile).
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from typing import Any

import requests
from werkzeug.wrappers import Request, Response

from adapter.delivery import DeliveryReceipt, OutboundMessage
from adapter.errors import PermanentRemoteError, TransientRemoteError
from tests.integration.delivery.fakes import Ledger

CLIENT_TIMEOUT = 0.5


class Peer:
    """The WSGI app."""

    def __init__(self, *, latency: float = 0.0) -> None:
        self.ledger = Ledger()
        self.faults: dict[str, list[str]] = {}
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.latency = latency
        self._lock = threading.Lock()

    def _fault(self, key: str) -> str | None:
        with self._lock:
            queue = self.faults.get(key, [])
            return queue.pop(0) if queue else None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        key = request.headers.get("Idempotency-Key", "")
        fault = self._fault(key)
        if fault == "reset":
            _reset(environ["werkzeug.socket"])
            return Response("", 200)(environ, start_response)
        if fault == "500":
            return Response("boom", 500)(environ, start_response)
        if fault == "reject":
            body = json.dumps({"ack": "A02", "reason": "Невідома точка обліку"})
            return Response(body, 422, mimetype="application/json")(environ, start_response)
        time.sleep(self.latency)
        ack = self.ledger.receive(key)  # the peer's commit
        if fault == "slow":
            time.sleep(CLIENT_TIMEOUT * 3)
        elif fault == "hang":
            self.arrived.set()
            self.release.wait(30)
        body = json.dumps({"ack": ack})
        return Response(body, 200, mimetype="application/json")(environ, start_response)


def _reset(sock: socket.socket) -> None:
    # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.shutdown(socket.SHUT_RDWR)


class HttpTransport:
    """A requests-based transport for the peer (what the SOAP transports do, minus SOAP)."""

    def __init__(self, base_url: str, *, timeout: float = CLIENT_TIMEOUT) -> None:
        self._url = f"{base_url}/deliver"
        self._timeout = timeout
        self._session = requests.Session()

    def close(self) -> None:
        self._session.close()

    def deliver(self, message: OutboundMessage) -> DeliveryReceipt:
        try:
            response = self._session.post(
                self._url, data=message.payload, timeout=(1.0, self._timeout),
                headers={"Idempotency-Key": message.idempotency_key})
        except requests.Timeout as exc:
            raise TransientRemoteError(f"Тайм-аут: {exc}", code="REMOTE_TIMEOUT") from exc
        except requests.ConnectionError as exc:
            raise TransientRemoteError(f"З'єднання: {exc}", code="REMOTE_CONNECTION") from exc
        if response.status_code >= 500:
            raise TransientRemoteError(f"HTTP {response.status_code}", code="REMOTE_HTTP_5XX")
        if response.status_code == 422:
            raise PermanentRemoteError(response.json()["reason"], code="A02")
        if response.status_code != 200:
            raise PermanentRemoteError(f"HTTP {response.status_code}", code="REMOTE_HTTP_4XX")
        return DeliveryReceipt(response.json()["ack"], response.content)
