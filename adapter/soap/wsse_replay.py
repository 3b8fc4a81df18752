"""Replay caches: remember the signatures we have accepted until they could no longer be fresh."""

from __future__ import annotations

import heapq
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from adapter.errors import ReplayError


class ReplayCache(Protocol):
    """Where accepted message keys are remembered (memory here, a database table in production)."""

    def remember(self, key: str, expires_at: datetime) -> bool:
        """Store ``key`` until ``expires_at``; return False when it is already stored (a replay).

        Must be atomic: of two concurrent calls with one key, exactly one returns True.
        """
        ...


def _utcnow() -> datetime:
    return datetime.now(UTC)


class MemoryReplayCache:
    """A thread-safe in-process :class:`ReplayCache` that forgets keys once they expire.

    Good for one process (tests, the embedded mode, a client checking its responses). Several web
    instances need a shared cache, or a replay could land on the instance that has not seen it.
    """

    def __init__(self, *, clock: Callable[[], datetime] = _utcnow, max_entries: int = 1_000_000):
        self._clock = clock
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._expiry: dict[str, datetime] = {}
        # A heap of (expires_at, key) lets purging cost O(expired) rather than O(all).
        self._heap: list[tuple[datetime, str]] = []

    def remember(self, key: str, expires_at: datetime) -> bool:
        """See :meth:`ReplayCache.remember`."""
        with self._lock:
            self._purge(self._clock())
            if key in self._expiry:
                return False
            if len(self._expiry) >= self._max_entries:
                # Refusing is safer than forgetting: a forgotten key could be replayed.
                raise ReplayError(
                    "Кеш повторів переповнений; повідомлення не прийнято.",
                    code="WSSE_REPLAY_CACHE_FULL",
                )
            self._expiry[key] = expires_at
            heapq.heappush(self._heap, (expires_at, key))
            return True

    def __len__(self) -> int:
        with self._lock:
            self._purge(self._clock())
            return len(self._expiry)

    def _purge(self, now: datetime) -> None:
        # A key is kept while expires_at >= now, so a replay at the very last instant is caught.
        while self._heap and self._heap[0][0] < now:
            expires_at, key = heapq.heappop(self._heap)
            if self._expiry.get(key) == expires_at:
                del self._expiry[key]
