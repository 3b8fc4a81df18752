"""Seedable fault decisions for the sandbox peers (shared by the server's threads)."""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from adapter.sandbox.config import FaultConfig


class FaultInjector:
    """Decides, per request, which fault to inject; thread-safe and reproducible with a seed."""

    def __init__(self, config: FaultConfig, *, sleep: Callable[[float], None] = time.sleep):
        self.config = config
        self._rng = random.Random(config.seed)
        self._lock = threading.Lock()
        self._sleep = sleep

    def _draw(self, rate: float) -> bool:
        if rate <= 0.0:
            return False  # draw nothing: a disabled fault must not shift the seeded sequence
        with self._lock:
            return self._rng.random() < rate

    def delay(self) -> None:
        """Sleep the configured latency."""
        if self.config.latency > 0:
            self._sleep(self.config.latency)

    def should_error(self) -> bool:
        """Answer a soap:Server fault instead of handling the request."""
        return self._draw(self.config.error_rate)

    def should_reset(self) -> bool:
        """Drop the connection instead of handling the request."""
        return self._draw(self.config.reset_rate)

    def should_hang_after_commit(self) -> bool:
        """Commit, then hang past the client's timeout."""
        return self._draw(self.config.timeout_after_commit_rate)

    def push_count(self) -> int:
        """How many times to push one produced document (2 with the duplicate-push rate)."""
        return 2 if self._draw(self.config.duplicate_push_rate) else 1

    def hang(self) -> None:
        """Sleep long enough for the client to give up."""
        self._sleep(self.config.hang_seconds)


def drop_connection(environ: Mapping[str, Any]) -> bool:
    """Close the client's connection without an answer; False if the server gives no socket.

    werkzeug's server (the one ``adapter sandbox`` runs) puts the socket in the WSGI environ.
    ``SO_LINGER`` 0 makes the kernel abort rather than drain it, and the shutdown tells the
    client at once, so it sees a reset or a connection closed without a response.
    """
    sock = environ.get("werkzeug.socket")
    if not isinstance(sock, socket.socket):
        return False
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already gone: that is the point
    return True
