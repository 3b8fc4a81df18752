"""Lanes: one head per (destination, ordering key), the rest waiting, promoted in order.

The head rule is what keeps claims cheap with a long queue, so it must hold under concurrency:
two enqueues into an idle lane, and an enqueue racing the head's settlement (PostgreSQL, where
transactions really overlap; SQLite serialises writers).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from adapter.delivery import enqueue
from adapter.delivery.claims import ClaimRequest, Outcome, claim_next, record_outcome
from adapter.delivery.deadletters import replay, skip
from adapter.delivery.transport import DeliveryReceipt
from adapter.persistence import migrate
from adapter.persistence.database import make_engine, make_session_factory
from adapter.persistence.outbox_models import OutboxMessageRecord
from tests.support.database import database_url  # noqa: F401  (fixture)

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SUPPLIER = "supplier:62X0000000000020"
LANE = "readings:270000001"
Factory = sessionmaker[Session]


def _add(session: Session, mrid: str, ordering_key: str | None = LANE) -> int:
    return enqueue(session, destination=SUPPLIER, kind="readings", sender_eic="62X0000000000012",
                   mrid=mrid, revision=1, payload=mrid.encode(), ordering_key=ordering_key,
                   now=NOW)


def _statuses(factory: Factory) -> dict[str, str]:
    with factory() as session:
        return dict(session.execute(select(OutboxMessageRecord.mrid, OutboxMessageRecord.status)
                                    .order_by(OutboxMessageRecord.id)).all())


def _deliver(factory: Factory, worker_id: str = "w1") -> str:
    claim = claim_next(factory, ClaimRequest(worker_id, NOW + timedelta(seconds=1),
                                               NOW + timedelta(minutes=1)))
    assert claim is not None
    receipt = DeliveryReceipt(ack_code="A01", acknowledgement=b"<ack/>")
    assert record_outcome(factory, claim, worker_id, Outcome("delivered", "delivered",
                                                             receipt=receipt), NOW)
    return claim.message.mrid


def test_only_the_head_is_pending_and_the_next_is_promoted_in_order(
        session_factory: Factory) -> None:
    with session_factory() as session, session.begin():
        for mrid in ("R-1", "R-2", "R-3"):
            _add(session, mrid)
        _add(session, "U-1", ordering_key=None)  # no lane: never waits
    assert _statuses(session_factory) == {"R-1": "pending", "R-2": "waiting",
                                          "R-3": "waiting", "U-1": "pending"}

    # Oldest pending first: R-2 (promoted when R-1 settled) is older than U-1.
    assert [_deliver(session_factory) for _ in range(4)] == ["R-1", "R-2", "R-3", "U-1"]
    assert set(_statuses(session_factory).values()) == {"delivered"}


def test_the_database_refuses_a_second_head(session_factory: Factory) -> None:
    with session_factory() as session, session.begin():
        _add(session, "R-1")
        second = session.get(OutboxMessageRecord, _add(session, "R-2"))
        assert second is not None and second.status == "waiting"
    with session_factory() as session, pytest.raises(IntegrityError), session.begin():
        record = session.scalars(select(OutboxMessageRecord)
                                 .where(OutboxMessageRecord.mrid == "R-2")).one()
        record.status = "pending"


def test_skip_promotes_the_next_and_a_replayed_skip_rejoins_its_lane(
        session_factory: Factory) -> None:
    with session_factory() as session, session.begin():
        first = _add(session, "R-1")
        _add(session, "R-2")
        _add(session, "R-3")
        session.get(OutboxMessageRecord, first).status = "dead"  # type: ignore[union-attr]
    with session_factory() as session, session.begin():
        skip(session, first, now=NOW, reason="надіслано вручну")
    assert _statuses(session_factory) == {"R-1": "skipped", "R-2": "pending", "R-3": "waiting"}

    with session_factory() as session, session.begin():
        replay(session, first, now=NOW)
    # The lane is busy with R-2: R-1 waits, and as the oldest waiting it goes next.
    assert _statuses(session_factory) == {"R-1": "waiting", "R-2": "pending", "R-3": "waiting"}
    assert [_deliver(session_factory) for _ in range(3)] == ["R-2", "R-1", "R-3"]


@pytest.fixture
def pg_factory(database_url: str) -> Iterator[Factory]:  # noqa: F811
    if not database_url.startswith("postgresql"):
        pytest.skip("transactions overlap only on PostgreSQL (SQLite serialises writers)")
    engine: Engine = make_engine(database_url)
    migrate.upgrade(engine, "0011")
    yield make_session_factory(engine)
    engine.dispose()


def test_two_enqueues_into_an_idle_lane_make_one_head(pg_factory: Factory) -> None:
    entered = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            entered.wait(5)
            with pg_factory() as session, session.begin():
                _add(session, "R-2")  # blocks on the head index until the first commits
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    thread = threading.Thread(target=second)
    thread.start()
    with pg_factory() as session, session.begin():
        _add(session, "R-1")
        entered.set()
        thread.join(0.5)  # the second enqueue is now waiting for this transaction
    thread.join(10)

    assert errors == []
    assert _statuses(pg_factory) == {"R-1": "pending", "R-2": "waiting"}


def test_an_enqueue_racing_the_heads_settlement_is_promoted(pg_factory: Factory) -> None:
    with pg_factory() as session, session.begin():
        _add(session, "R-1")
    claim = claim_next(pg_factory, ClaimRequest("w1", NOW + timedelta(seconds=1),
                                                  NOW + timedelta(minutes=1)))
    assert claim is not None
    settled = threading.Event()

    def settle() -> None:  # waits for the enqueue's lock on the head, then promotes R-2
        receipt = DeliveryReceipt(ack_code="A01", acknowledgement=b"<ack/>")
        record_outcome(pg_factory, claim, "w1", Outcome("delivered", "delivered",
                                                        receipt=receipt), NOW)
        settled.set()

    with pg_factory() as session, session.begin():
        _add(session, "R-2")  # locks the in-flight head R-1
        thread = threading.Thread(target=settle)
        thread.start()
        assert not settled.wait(0.5)  # the settlement waits for this transaction
    thread.join(10)

    assert _statuses(pg_factory) == {"R-1": "delivered", "R-2": "pending"}
