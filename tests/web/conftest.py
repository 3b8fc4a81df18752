"""A Flask app with only the cabinet registered, on a migrated database with a small registry.

``cabinet`` gives the app, its services' context and a settable clock; ``Browser`` wraps the test
client with what a person does: open a page, fill a form (with the page's CSRF token), follow
the link from the last letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from adapter.bootstrap import Container, build_container
from adapter.domain.documents import (
    Register,
    RegistryConsumer,
    RegistryMeter,
    RegistryMeteringPoint,
)
from adapter.mail import MailConfig, Mailer
from adapter.persistence import migrate
from adapter.persistence.cabinet_models import AuditRecord, MailRecord
from adapter.services.accounts import CabinetConfig, CabinetContext
from adapter.services.registry import apply_registry
from adapter.settings import Settings
from tests.support.database import database_url  # noqa: F401
from web.cabinet import register_cabinet

CONTRACT, NAME, EDRPOU = "270000001", "ТОВ Джерело", "12345678"
POINT_1, POINT_2 = "62Z000000000001B", "62Z0000000000029"
OTHER_CONTRACT, OTHER_NAME, OTHER_POINT = "270000002", "ФГ Лан", "62Z0000000000037"
PASSWORD = "Sonyachna-Bat4reya"
PUBLIC_URL = "http://cabinet.test"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LINK = re.compile(re.escape(PUBLIC_URL) + r"(/\S+)")


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move time forward."""
        self.now += timedelta(**delta)


def registry() -> tuple[RegistryConsumer, ...]:
    """Two consumers: ours with two metering points, and another organisation."""
    meter = RegistryMeter("M-1", (Register.ACTIVE_IMPORT,), 1, 6, 1)
    return (
        RegistryConsumer(CONTRACT, EDRPOU, 'ТОВ "Джерело"', "62X0000000000020", (
            RegistryMeteringPoint(POINT_1, (meter,)), RegistryMeteringPoint(POINT_2, ()))),
        RegistryConsumer(OTHER_CONTRACT, "87654322", OTHER_NAME, "62X0000000000020", (
            RegistryMeteringPoint(OTHER_POINT, (meter,)),)),
    )


def test_config(**changes: Any) -> CabinetConfig:
    """Cheap argon2 (tests hash many passwords), plain-http cookies, the demo mailbox."""
    values: dict[str, Any] = dict(
        public_url=PUBLIC_URL, cookie_secure=False, dev_mail=True,
        dso_feedback_email="feedback@dso.test", mail=MailConfig(backend="stored"),
        argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
    values.update(changes)
    return CabinetConfig(**values)


@dataclass
class Cabinet:
    """The app under test and what tests poke at."""

    app: Flask
    ctx: CabinetContext
    clock: Clock
    container: Container

    def client(self, ip: str = "192.0.2.10") -> Browser:
        """A new browser (own cookies) from ``ip``."""
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = ip
        return Browser(client, self)

    def mails(self) -> list[MailRecord]:
        """Every stored letter, oldest first."""
        with self.ctx.uow() as unit:
            mails = list(unit.session.scalars(select(MailRecord).order_by(MailRecord.id)))
            unit.session.expunge_all()
            return mails

    def last_link(self, to: str | None = None) -> str:
        """The path of the link in the newest letter (to ``to``)."""
        mails = [m for m in self.mails() if to is None or m.recipient == to]
        assert mails, "no letter was sent"
        match = _LINK.search(mails[-1].text)
        assert match, mails[-1].text
        return match.group(1)

    def audit_events(self) -> list[AuditRecord]:
        """Every audit row, oldest first."""
        with self.ctx.uow() as unit:
            rows = list(unit.session.scalars(select(AuditRecord).order_by(AuditRecord.id)))
            unit.session.expunge_all()
            return rows


@dataclass
class Browser:
    """A test client that fills forms like a person."""

    client: FlaskClient
    cabinet: Cabinet

    def get(self, path: str) -> TestResponse:
        return self.client.get(path)

    def submit(
        self, path: str, data: dict[str, str], *, form_page: str | None = None
    ) -> TestResponse:
        """GET the form page (for its CSRF token), then POST ``data`` to ``path``."""
        page = self.client.get(form_page or path)
        match = _CSRF.search(page.get_data(as_text=True))
        assert match, f"no CSRF token on {form_page or path}"
        return self.client.post(path, data={**data, "csrf_token": match.group(1)})

    def register(self, **changes: str) -> TestResponse:
        """Fill the registration card with our consumer's data (``changes`` override)."""
        data = {"terms": "on", "contract": CONTRACT, "name": NAME, "email": "buh@dzherelo.test",
                "eic": POINT_1, "password": PASSWORD, "password2": PASSWORD}
        data.update(changes)
        return self.submit("/register", {k: v for k, v in data.items() if v is not None})

    def login(self, login: str = CONTRACT, password: str = PASSWORD) -> TestResponse:
        return self.submit("/login", {"login": login, "password": password})

    def follow_mail_link(self, to: str | None = None) -> TestResponse:
        """Open the newest letter's link and press its button (links act on POST only)."""
        path = self.cabinet.last_link(to)
        return self.submit(path, {})


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_cabinet(url: str, clock: Clock, *, mailer: Mailer | None = None,
                 **config: Any) -> Cabinet:
    """Migrate ``url``, load the registry, build an app with the cabinet registered."""
    container = build_container(Settings(database_url=url), clock=clock)
    migrate.upgrade(container.engine)
    with container.uow() as unit:
        apply_registry(unit, registry(), now=clock())
        unit.commit()
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret", TESTING=True)
    ctx = register_cabinet(app, container, test_config(**config), mailer=mailer)
    return Cabinet(app, ctx, clock, container)


@pytest.fixture
def cabinet(database_url: str, clock: Clock) -> Iterator[Cabinet]:  # noqa: F811
    """The cabinet on SQLite and on PostgreSQL."""
    made = make_cabinet(database_url, clock)
    yield made
    made.container.engine.dispose()


@pytest.fixture
def browser(cabinet: Cabinet) -> Browser:
    return cabinet.client()


@pytest.fixture
def registered(cabinet: Cabinet) -> Cabinet:
    """Our consumer registered and confirmed."""
    browser = cabinet.client()
    assert browser.register().status_code == 200
    assert browser.follow_mail_link().status_code == 200
    return cabinet
