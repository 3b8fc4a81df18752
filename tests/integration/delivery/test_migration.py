"""Migration 0011: a queue written under the old claim rule gets one head per lane."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from adapter.persistence import migrate
from adapter.persistence.database import make_engine
from adapter.persistence.outbox_models import OutboxMessageRecord
from tests.support.database import database_url, model_drift  # noqa: F401

pytestmark = pytest.mark.empty_database  # the migrations run here, from nothing

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _row(mrid: str, status: str, key: str | None) -> dict[str, object]:
    return dict(destination="supplier:62X0000000000020", kind="readings",
                sender_eic="62X0000000000012", mrid=mrid, revision=1, payload=b"<d/>",
                status=status, attempts=0, attempts_total=0, next_attempt_at=NOW,
                first_enqueued_at=NOW, window_started_at=NOW, ordering_key=key)


def test_held_back_messages_become_waiting_and_the_models_match(
        database_url: str) -> None:  # noqa: F811
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine, "0002")
        with engine.begin() as connection:
            connection.execute(insert(OutboxMessageRecord.__table__), [
                _row("A-1", "delivered", "a"), _row("A-2", "pending", "a"),
                _row("A-3", "pending", "a"),
                _row("B-1", "dead", "b"), _row("B-2", "pending", "b"),
                # A replayed skipped message (older) beside the one in flight: it waits.
                _row("C-1", "pending", "c"), _row("C-2", "in_flight", "c"),
                _row("U-1", "pending", None), _row("U-2", "pending", None),
            ])
        migrate.upgrade(engine)
        with engine.connect() as connection:
            statuses = dict(connection.execute(select(OutboxMessageRecord.mrid,
                                                      OutboxMessageRecord.status)).all())
        drift = model_drift(engine, "outbox_")
    finally:
        engine.dispose()

    assert statuses == {"A-1": "delivered", "A-2": "pending", "A-3": "waiting",
                        "B-1": "dead", "B-2": "waiting", "C-1": "waiting", "C-2": "in_flight",
                        "U-1": "pending", "U-2": "pending"}
    assert drift == []
