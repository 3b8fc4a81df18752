"""A cabinet trusting a fresh sandbox PKI, two registered organisations, signed documents.

``docs`` gives the app (only the cabinet registered, like tests/web/conftest.py) on SQLite and
PostgreSQL, its container with the sandbox parties configured, and helpers that push signed
invoices and acts through the real intake (``submit_document``), so the cabinet index is filled
the way production fills it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask

from adapter.bootstrap import build_container
from adapter.domain.documents import (
    AcceptanceAct,
    ActLine,
    ConsumerRef,
    DocumentHeader,
    DocumentKind,
    Period,
    Register,
    Totals,
)
from adapter.domain.money import gross_of, line_amount, vat_of
from adapter.mappers import write_document
from adapter.persistence import migrate
from adapter.pki import SandboxPki
from adapter.pki.env_file import sandbox_env
from adapter.services.intake import submit_document
from adapter.services.registry import apply_registry
from adapter.settings import Settings
from adapter.signing import sign
from tests.support.database import database_url  # noqa: F401
from tests.support.exchange import supplier_invoice
from tests.support.pki import sandbox_pki, signing_key  # noqa: F401
from tests.web.conftest import (
    OTHER_CONTRACT,
    OTHER_NAME,
    OTHER_POINT,
    Browser,
    Cabinet,
    Clock,
    registry,
    test_config,
)
from web.cabinet import register_cabinet

OTHER_EDRPOU = "87654322"
SUPPLIER, BILLING = "62X0000000000020", "62X000000000003Z"


@dataclass
class Docs:
    """The cabinet under test, its PKI and what tests store."""

    cabinet: Cabinet
    pki: SandboxPki

    @property
    def container(self):  # type: ignore[no-untyped-def]
        return self.cabinet.container

    def submit(self, document: object, party: str = "supplier") -> int:
        """Sign ``document`` as ``party`` and push it through the intake; its stored id."""
        signed = sign(write_document(document), key=signing_key(self.pki, party))  # type: ignore[arg-type]
        outcome = submit_document(self.container.intake, signed, channel="test")
        assert outcome.document_id is not None, outcome.reason
        return outcome.document_id

    def invoice(self, mrid: str, *, contract: str = "270000001", edrpou: str = "12345678",
                revision: int = 1, period: date = date(2026, 10, 1), lines: int = 2) -> int:
        doc = supplier_invoice(mrid, revision=revision, lines=lines)
        doc = dataclasses.replace(
            doc, consumer=ConsumerRef(contract, edrpou, ()),
            period=Period(period, _month_end(period)))
        return self.submit(doc)

    def act(self, mrid: str, *, contract: str = "270000001", edrpou: str = "12345678",
            revision: int = 1) -> int:
        return self.submit(acceptance_act(mrid, contract=contract, edrpou=edrpou,
                                          revision=revision))

    def login_a(self) -> Browser:
        browser = self.cabinet.client()
        assert browser.login().status_code == 302
        return browser

    def login_b(self) -> Browser:
        browser = self.cabinet.client(ip="192.0.2.11")
        assert browser.login(login=OTHER_CONTRACT).status_code == 302
        return browser


def _month_end(start: date) -> date:
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def acceptance_act(mrid: str, *, contract: str = "270000001", edrpou: str = "12345678",
                   revision: int = 1) -> AcceptanceAct:
    """A supplier's act of acceptance-transfer whose totals add up."""
    lines = tuple(ActLine("62Z000000000001B", Register.ACTIVE_IMPORT, Decimal(volume),
                          Decimal("5.185680"), line_amount(Decimal(volume), Decimal("5.185680")))
                  for volume in (1200, 300))
    net = sum((line.amount for line in lines), Decimal("0.00"))
    return AcceptanceAct(
        header=DocumentHeader(mrid, revision, DocumentKind.ACCEPTANCE_ACT, SUPPLIER,
                              "62X0000000000012", datetime(2026, 11, 1, 8, 0, tzinfo=UTC)),
        act_number=f"АПП-{mrid}", period=Period(date(2026, 10, 1), date(2026, 10, 31)),
        consumer=ConsumerRef(contract, edrpou, ()), lines=lines,
        totals=Totals(net, vat_of(net), gross_of(net)), invoice_mrid=None)


def build_docs(url: str, pki: SandboxPki, **env: str) -> Docs:
    clock = Clock(now=datetime.now(UTC).replace(microsecond=0))
    settings = Settings.from_env({**sandbox_env(pki), "ADAPTER_DATABASE_URL": url, **env})
    container = build_container(settings, clock=clock)
    migrate.upgrade(container.engine)
    with container.uow() as unit:
        apply_registry(unit, registry(), now=clock())
        unit.commit()
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret", TESTING=True)
    ctx = register_cabinet(app, container, test_config())
    docs = Docs(Cabinet(app, ctx, clock, container), pki)
    _register(docs.cabinet.client())
    _register(docs.cabinet.client(ip="192.0.2.11"), contract=OTHER_CONTRACT, name=OTHER_NAME,
              email="lan@lan.test", eic=OTHER_POINT)
    return docs


def _register(browser: Browser, **changes: str) -> None:
    assert browser.register(**changes).status_code == 200
    assert browser.follow_mail_link(changes.get("email")).status_code == 200


@pytest.fixture
def docs(database_url: str, sandbox_pki: SandboxPki) -> Iterator[Docs]:  # noqa: F811
    made = build_docs(database_url, sandbox_pki)
    yield made
    made.container.engine.dispose()
