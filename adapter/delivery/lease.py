"""Keeps a lease alive from a background thread while a delivery call is in flight."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from types import TracebackType
from typing import Self

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from adapter.delivery.claims import renew_lease

log = logging.getLogger(__name__)


class LeaseKeeper:
    """``with LeaseKeeper(...) as keeper: deliver()``; renews every ``interval`` seconds.

    ``keeper.lost`` becomes True when a renewal finds the lease is no longer ours.
    """

    def __init__(self, session_factory: sessionmaker[Session], *, message_id: int,
                 worker_id: str, lease: timedelta, clock: Callable[[], datetime],
                 interval: float) -> None:
        self._session_factory = session_factory
        self._message_id = message_id
        self._worker_id = worker_id
        self._lease = lease
        self._clock = clock
        self._interval = interval
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{message_id}",
                                        daemon=True)
        self.lost = False
        self.renewals = 0

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(self._interval):
            try:
                owned = renew_lease(self._session_factory, self._message_id, self._worker_id,
                                    self._clock() + self._lease)
            except SQLAlchemyError:
                # A database hiccup must not end the heartbeat: the next beat may succeed, and
                # if the lease runs out meanwhile the outcome is simply discarded.
                log.warning("lease renewal of message %s failed", self._message_id,
                            exc_info=True)
                continue
            if not owned:
                self.lost = True
                return
            self.renewals += 1
