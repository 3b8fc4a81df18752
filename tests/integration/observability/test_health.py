"""/healthz and /readyz against real databases: ready, behind on migrations, unreachable."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapter.bootstrap import Container
from adapter.errors import TransientRemoteError
from adapter.persistence import migrate
from adapter.persistence.database import make_engine
from tests.integration.observability.conftest import (
    BILLING,
    SUPPLIER,
    Clock,
    Script,
    observed_app,
    put,
    settings_for,
    worker,
)


def test_healthz_answers_without_touching_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'nowhere.sqlite3'}"
    app = observed_app(Container(settings_for(url)))

    response = app.test_client().get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_ready_on_a_migrated_database_lists_every_peer_closed(client) -> None:  # noqa: ANN001
    response = client.get("/readyz")

    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == "ready" and body["problems"] == []
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["migrations"]["ok"] is True
    assert body["checks"]["migrations"]["current"] == sorted(migrate.head_revisions())
    assert body["checks"]["circuits"] == {
        BILLING: {"state": "closed", "consecutive_failures": 0},
        SUPPLIER: {"state": "closed", "consecutive_failures": 0},
    }


@pytest.mark.empty_database
def test_not_ready_when_the_database_was_never_migrated(database_url: str) -> None:
    container = Container(settings_for(database_url))
    try:
        response = observed_app(container).test_client().get("/readyz")
    finally:
        container.engine.dispose()

    body = response.get_json()
    assert response.status_code == 503
    assert body["status"] == "not_ready"
    assert body["checks"]["migrations"]["ok"] is False
    assert body["checks"]["migrations"]["current"] == []
    assert "adapter db upgrade" in body["problems"][0]
    assert "circuits" not in body["checks"]


@pytest.mark.empty_database
def test_not_ready_when_migrations_are_behind(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate.upgrade(engine, "0001")
    engine.dispose()
    container = Container(settings_for(database_url))
    try:
        body = observed_app(container).test_client().get("/readyz")
    finally:
        container.engine.dispose()

    assert body.status_code == 503
    migrations = body.get_json()["checks"]["migrations"]
    assert migrations["current"] == ["0001"]
    assert migrations["heads"] == sorted(migrate.head_revisions())


@pytest.mark.parametrize("url", [
    "sqlite:///{tmp}",  # a directory: SQLite cannot open it
    "postgresql+psycopg://postgres@127.0.0.1:1/nothing?connect_timeout=2",
])
def test_not_ready_when_the_database_is_unreachable(url: str, tmp_path: Path) -> None:
    container = Container(settings_for(url.format(tmp=tmp_path)))

    response = observed_app(container).test_client().get("/readyz")

    body = response.get_json()
    assert response.status_code == 503
    assert body["checks"]["database"]["ok"] is False
    assert body["problems"][0].startswith("База даних недоступна")


def test_an_open_circuit_is_reported_and_fails_readiness_only_when_asked(
    container: Container, clock: Clock,
) -> None:
    put(container, BILLING, "B-1")
    failing = Script({"B-1": [TransientRemoteError("down", code="REMOTE_CONNECTION")] * 3})
    delivery = worker(container, failing)
    for _ in range(2):  # threshold 2
        delivery.run_once()
        clock.advance(seconds=2)

    lenient = observed_app(container).test_client().get("/readyz")
    strict = observed_app(container, fail_on_open_circuit=True).test_client().get("/readyz")
    clock.advance(seconds=60)  # past the 30 s cool-down
    later = observed_app(container).test_client().get("/readyz")

    assert lenient.status_code == 200
    assert lenient.get_json()["checks"]["circuits"][BILLING] == {
        "state": "open", "consecutive_failures": 2}
    assert strict.status_code == 503
    assert BILLING in strict.get_json()["problems"][0]
    assert later.get_json()["checks"]["circuits"][BILLING]["state"] == "half_open"
