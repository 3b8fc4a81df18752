"""Real sockets: a loopback HTTP peer with faults, worker processes killed and stopped.

Every message must have exactly one effect in the peer's ledger and none may be lost, whatever
the faults: HTTP 500, TCP resets, timeouts after the peer committed, duplicate pushes, a worker
killed with SIGKILL in the middle of a delivery, several worker processes at once.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from adapter.delivery.policy import Policies, RetryPolicy
from adapter.delivery.timeline import timeline
from adapter.delivery.worker import Worker
from adapter.persistence.outbox_models import OutboxAttemptRecord, OutboxMessageRecord
from tests.integration.delivery.fakes import DSO, add
from tests.integration.delivery.peer import HttpTransport, Peer
from tests.support.servers import serve_in_thread

Factory = sessionmaker[Session]
ROOT = Path(__file__).resolve().parents[3]
FAST = Policies(RetryPolicy(base=timedelta(milliseconds=20), cap=timedelta(milliseconds=100)))


def _now() -> datetime:
    return datetime.now(UTC)


def _key(mrid: str) -> str:
    return f"{DSO}:{mrid}:1"


@pytest.fixture
def peer() -> Iterator[tuple[Peer, str]]:
    app = Peer()
    with serve_in_thread(app) as url:
        yield app, url
        app.release.set()


@pytest.fixture
def transport(peer: tuple[Peer, str]) -> Iterator[HttpTransport]:
    http = HttpTransport(peer[1])
    yield http
    http.close()


def _enqueue(session_factory: Factory, mrids: list[str]) -> list[int]:
    with session_factory() as session, session.begin():
        return [add(session, mrid, now=_now()) for mrid in mrids]


def _statuses(session_factory: Factory) -> dict[str, str]:
    with session_factory() as session:
        rows = session.execute(select(OutboxMessageRecord.mrid, OutboxMessageRecord.status))
        return {mrid: status for mrid, status in rows}


def _drain(worker: Worker, session_factory: Factory, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        worker.run_once()
        if not {"pending", "in_flight"} & set(_statuses(session_factory).values()):
            return
        time.sleep(0.05)
    raise AssertionError(f"not settled: {_statuses(session_factory)}")


def _spawn(database_url: str, peer_url: str, worker_id: str,
           lease: float = 1.0) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.delivery.worker_process", database_url,
         peer_url, worker_id, str(lease)], cwd=ROOT)


def test_faults_over_real_sockets_give_exactly_one_effect(
    session_factory: Factory, peer: tuple[Peer, str], transport: HttpTransport,
) -> None:
    app, _url = peer
    faults = {"E500": ["500", "500"], "RESET": ["reset"], "SLOW": ["slow"],
              "MIX": ["reset", "500", "slow"], "OK": [], "REJ": ["reject"]}
    for mrid, plan in faults.items():
        app.faults[_key(mrid)] = list(plan)
    _enqueue(session_factory, list(faults))
    worker = Worker(session_factory, lambda _d: transport, policies=FAST, clock=_now,
                    worker_id="w1")
    _drain(worker, session_factory)
    statuses = _statuses(session_factory)
    assert statuses.pop("REJ") == "dead"
    assert set(statuses.values()) == {"delivered"}
    assert all(app.ledger.effects[_key(m)] == 1 for m in statuses)
    assert app.ledger.effects[_key("REJ")] == 0
    with session_factory() as session:
        rows = session.execute(select(OutboxMessageRecord.mrid, OutboxMessageRecord.ack_code,
                                      OutboxMessageRecord.last_error_message))
        acks = {mrid: (ack, error) for mrid, ack, error in rows}
    # The peer committed before the timeout: the retry is a duplicate push, answered A51.
    assert acks["SLOW"][0] == "A51" and acks["MIX"][0] == "A51" and acks["OK"][0] == "A01"
    assert acks["REJ"] == (None, "Невідома точка обліку")
    codes = _attempt_codes(session_factory, "MIX")
    assert codes == ["REMOTE_CONNECTION", "REMOTE_HTTP_5XX", "REMOTE_TIMEOUT", None]


def _attempt_codes(session_factory: Factory, mrid: str) -> list[str | None]:
    with session_factory() as session:
        return list(session.scalars(
            select(OutboxAttemptRecord.error_code).join(
                OutboxMessageRecord, OutboxMessageRecord.id == OutboxAttemptRecord.message_id)
            .where(OutboxMessageRecord.mrid == mrid).order_by(OutboxAttemptRecord.number)))


def test_worker_killed_mid_delivery_is_taken_over_without_double_effect(
    database_url: str, session_factory: Factory, peer: tuple[Peer, str],
    transport: HttpTransport,
) -> None:
    app, url = peer
    (message_id,) = _enqueue(session_factory, ["KILL"])
    app.faults[_key("KILL")] = ["hang"]
    process = _spawn(database_url, url, "doomed", lease=1.0)
    try:
        assert app.arrived.wait(30), "the worker process never delivered"
    finally:
        process.kill()  # SIGKILL while the peer holds the call: nothing gets recorded
        process.wait(10)
    app.release.set()
    assert _statuses(session_factory) == {"KILL": "in_flight"}
    survivor = Worker(session_factory, lambda _d: transport, policies=FAST, clock=_now,
                      worker_id="survivor", lease=timedelta(seconds=1))
    _drain(survivor, session_factory)
    assert app.ledger.effects[_key("KILL")] == 1
    assert app.ledger.calls[_key("KILL")] == 2
    with session_factory() as session:
        events = [(e.event, e.worker_id) for e in timeline(session, message_id)]
        record = session.get(OutboxMessageRecord, message_id)
        assert record is not None and record.ack_code == "A51"
    assert ("attempt_lost", "doomed") in events
    assert events[-2:] == [("attempt_duplicate", "survivor"), ("delivered", None)]


def test_sigterm_finishes_and_records_the_call_in_flight(
    database_url: str, session_factory: Factory, peer: tuple[Peer, str],
) -> None:
    app, url = peer
    _enqueue(session_factory, ["FIRST", "SECOND"])
    app.faults[_key("FIRST")] = ["hang"]
    process = _spawn(database_url, url, "polite", lease=5.0)
    try:
        assert app.arrived.wait(30)
        process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        assert process.poll() is None  # still waiting for the peer's answer
        app.release.set()
        assert process.wait(15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    assert _statuses(session_factory) == {"FIRST": "delivered", "SECOND": "pending"}


@pytest.mark.slow
def test_four_worker_processes_on_postgresql(
    database_url: str, session_factory: Factory, peer: tuple[Peer, str],
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several worker processes need PostgreSQL (SKIP LOCKED)")
    app, url = peer
    app.latency = 0.01
    mrids = [f"P-{n:03}" for n in range(80)]
    for n, mrid in enumerate(mrids):
        app.faults[_key(mrid)] = [["500"], ["reset"], ["slow"], [], []][n % 5]
    _enqueue(session_factory, mrids)
    processes = [_spawn(database_url, url, f"pg-{n}", lease=2.0) for n in range(4)]
    try:
        deadline = time.monotonic() + 60
        while set(_statuses(session_factory).values()) != {"delivered"}:
            assert time.monotonic() < deadline, _statuses(session_factory)
            time.sleep(0.2)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        codes = [process.wait(20) for process in processes]
    assert codes == [0, 0, 0, 0]
    assert all(app.ledger.effects[_key(mrid)] == 1 for mrid in mrids)
    assert sum(app.ledger.effects.values()) == 80
    with session_factory() as session:
        workers = session.scalar(select(func.count(func.distinct(OutboxAttemptRecord.worker_id))))
    assert workers is not None and workers >= 2
