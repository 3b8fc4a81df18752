"""``adapter outbox`` and ``adapter worker`` through click's runner, on a SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from adapter.bootstrap import build_container
from adapter.cli.outbox import outbox
from adapter.cli.worker import run_worker
from adapter.delivery.worker import Worker
from adapter.errors import PermanentRemoteError
from adapter.persistence import migrate
from adapter.persistence.database import make_engine, make_session_factory
from adapter.persistence.outbox_models import OutboxMessageRecord
from adapter.settings import Settings
from tests.integration.delivery.fakes import ManualClock, ScriptedTransport, add, transports_for


@pytest.fixture
def db(tmp_path: Path) -> Iterator[tuple[str, sessionmaker[Session]]]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine, "0011")
    yield url, make_session_factory(engine)
    engine.dispose()


def _invoke(url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(outbox, list(args), env={"ADAPTER_DATABASE_URL": url})
    return result.exit_code, result.output


def _dead_pair(factory: sessionmaker[Session]) -> tuple[int, int]:
    with factory() as session, session.begin():
        first = add(session, "R-1", ordering_key="62Z000000000001B")
        second = add(session, "R-2", ordering_key="62Z000000000001B")
    rejection = PermanentRemoteError("Показник менший за попередній", code="A02")
    transport = ScriptedTransport({"R-1": [rejection]})
    Worker(factory, transports_for(supplier=transport), clock=ManualClock(),
           worker_id="w1").run_once()
    return first, second


def test_list_shows_dead_and_blocked_messages(db: tuple[str, sessionmaker[Session]]) -> None:
    url, factory = db
    first, second = _dead_pair(factory)
    code, output = _invoke(url, "list")
    assert code == 0, output
    assert "мертве" in output and "[A02] Показник менший за попередній" in output
    assert f"чекає на #{first}" in output
    assert "мертве: 1" in output and "чекає: 1" in output
    code, output = _invoke(url, "list", "--status", "dead", "--json")
    rows = json.loads(output)
    assert [row["id"] for row in rows] == [first]
    assert rows[0]["idempotency_key"] == "62X0000000000012:R-1:1"


def test_show_prints_the_timeline(db: tuple[str, sessionmaker[Session]]) -> None:
    url, factory = db
    first, _ = _dead_pair(factory)
    code, output = _invoke(url, "show", str(first), "--payload")
    assert code == 0, output
    assert "остання помилка: A02: Показник менший за попередній" in output
    lines = [line.split()[2] for line in output.splitlines() if line.startswith("  20")]
    assert lines == ["enqueued", "attempt", "attempt_rejected", "dead"]
    assert "<doc id='R-1'/>" in output
    code, output = _invoke(url, "show", "999")
    assert code == 1 and "OUTBOX_NOT_FOUND" in output


def test_replay_keeps_identity_and_unblocks(db: tuple[str, sessionmaker[Session]]) -> None:
    url, factory = db
    first, second = _dead_pair(factory)
    code, output = _invoke(url, "replay", "--all-dead")
    assert code == 0, output
    assert "Повернуто в чергу: 1." in output
    transport = ScriptedTransport()
    later = ManualClock(datetime.now(UTC) + timedelta(seconds=1))  # replay used the real clock
    Worker(factory, transports_for(supplier=transport), clock=later,
           worker_id="w2").run_once()
    with factory() as session:
        records = [session.get(OutboxMessageRecord, i) for i in (first, second)]
    assert [(r.status, r.mrid, r.revision) for r in records if r] == [
        ("delivered", "R-1", 1), ("delivered", "R-2", 1)]
    assert transport.ledger.order == ["62X0000000000012:R-1:1", "62X0000000000012:R-2:1"]
    code, output = _invoke(url, "replay", str(first))
    assert code == 1 and "OUTBOX_NOT_REPLAYABLE" in output


def test_skip_lets_later_messages_go(db: tuple[str, sessionmaker[Session]]) -> None:
    url, factory = db
    first, second = _dead_pair(factory)
    code, output = _invoke(url, "skip", str(first), "--reason", "надіслано вручну")
    assert code == 0, output
    Worker(factory, transports_for(supplier=ScriptedTransport()), clock=ManualClock(),
           worker_id="w2").run_once()
    with factory() as session:
        assert session.get(OutboxMessageRecord, second).status == "delivered"  # type: ignore[union-attr]
        assert session.get(OutboxMessageRecord, first).status == "skipped"  # type: ignore[union-attr]


def test_replay_needs_ids_or_all_dead(db: tuple[str, sessionmaker[Session]]) -> None:
    code, output = _invoke(db[0], "replay")
    assert code == 2 and "--all-dead" in output


def test_run_worker_once_uses_the_container(db: tuple[str, sessionmaker[Session]]) -> None:
    url, factory = db
    with factory() as session, session.begin():
        add(session, "R-1")
    transport = ScriptedTransport()
    container = build_container(Settings(database_url=url))
    worker = run_worker(container, once=True, worker_id="cli",
                        transports=transports_for(supplier=transport))
    assert worker.processed == 1 and len(transport.ledger.effects) == 1
    container.engine.dispose()
