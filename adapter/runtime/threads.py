"""WSGI servers and loops on background threads, stoppable as a group."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

log = logging.getLogger(__name__)


def _not_ready(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting\n"]


class ServiceThreads:
    """Binds servers first (so every port is known before any app is built), then runs them."""

    def __init__(self) -> None:
        self._servers: list[BaseWSGIServer] = []
        self._threads: list[threading.Thread] = []
        self._stops: list[Callable[[], None]] = []

    def bind(self, host: str, port: int) -> BaseWSGIServer:
        """A threaded server on ``host:port`` (0: any free port), answering 503 until served."""
        server = make_server(host, port, _not_ready, threaded=True)
        self._servers.append(server)
        return server

    def serve(self, server: BaseWSGIServer, app: Any, name: str) -> None:
        """Start answering with ``app``."""
        server.app = app
        self._start(name, server.serve_forever)
        self._stops.append(server.shutdown)

    def loop(self, name: str, run: Callable[[], None], stop: Callable[[], None]) -> None:
        """Run ``run`` on a thread until ``stop`` is called."""
        self._start(name, run)
        self._stops.append(stop)

    def stop(self) -> None:
        """Stop loops and servers (newest first) and wait for their threads."""
        for stop in reversed(self._stops):
            try:
                stop()
            except Exception:  # noqa: BLE001 - shutting down: report and go on with the rest
                log.exception("error while stopping")
        for thread in self._threads:
            thread.join(timeout=15)
        for server in self._servers:
            server.server_close()

    def _start(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)
