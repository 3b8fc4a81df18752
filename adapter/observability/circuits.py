"""Each destination's circuit state as seen from the database (any instance answers the same).

The real breakers live in each worker's memory (:mod:`adapter.delivery.breaker`), so a web
instance cannot ask them. The approximation: look at the newest ``threshold`` finished attempts to
a destination that said something about the peer (``failed`` counts as a failure; ``delivered``,
``duplicate`` and ``rejected`` mean the peer answered; ``not_sent``, ``lost`` and ``discarded``
are ignored, as the breaker ignores them). If there are ``threshold`` of them and all failed, the
circuit is ``open`` while the newest failure is younger than ``cool_down``, and ``half_open``
after that; otherwise ``closed``.

It differs from a worker's breaker in two ways, both on the cautious side: it sees the attempts of
all workers together (one worker's breaker may still be closed), and a failed half-open trial
reopens a worker's breaker at once while this view needs ``threshold`` failures in a row - but
those are already there when a trial fails.

Cost: one query per destination, newest attempt first by primary key and limited to ``threshold``
rows, so the database walks ``outbox_attempts`` backwards from its newest row and stops early for
any destination that was tried recently; the distinct destinations come from the
``ix_outbox_ordering`` index (``destination`` is its leading column).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapter.delivery.breaker import CLOSED, HALF_OPEN, OPEN
from adapter.persistence.outbox_models import OutboxAttemptRecord, OutboxMessageRecord

STATES = (CLOSED, HALF_OPEN, OPEN)
_FAILURE = "failed"
_PEER_ANSWERED = ("delivered", "duplicate", "rejected")


@dataclass(frozen=True)
class CircuitView:
    """How one destination looks from the attempts recorded in the database."""

    destination: str
    state: str
    consecutive_failures: int
    last_failure_at: datetime | None = None


def known_destinations(session: Session, configured: Iterable[str] = ()) -> list[str]:
    """The configured destinations and every destination the outbox has seen, sorted."""
    seen = session.scalars(select(OutboxMessageRecord.destination).distinct())
    return sorted(set(configured) | set(seen))


def circuit_view(session: Session, destination: str, *, threshold: int,
                 cool_down: timedelta, now: datetime) -> CircuitView:
    """The derived circuit state of ``destination`` (see the module's docstring)."""
    rows = session.execute(
        select(OutboxAttemptRecord.outcome, OutboxAttemptRecord.finished_at)
        .join(OutboxMessageRecord, OutboxMessageRecord.id == OutboxAttemptRecord.message_id)
        .where(OutboxMessageRecord.destination == destination,
               OutboxAttemptRecord.finished_at.is_not(None),
               OutboxAttemptRecord.outcome.in_((_FAILURE, *_PEER_ANSWERED)))
        .order_by(OutboxAttemptRecord.id.desc())
        .limit(max(threshold, 1))
    ).all()
    failures = 0
    for outcome, _at in rows:
        if outcome != _FAILURE:
            break
        failures += 1
    last_failure = rows[0][1] if failures else None
    if failures < threshold or last_failure is None:
        return CircuitView(destination, CLOSED, failures, last_failure)
    state = OPEN if now - last_failure < cool_down else HALF_OPEN
    return CircuitView(destination, state, failures, last_failure)


def circuit_views(session: Session, *, configured: Iterable[str] = (), threshold: int,
                  cool_down: timedelta, now: datetime) -> list[CircuitView]:
    """:func:`circuit_view` of every known destination."""
    return [circuit_view(session, destination, threshold=threshold, cool_down=cool_down, now=now)
            for destination in known_destinations(session, configured)]
