"""A migrated database, a container on it with a settable clock, and a Flask app observing it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapter.bootstrap import Container
from adapter.delivery import DeliveryReceipt, OutboundMessage, enqueue
from adapter.delivery.policy import Policies, RetryPolicy
from adapter.delivery.worker import Worker
from adapter.observability import register_observability
from adapter.persistence import migrate
from adapter.settings import DeliverySettings, PartySettings, Settings
from tests.support.database import database_url  # noqa: F401

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
DSO = "62X0000000000012"
ROEK = "62X0000000000020"
SUPPLIER = f"supplier:{ROEK}"
BILLING = "billing"


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def settings_for(url: str, **delivery: Any) -> Settings:
    """Both peers configured (their endpoints are never called here), breaker threshold 2."""
    return Settings(
        database_url=url,
        supplier=PartySettings("supplier", eic=ROEK, endpoint="http://127.0.0.1:9/soap/supplier"),
        billing=PartySettings("billing", endpoint="http://127.0.0.1:9/soap/billing"),
        delivery=DeliverySettings(**{"breaker_threshold": 2, **delivery}),
    )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def container(database_url: str, clock: Clock) -> Iterator[Container]:  # noqa: F811
    built = Container(settings_for(database_url), clock=clock)
    migrate.upgrade(built.engine)
    yield built
    built.engine.dispose()


def observed_app(container: Container, **options: Any) -> Flask:
    app = Flask(__name__)
    app.config.update(TESTING=True)
    register_observability(app, container, **options)
    return app


@pytest.fixture
def client(container: Container) -> FlaskClient:
    return observed_app(container).test_client()


@dataclass
class Script:
    """A transport playing, per mRID, a list of answers (a receipt or an exception to raise)."""

    steps: dict[str, list[DeliveryReceipt | Exception]] = field(default_factory=dict)

    def __call__(self, _destination: str) -> Script:
        return self

    def deliver(self, message: OutboundMessage) -> DeliveryReceipt:
        step = self.steps[message.mrid].pop(0)
        if isinstance(step, Exception):
            raise step
        return step


def put(container: Container, destination: str, mrid: str) -> int:
    """Enqueue one message at the container's current time."""
    with container.uow() as unit:
        message_id = enqueue(unit.session, destination=destination, kind="MeterReadingsDocument",
                             sender_eic=DSO, mrid=mrid, revision=1, payload=mrid.encode(),
                             now=container.clock())
        unit.commit()
    return message_id


def worker(container: Container, script: Script) -> Worker:
    """A worker whose retries wait exactly one second (no jitter)."""
    policy = RetryPolicy(base=timedelta(seconds=1), cap=timedelta(seconds=1), max_attempts=5,
                         jitter=lambda: 1.0)
    return Worker(container.session_factory, script, policies=Policies(policy),
                  clock=container.clock, worker_id="test-worker")


Advance = Callable[..., None]
