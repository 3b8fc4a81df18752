"""The database-backed WS-Security replay cache: shared by every web instance."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from adapter.persistence.uow import UnitOfWork


class DatabaseReplayCache:
    """Implements ``adapter.soap.wsse.ReplayCache`` on the ``wsse_replay_cache`` table.

    The key is committed at once, in its own transaction: a byte-identical resend of a signed
    message is a replay whatever became of the first one, and a sender that retries re-signs
    (a new Timestamp), after which document idempotency answers ``A51``.
    """

    def __init__(self, uow: Callable[[], UnitOfWork], clock: Callable[[], datetime]) -> None:
        self._uow = uow
        self._clock = clock

    def remember(self, key: str, expires_at: datetime) -> bool:
        """Record ``key`` until ``expires_at``; False when it was seen before."""
        with self._uow() as uow:
            return uow.replays.remember(key, expires_at, self._clock())
