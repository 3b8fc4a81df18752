"""A readings submission's timeline as its delivery goes on: delivered, or given up on.

The outbox carries each submission's correlation id (``readings:<id>``); the delivery engine's
settle hook calls :func:`record_delivery` or :func:`record_delivery_failure` in the transaction
that settles the message, so the consumer's timeline never disagrees with the outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from adapter.persistence.registry_models import ReadingEventRecord, ReadingSubmissionRecord

DELIVERED = "delivered"
DELIVERY_FAILED = "delivery_failed"
_PREFIX = "readings:"


def correlation_id(submission_id: int) -> str:
    """The outbox correlation id of a submission (see :func:`record_delivery`)."""
    return f"{_PREFIX}{submission_id}"


def record_delivery(
    session: Session, correlation: str | None, destination: str, *, at: datetime,
    detail: str = "",
) -> bool:
    """Note on a submission's timeline that the outbox delivered it to ``destination``.

    For the delivery engine's "delivered" hook; the submission becomes ``delivered`` once its
    supplier has it. False when ``correlation`` is not a readings submission.
    """
    return _note(session, correlation, destination, DELIVERED, at, detail)


def record_delivery_failure(
    session: Session, correlation: str | None, destination: str, *, at: datetime,
    detail: str = "",
) -> bool:
    """Note that the outbox gave up delivering a submission (a dead letter; see the reason).

    The operator can replay the message; a later delivery adds its own ``delivered`` event.
    """
    return _note(session, correlation, destination, DELIVERY_FAILED, at, detail)


def _note(session: Session, correlation: str | None, destination: str, event: str,
          at: datetime, detail: str) -> bool:
    # The supplier's copy decides the submission's state; billing's only adds to the timeline.
    record = _submission_for(session, correlation)
    if record is None:
        return False
    record.events.append(ReadingEventRecord(event=event, at=at,
                                            detail=f"{destination} {detail}".strip()))
    if destination.startswith("supplier:"):
        record.status = event
    return True


def _submission_for(session: Session, correlation: str | None) -> ReadingSubmissionRecord | None:
    if not correlation or not correlation.startswith(_PREFIX):
        return None
    return session.get(ReadingSubmissionRecord, int(correlation[len(_PREFIX):]))


def timeline(session: Session, submission_id: int) -> list[tuple[str, datetime, str]]:
    """A submission's timeline, oldest first: (event, at, detail)."""
    record = session.get(ReadingSubmissionRecord, submission_id)
    return [] if record is None else [(e.event, e.at, e.detail) for e in record.events]
