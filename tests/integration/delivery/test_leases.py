"""Leases: a dead worker's message is freed by the reaper; a stale result is discarded."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from adapter.delivery import DeliveryReceipt, OutboundMessage
from adapter.delivery.claims import ClaimRequest, claim_next
from adapter.delivery.policy import Policies, RetryPolicy
from adapter.delivery.timeline import timeline
from adapter.delivery.worker import Worker
from adapter.persistence.outbox_models import OutboxMessageRecord
from tests.integration.delivery.fakes import (
    ManualClock,
    ScriptedTransport,
    add,
    transports_for,
)

Factory = sessionmaker[Session]
NO_WAIT = Policies(RetryPolicy(base=timedelta(0)))


def _one(session_factory: Factory) -> int:
    with session_factory() as session, session.begin():
        return add(session, "R-1")


def _record(session_factory: Factory, message_id: int) -> OutboxMessageRecord:
    with session_factory() as session:
        record = session.get(OutboxMessageRecord, message_id)
        assert record is not None
        return record


def _events(session_factory: Factory, message_id: int) -> list[str]:
    with session_factory() as session:
        return [e.event for e in timeline(session, message_id)]


def test_reaper_frees_the_message_of_a_dead_worker(session_factory: Factory) -> None:
    message_id = _one(session_factory)
    clock = ManualClock()
    # A worker claims the message and dies: nobody renews or records.
    ghost = claim_next(session_factory, ClaimRequest("ghost", clock(),
                                                        clock() + timedelta(seconds=60)))
    assert ghost is not None
    transport = ScriptedTransport()
    worker = Worker(session_factory, transports_for(supplier=transport), policies=NO_WAIT,
                    clock=clock, worker_id="w1")
    assert worker.run_once() == 0  # the lease is still valid: hands off
    clock.advance(seconds=61)
    assert worker.run_once() == 1
    record = _record(session_factory, message_id)
    assert (record.status, record.attempts, record.ack_code) == ("delivered", 2, "A01")
    assert _events(session_factory, message_id) == [
        "enqueued", "attempt", "attempt_lost", "lease_expired", "attempt", "attempt_delivered",
        "delivered"]


def test_result_after_losing_the_lease_is_discarded(session_factory: Factory) -> None:
    message_id = _one(session_factory)
    clock = ManualClock()
    transport = ScriptedTransport()
    other = Worker(session_factory, transports_for(supplier=transport), policies=NO_WAIT,
                   clock=clock, worker_id="w2")

    def stall_then_deliver(message: OutboundMessage) -> DeliveryReceipt:
        clock.advance(minutes=2)  # we stalled past our lease...
        assert other.reap_expired_leases() == 1  # ...and another worker freed it
        return DeliveryReceipt(transport.ledger.receive(message.idempotency_key))

    transport.steps["R-1"] = [stall_then_deliver]
    slow = Worker(session_factory, transports_for(supplier=transport), policies=NO_WAIT,
                  clock=clock, worker_id="w1", heartbeat=3600)
    slow.run_once()  # its first result is discarded; it claims the message again
    record = _record(session_factory, message_id)
    assert (record.status, record.ack_code, record.attempts) == ("delivered", "A51", 2)
    assert transport.ledger.effects[record_key(record)] == 1
    with session_factory() as session:
        steps = [(e.event, e.detail) for e in timeline(session, message_id)]
    lost = [detail for event, detail in steps if event == "attempt_lost"]
    assert len(lost) == 1 and "відкинуто" in lost[0]
    assert [e for e, _ in steps][-2:] == ["attempt_duplicate", "delivered"]


def record_key(record: OutboxMessageRecord) -> str:
    return f"{record.sender_eic}:{record.mrid}:{record.revision}"


def test_heartbeat_keeps_the_lease_during_a_long_call(session_factory: Factory) -> None:
    message_id = _one(session_factory)
    transport = ScriptedTransport()
    clock = lambda: datetime.now(UTC)  # noqa: E731 - the heartbeat runs in real time here
    rival = Worker(session_factory, transports_for(supplier=transport), policies=NO_WAIT,
                   clock=clock, worker_id="rival")
    freed: list[int] = []

    def slow(message: OutboundMessage) -> DeliveryReceipt:
        time.sleep(1.0)  # two lease lengths
        freed.append(rival.reap_expired_leases())
        return DeliveryReceipt(transport.ledger.receive(message.idempotency_key))

    transport.steps["R-1"] = [slow]
    worker = Worker(session_factory, transports_for(supplier=transport), policies=NO_WAIT,
                    clock=clock, worker_id="w1", lease=timedelta(seconds=0.4), heartbeat=0.1)
    assert worker.run_once() == 1
    assert freed == [0]
    record = _record(session_factory, message_id)
    assert (record.status, record.attempts, record.ack_code) == ("delivered", 1, "A01")
