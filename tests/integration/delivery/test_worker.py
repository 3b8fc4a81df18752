"""The worker against a real database (SQLite and PostgreSQL) with in-process fake transports."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from adapter.delivery import DeliveryReceipt
from adapter.delivery.breaker import Breakers, BreakerSettings
from adapter.delivery.policy import Policies, RetryPolicy
from adapter.delivery.worker import Worker
from adapter.errors import PermanentRemoteError, TransientRemoteError
from adapter.persistence.outbox_models import OutboxAttemptRecord, OutboxMessageRecord
from tests.integration.delivery.fakes import (
    SUPPLIER,
    ManualClock,
    ScriptedTransport,
    add,
    transports_for,
)

Factory = sessionmaker[Session]


def _policies(**kw: object) -> Policies:
    return Policies(RetryPolicy(base=timedelta(seconds=10), jitter=lambda: 0.5, **kw))  # type: ignore[arg-type]


def _worker(session_factory: Factory, clock: ManualClock, transport: ScriptedTransport,
            **kw: object) -> Worker:
    return Worker(session_factory, transports_for(supplier=transport, billing=transport),
                  policies=kw.pop("policies", _policies()), clock=clock,
                  worker_id=str(kw.pop("worker_id", "w1")), **kw)  # type: ignore[arg-type]


def _message(session_factory: Factory, message_id: int) -> OutboxMessageRecord:
    with session_factory() as session:
        record = session.get(OutboxMessageRecord, message_id)
        assert record is not None
        return record


def _outcomes(session_factory: Factory, message_id: int) -> list[str]:
    with session_factory() as session:
        return list(session.scalars(
            select(OutboxAttemptRecord.outcome).where(OutboxAttemptRecord.message_id == message_id)
            .order_by(OutboxAttemptRecord.number)))


def _enqueue(session_factory: Factory, *mrids: str, **kw: object) -> list[int]:
    with session_factory() as session, session.begin():
        return [add(session, mrid, **kw) for mrid in mrids]  # type: ignore[arg-type]


def test_happy_path_delivers_everything_once(session_factory: Factory) -> None:
    ids = _enqueue(session_factory, "R-1", "R-2", "R-3")
    transport = ScriptedTransport()
    worker = _worker(session_factory, ManualClock(), transport)
    assert worker.run_once() == 3
    assert worker.run_once() == 0
    for message_id in ids:
        record = _message(session_factory, message_id)
        assert (record.status, record.ack_code, record.attempts) == ("delivered", "A01", 1)
        assert record.acknowledgement == b"<ack/>" and record.lease_owner is None
        assert _outcomes(session_factory, message_id) == ["delivered"]
    assert [m.idempotency_key for m in transport.seen] == [
        "62X0000000000012:R-1:1", "62X0000000000012:R-2:1", "62X0000000000012:R-3:1"]


def test_a_busy_worker_records_and_claims_the_next_in_one_transaction(
        session_factory: Factory, engine: Engine) -> None:
    _enqueue(session_factory, *(f"R-{n}" for n in range(6)))
    worker = _worker(session_factory, ManualClock(), ScriptedTransport(), batch_size=4)
    transactions: list[object] = []
    count = transactions.append
    event.listen(engine, "begin", count)
    try:
        assert worker.run_once() == 4
        after_batch = len(transactions)
        assert worker.run_once() == 2
    finally:
        event.remove(engine, "begin", count)

    # reap + first claim + three record-and-claim + the batch's last record alone
    assert after_batch == 6
    # reap + claim + two record-and-claims, the second finding nothing left: no empty claim
    assert len(transactions) - after_batch == 4


def test_transient_failures_are_retried_with_backoff(session_factory: Factory) -> None:
    (message_id,) = _enqueue(session_factory, "R-1")
    clock = ManualClock()
    transport = ScriptedTransport({"R-1": [TransientRemoteError("timeout"),
                                           TransientRemoteError("HTTP 503")]})
    worker = _worker(session_factory, clock, transport)
    assert worker.run_once() == 1
    record = _message(session_factory, message_id)
    # first retry: ceiling = base = 10 s, jitter 0.5 -> 5 s
    assert record.status == "pending"
    assert record.next_attempt_at == clock() + timedelta(seconds=5)
    assert record.last_error_code == "REMOTE_UNAVAILABLE"
    assert worker.run_once() == 0  # not due yet
    clock.advance(seconds=5)
    assert worker.run_once() == 1
    # second retry: ceiling 20 s -> 10 s
    assert _message(session_factory, message_id).next_attempt_at == clock() + timedelta(seconds=10)
    clock.advance(seconds=10)
    assert worker.run_once() == 1
    record = _message(session_factory, message_id)
    assert (record.status, record.attempts, record.last_error_code) == ("delivered", 3, None)
    assert _outcomes(session_factory, message_id) == ["failed", "failed", "delivered"]


def test_permanent_rejection_is_dead_with_its_reason(session_factory: Factory) -> None:
    (message_id,) = _enqueue(session_factory, "R-1")
    rejection = PermanentRemoteError("Показник менший за попередній", code="A02")
    worker = _worker(session_factory, ManualClock(), ScriptedTransport({"R-1": [rejection]}))
    assert worker.run_once() == 1
    record = _message(session_factory, message_id)
    assert (record.status, record.last_error_code) == ("dead", "A02")
    assert record.last_error_message == "Показник менший за попередній"
    assert _outcomes(session_factory, message_id) == ["rejected"]


def test_attempt_limit_makes_a_message_dead(session_factory: Factory) -> None:
    (message_id,) = _enqueue(session_factory, "R-1")
    clock = ManualClock()
    transport = ScriptedTransport({"R-1": [TransientRemoteError("down")] * 5})
    worker = _worker(session_factory, clock, transport, policies=_policies(max_attempts=2))
    worker.run_once()
    clock.advance(minutes=1)
    worker.run_once()
    record = _message(session_factory, message_id)
    assert (record.status, record.last_error_code) == ("dead", "DELIVERY_ATTEMPTS_EXHAUSTED")
    assert len(transport.seen) == 2


def test_already_received_counts_as_delivered(session_factory: Factory) -> None:
    (message_id,) = _enqueue(session_factory, "R-1")
    receipt = DeliveryReceipt("A51", b"<ack code='A51'/>", "вже отримано")
    worker = _worker(session_factory, ManualClock(), ScriptedTransport({"R-1": [receipt]}))
    worker.run_once()
    record = _message(session_factory, message_id)
    assert (record.status, record.ack_code) == ("delivered", "A51")
    assert _outcomes(session_factory, message_id) == ["duplicate"]


def test_unknown_ack_code_is_final(session_factory: Factory) -> None:
    (message_id,) = _enqueue(session_factory, "R-1")
    worker = _worker(session_factory, ManualClock(),
                     ScriptedTransport({"R-1": [DeliveryReceipt("A99")]}))
    worker.run_once()
    assert _message(session_factory, message_id).last_error_code == "DELIVERY_BAD_ACK"


def test_transport_bug_is_recorded_as_transient(session_factory: Factory) -> None:
    (message_id,) = _enqueue(session_factory, "R-1")
    worker = _worker(session_factory, ManualClock(),
                     ScriptedTransport({"R-1": [ValueError("bug")]}))
    worker.run_once()
    record = _message(session_factory, message_id)
    assert (record.status, record.last_error_code) == ("pending", "DELIVERY_UNEXPECTED")


def test_unknown_destination_waits_visibly_without_spending_attempts(
    session_factory: Factory,
) -> None:
    (message_id,) = _enqueue(session_factory, "R-1", destination="supplier:62X000000000004X")
    clock = ManualClock()
    worker = _worker(session_factory, clock, ScriptedTransport())
    assert worker.run_once() == 1
    record = _message(session_factory, message_id)
    assert (record.status, record.attempts, record.last_error_code) == (
        "pending", 0, "CONFIG_NO_TRANSPORT")
    assert record.next_attempt_at == clock() + timedelta(minutes=1)
    assert _outcomes(session_factory, message_id) == ["not_sent"]


def test_open_breaker_holds_back_its_destination_only(session_factory: Factory) -> None:
    supplier_ids = _enqueue(session_factory, "S-1", "S-2", "S-3")
    (billing_id,) = _enqueue(session_factory, "B-1", destination="billing")
    clock = ManualClock()
    fail = TransientRemoteError("down")
    down = ScriptedTransport({"S-1": [fail, fail], "S-2": [fail]})
    up = ScriptedTransport()
    breakers = Breakers(BreakerSettings(failure_threshold=2, cool_down=timedelta(minutes=5)),
                        clock=clock)
    worker = Worker(session_factory, transports_for(supplier=down, billing=up),
                    policies=_policies(), breakers=breakers, clock=clock, worker_id="w1")
    assert worker.run_once() == 3  # S-1, S-2 fail and open the breaker; B-1 delivered
    assert breakers.breaker_states() == {"billing": "closed", SUPPLIER: "open"}
    assert _message(session_factory, billing_id).status == "delivered"
    third = _message(session_factory, supplier_ids[2])
    assert (third.status, third.attempts) == ("pending", 0)  # never claimed
    clock.advance(minutes=5)  # half-open: one trial, it fails again
    assert worker.run_once() == 1
    assert breakers.breaker_states()[SUPPLIER] == "open"
    clock.advance(minutes=5)
    assert worker.run_once() == 3  # trial succeeds, breaker closes, the rest follow
    assert breakers.breaker_states()[SUPPLIER] == "closed"
    assert {_message(session_factory, i).status for i in supplier_ids} == {"delivered"}


def test_later_message_with_same_ordering_key_waits(session_factory: Factory) -> None:
    key = "62Z000000000001B"
    first, second = _enqueue(session_factory, "R-1", "R-2", ordering_key=key)
    (other,) = _enqueue(session_factory, "R-9", ordering_key="62Z0000000000029")
    clock = ManualClock()
    transport = ScriptedTransport({"R-1": [TransientRemoteError("timeout")]})
    worker = _worker(session_factory, clock, transport)
    assert worker.run_once() == 2  # R-1 fails, R-2 waits behind it, R-9 goes
    assert _message(session_factory, second).status == "waiting"
    assert _message(session_factory, second).attempts == 0
    assert _message(session_factory, other).status == "delivered"
    clock.advance(minutes=1)
    assert worker.run_once() == 2
    assert transport.ledger.order == [
        "62X0000000000012:R-9:1", "62X0000000000012:R-1:1", "62X0000000000012:R-2:1"]
    assert _message(session_factory, first).status == "delivered"


def test_dead_message_blocks_later_ones_with_its_key(session_factory: Factory) -> None:
    key = "62Z000000000001B"
    _first, second = _enqueue(session_factory, "R-1", "R-2", ordering_key=key)
    rejection = PermanentRemoteError("неправильний показник", code="A02")
    worker = _worker(session_factory, ManualClock(), ScriptedTransport({"R-1": [rejection]}))
    assert worker.run_once() == 1
    assert worker.run_once() == 0
    assert _message(session_factory, second).status == "waiting"


def test_concurrent_workers_deliver_each_message_once(session_factory: Factory) -> None:
    workers = 4
    ids = _enqueue(session_factory, *[f"R-{n}" for n in range(60)])
    transport = ScriptedTransport({"R-7": [TransientRemoteError("blip")]})
    clock = ManualClock()
    pool = [_worker(session_factory, clock, transport, worker_id=f"w{n}",
                    policies=Policies(RetryPolicy(base=timedelta(0))))
            for n in range(workers)]
    threads = [threading.Thread(target=w.run_once) for w in pool]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    while pool[0].run_once():
        pass
    assert {_message(session_factory, i).status for i in ids} == {"delivered"}
    assert len(transport.ledger.effects) == 60
    assert set(transport.ledger.calls.values()) == {1}
    with session_factory() as session:
        claimers = set(session.scalars(select(OutboxAttemptRecord.worker_id)))
    assert len(claimers) >= 2  # the work really was shared
