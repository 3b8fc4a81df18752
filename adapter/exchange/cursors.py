"""The persisted cursor of each polled peer (table ``exchange_cursors``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from adapter.errors import AdapterError
from adapter.persistence.exchange_models import ExchangeCursorRecord
from adapter.persistence.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class CursorState:
    """Where polling of one peer stands (``adapter poll --status`` shows it)."""

    peer: str
    cursor: str | None
    documents_total: int
    failures: int
    last_polled_at: datetime | None
    last_error_code: str | None
    last_error_message: str | None


def _row(uow: UnitOfWork, peer: str, now: datetime) -> ExchangeCursorRecord:
    # SELECT ... FOR UPDATE: two pollers of one peer (two processes by mistake) serialise here
    # instead of losing each other's counters; SQLite ignores it (one writer anyway).
    row = uow.session.scalars(
        select(ExchangeCursorRecord).where(ExchangeCursorRecord.peer == peer).with_for_update()
    ).first()
    if row is None:
        row = ExchangeCursorRecord(peer=peer, cursor=None, updated_at=now, documents_total=0,
                                   failures=0)
        uow.session.add(row)
    return row


def load_cursor(uow_factory: UowFactory, peer: str) -> str | None:
    """The saved cursor of ``peer`` (None: poll from the start)."""
    with uow_factory() as uow:
        return uow.session.scalar(
            select(ExchangeCursorRecord.cursor).where(ExchangeCursorRecord.peer == peer)
        )


def save_cursor(uow_factory: UowFactory, peer: str, cursor: str | None, *, documents: int,
                now: datetime) -> None:
    """Advance ``peer``'s cursor after a fully processed page of ``documents`` documents."""
    with uow_factory() as uow:
        row = _row(uow, peer, now)
        row.cursor = cursor
        row.updated_at = now
        row.last_polled_at = now
        row.documents_total += documents
        row.failures = 0
        row.last_error_code = row.last_error_message = None
        uow.commit()


def record_failure(uow_factory: UowFactory, peer: str, error: AdapterError, *,
                   now: datetime) -> int:
    """Note a failed fetch (the cursor stays); the number of failures in a row."""
    with uow_factory() as uow:
        row = _row(uow, peer, now)
        row.failures += 1
        row.last_polled_at = now
        row.last_error_code = error.code
        row.last_error_message = error.message
        failures = row.failures
        uow.commit()
        return failures


def rewind_cursor(uow_factory: UowFactory, peer: str, cursor: str | None, *,
                  now: datetime) -> None:
    """Set ``peer``'s cursor by hand (an operator re-fetching; intake answers A51 for repeats)."""
    with uow_factory() as uow:
        row = _row(uow, peer, now)
        row.cursor = cursor
        row.updated_at = now
        uow.commit()


def cursor_states(uow_factory: UowFactory) -> list[CursorState]:
    """Every peer's polling state, by name."""
    with uow_factory() as uow:
        rows = uow.session.scalars(select(ExchangeCursorRecord)
                                   .order_by(ExchangeCursorRecord.peer)).all()
        return [CursorState(row.peer, row.cursor, row.documents_total, row.failures,
                            row.last_polled_at, row.last_error_code, row.last_error_message)
                for row in rows]
