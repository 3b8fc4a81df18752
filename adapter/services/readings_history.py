"""What the cabinet shows about readings already sent: submissions, timelines, consumption.

Every function takes the contract of the current organisation and never returns another
contract's rows: a submission id of someone else is "not found" (the page answers 404).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapter.persistence.outbox_models import OutboxMessageRecord
from adapter.persistence.registry_models import ReadingSubmissionRecord, ReadingValueRecord
from adapter.services.readings_timeline import correlation_id, timeline

#: What each event and status means to a person.
EVENT_LABELS = {
    "received": "Отримано",
    "verified": "Підпис перевірено",
    "stored": "Збережено",
    "queued": "У черзі на відправлення",
    "awaiting_export": "Очікує передачі постачальнику файлом",
    "exported": "Передано постачальнику файлом",
    "delivered": "Доставлено",
    "delivery_failed": "Не вдалося доставити",
}
STATUS_LABELS = {
    **EVENT_LABELS,
    "waiting": "Очікує відправлення",
    "pending": "Очікує відправлення",
    "in_flight": "Відправляється",
    "dead": "Не доставлено",
    "rejected": "Відхилено",
    "accepted": "Прийнято",
}
_DESTINATIONS = {"billing": "білінг"}


def destination_label(destination: str) -> str:
    """``supplier:62X...`` -> ``постачальник 62X...``; ``billing`` -> ``білінг``."""
    if destination.startswith("supplier:"):
        return f"постачальник {destination.split(':', 1)[1]}"
    return _DESTINATIONS.get(destination, destination)


@dataclass(frozen=True)
class SubmissionRow:
    """A line of the submissions list."""

    id: int
    reading_date: date
    created_at: datetime
    channel: str
    status: str
    mrid: str


@dataclass(frozen=True)
class Delivery:
    """One outbox message of a submission: where it goes and how it went."""

    destination: str
    status: str
    attempts: int
    delivered_at: datetime | None
    ack_code: str | None
    error: str | None


@dataclass(frozen=True)
class ValueRow:
    """One counter's value in a submission."""

    metering_point_eic: str
    meter_serial: str
    register: str
    zone: int
    value: int
    previous_value: int | None
    volume: int | None
    warning: str | None


@dataclass(frozen=True)
class SubmissionDetail:
    """A submission with its values, timeline and deliveries."""

    row: SubmissionRow
    signer: str
    values: tuple[ValueRow, ...]
    events: tuple[tuple[str, datetime, str], ...]
    deliveries: tuple[Delivery, ...]


def _row(record: ReadingSubmissionRecord) -> SubmissionRow:
    return SubmissionRow(record.id, record.reading_date, record.created_at, record.channel,
                         record.status, record.mrid)


def list_submissions(session: Session, contract: str, *, limit: int = 100) -> list[SubmissionRow]:
    """The contract's submissions, newest first."""
    records = session.scalars(
        select(ReadingSubmissionRecord)
        .where(ReadingSubmissionRecord.contract_number == contract)
        .order_by(ReadingSubmissionRecord.id.desc()).limit(limit))
    return [_row(record) for record in records]


def submission_detail(session: Session, contract: str, submission_id: int
                      ) -> SubmissionDetail | None:
    """One submission of ``contract`` (None for an unknown id or another contract's)."""
    record = session.get(ReadingSubmissionRecord, submission_id)
    if record is None or record.contract_number != contract:
        return None
    messages = session.scalars(
        select(OutboxMessageRecord)
        .where(OutboxMessageRecord.correlation_id == correlation_id(record.id))
        .order_by(OutboxMessageRecord.id))
    deliveries = tuple(
        Delivery(m.destination, m.status, m.attempts_total, m.delivered_at, m.ack_code,
                 m.last_error_message)
        for m in messages)
    values = tuple(ValueRow(v.metering_point_eic, v.meter_serial, v.register, v.zone, v.value,
                            v.previous_value, v.volume, v.warning) for v in record.values)
    return SubmissionDetail(_row(record), record.signer_subject, values,
                            tuple(timeline(session, record.id)), deliveries)


@dataclass(frozen=True)
class MonthVolume:
    """Active energy (A+) consumed in one month at one metering point."""

    month: date
    kwh: int


@dataclass(frozen=True)
class Bar:
    """One bar of the SVG chart (coordinates in the chart's own units)."""

    month: date
    kwh: int
    x: float
    y: float
    width: float
    height: float


def monthly_consumption(session: Session, contract: str) -> dict[str, list[MonthVolume]]:
    """A+ kWh per month for each metering point of ``contract`` (all meters and zones summed).

    A reading dated the 1st closes the previous month, so its volume is that month's
    consumption. Only the newest submission of each reading date counts (a corrected revision
    replaces the earlier one).
    """
    rows = session.execute(
        select(ReadingValueRecord.metering_point_eic, ReadingSubmissionRecord.reading_date,
               ReadingSubmissionRecord.id, ReadingValueRecord.volume)
        .join(ReadingSubmissionRecord)
        .where(ReadingSubmissionRecord.contract_number == contract,
               ReadingValueRecord.register == "A+",
               ReadingValueRecord.volume.is_not(None))
        .order_by(ReadingSubmissionRecord.id))
    latest: dict[tuple[str, date], int] = {}
    sums: dict[tuple[str, date, int], int] = defaultdict(int)
    for point, reading_date, submission, volume in rows:
        latest[(point, reading_date)] = submission
        sums[(point, reading_date, submission)] += volume or 0  # NULLs are filtered above
    out: dict[str, list[MonthVolume]] = defaultdict(list)
    for (point, reading_date), submission in sorted(latest.items()):
        month = (reading_date - timedelta(days=1)).replace(day=1)
        out[point].append(MonthVolume(month, sums[(point, reading_date, submission)]))
    return dict(out)


def chart_bars(months: list[MonthVolume], *, width: float = 600, height: float = 200,
               last: int = 24) -> list[Bar]:
    """Bars for the newest ``last`` months, scaled to the chart's height (SVG, server-side)."""
    shown = months[-last:]
    if not shown:
        return []
    top = max(m.kwh for m in shown) or 1
    step = width / len(shown)
    bar_width = step * 0.7
    return [Bar(m.month, m.kwh, x=i * step + (step - bar_width) / 2,
                y=height - height * m.kwh / top, width=bar_width, height=height * m.kwh / top)
            for i, m in enumerate(shown)]


__all__ = [
    "EVENT_LABELS",
    "STATUS_LABELS",
    "Bar",
    "Delivery",
    "MonthVolume",
    "SubmissionDetail",
    "SubmissionRow",
    "ValueRow",
    "chart_bars",
    "destination_label",
    "list_submissions",
    "monthly_consumption",
    "submission_detail",
]
