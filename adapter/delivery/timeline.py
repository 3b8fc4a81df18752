"""A message's visible timeline: enqueued, each attempt, delivered or dead, replayed, skipped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapter.persistence.outbox_models import OutboxAttemptRecord, OutboxEventRecord

#: What each attempt outcome means, for people.
OUTCOME_LABELS = {
    "in_flight": "триває",
    "delivered": "доставлено (A01)",
    "duplicate": "вже було отримано (A51)",
    "failed": "тимчасова помилка",
    "rejected": "остаточна відмова",
    "lost": "втрачено (оренда сплила)",
    "not_sent": "не надіслано (немає налаштувань)",
    "discarded": "результат відкинуто (оренду втрачено)",
}


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline; ``attempt`` is the attempt number when it is about one."""

    at: datetime
    event: str
    detail: str = ""
    attempt: int | None = None
    worker_id: str | None = None


def timeline(session: Session, message_id: int) -> list[TimelineEntry]:
    """Every step of the message, oldest first."""
    # Sort key: (attempt number, phase, id): attempt N starts (1), ends (2), then the events
    # written after N attempts (3) - timestamps alone tie when steps share a clock reading.
    keyed: list[tuple[tuple[int, int, int], TimelineEntry]] = []
    for event in session.scalars(
        select(OutboxEventRecord).where(OutboxEventRecord.message_id == message_id)
    ):
        phase = 0 if event.event == "enqueued" else 3
        keyed.append(((event.after_attempt, phase, event.id),
                      TimelineEntry(event.at, event.event, event.detail)))
    for attempt in session.scalars(
        select(OutboxAttemptRecord).where(OutboxAttemptRecord.message_id == message_id)
    ):
        keyed.append(((attempt.number, 1, attempt.id), TimelineEntry(
            attempt.started_at, "attempt", "", attempt.number, attempt.worker_id)))
        if attempt.finished_at is not None:
            keyed.append(((attempt.number, 2, attempt.id), _finished(attempt)))
    return [entry for _key, entry in sorted(keyed, key=lambda item: item[0])]


def _finished(attempt: OutboxAttemptRecord) -> TimelineEntry:
    detail = OUTCOME_LABELS.get(attempt.outcome, attempt.outcome)
    if attempt.error_code:
        detail += f": {attempt.error_code} {attempt.error_message or ''}".rstrip()
    assert attempt.finished_at is not None
    return TimelineEntry(attempt.finished_at, f"attempt_{attempt.outcome}", detail,
                         attempt.number, attempt.worker_id)
