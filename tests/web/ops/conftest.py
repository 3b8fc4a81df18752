"""The cabinet and the operator console in one app, on SQLite and PostgreSQL, with seeded data.

``console`` registers both (as ``create_app`` will), trusts the sandbox supplier's certificate and
a short-lived one (expiring in 10 days, for the warning), and has one operator; ``seeded`` adds an
inbound document, a readings submission with its two outbound messages (one of them dead) and a
rejection, so every console page has something to show.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask

from adapter.bootstrap import build_container
from adapter.delivery import outbox
from adapter.errors import SignatureError
from adapter.persistence import migrate
from adapter.persistence.models import DocumentEventRecord, InboundDocumentRecord
from adapter.persistence.outbox_models import OutboxEventRecord, OutboxMessageRecord
from adapter.persistence.registry_models import (
    ReadingEventRecord,
    ReadingSubmissionRecord,
    ReadingValueRecord,
)
from adapter.pki import SandboxPki, issue_extra_cert
from adapter.services.intake import record_rejection
from adapter.services.ops_accounts import OpsAccess, OpsConfig, create_operator
from adapter.services.registry import apply_registry
from adapter.settings import PartySettings, Settings
from tests.support.database import database_url  # noqa: F401
from tests.support.pki import sandbox_pki  # noqa: F401
from tests.web.conftest import (
    CONTRACT,
    EDRPOU,
    POINT_1,
    Browser,
    Cabinet,
    Clock,
    registry,
    test_config,
)
from web.cabinet import register_cabinet
from web.ops import register_ops

OPERATOR, OPERATOR_PASSWORD = "chergovyi", "Operator-Pass-2026"
SUPPLIER_EIC, DSO_EIC, BILLING_EIC = "62X0000000000020", "62X0000000000012", "62X000000000003Z"
INBOUND_MRID, READINGS_MRID, OTHER_MRID = "INV-2026-0042", "RD-2026-0007", "RD-2026-0008"


@dataclass
class Console(Cabinet):
    """The app with the console, its config and a way to log an operator in."""

    ops_config: OpsConfig = OpsConfig()

    def operator(self, ip: str = "198.51.100.7") -> Browser:
        """A browser logged in as the operator."""
        browser = self.client(ip)
        response = browser.submit("/ops/login", {"login": OPERATOR,
                                                 "password": OPERATOR_PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return browser


def _trust_files(pki: SandboxPki, directory: Path, clock: Clock) -> PartySettings:
    short = issue_extra_cert(pki, "roek-short", directory=directory, now=clock(),
                             not_after=clock() + timedelta(days=10))
    return PartySettings("supplier", eic=SUPPLIER_EIC,
                         pinned_certs=(pki.supplier_cert, short.cert),
                         ca_certs=(pki.ca_cert,), crls=(pki.ca_crl,))


@pytest.fixture
def console(database_url: str, clock: Clock, sandbox_pki: SandboxPki,  # noqa: F811
            tmp_path: Path) -> Iterator[Console]:
    settings = Settings(database_url=database_url,
                        supplier=_trust_files(sandbox_pki, tmp_path, clock),
                        consumer=PartySettings("consumer", ca_certs=(sandbox_pki.ca_cert,)))
    container = build_container(settings, clock=clock)
    migrate.upgrade(container.engine)
    with container.uow() as unit:
        apply_registry(unit, registry(), now=clock())
        unit.commit()
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test-secret", TESTING=True)
    ctx = register_cabinet(app, container, test_config())
    ops_config = OpsConfig(cookie_secure=False, argon2_time_cost=1, argon2_memory_kib=1024,
                           argon2_parallelism=1)
    register_ops(app, container, ops_config)
    create_operator(OpsAccess(container.uow, clock, ops_config), OPERATOR, OPERATOR_PASSWORD)
    yield Console(app, ctx, clock, container, ops_config)
    container.engine.dispose()


@dataclass(frozen=True)
class Seeded:
    """Ids of what ``seeded`` stored."""

    inbound_id: int
    submission_id: int
    delivered_id: int
    dead_id: int


@pytest.fixture
def seeded(console: Console) -> Seeded:
    now = console.clock()
    with console.container.uow() as unit:
        s = unit.session
        doc = InboundDocumentRecord(
            kind="supplier_invoice", sender_eic=SUPPLIER_EIC, mrid=INBOUND_MRID, revision=1,
            receiver_eic=DSO_EIC, document_created_at=now, received_at=now, channel="soap",
            party="supplier", signer_subject="CN=ROEK", signer_serial="1",
            signer_fingerprint="f" * 64, sha256="a" * 64, original=b"<x/>",
            fields={"contract_number": CONTRACT, "total": "100.00"})
        doc.events = [DocumentEventRecord(event="received", at=now, detail="soap"),
                      DocumentEventRecord(event="stored", at=now, detail="")]
        sub = ReadingSubmissionRecord(
            sender_eic=DSO_EIC, mrid=READINGS_MRID, revision=1, contract_number=CONTRACT,
            consumer_edrpou=EDRPOU, reading_date=date(2026, 3, 1), channel="cabinet",
            status="queued", supplier_eic=SUPPLIER_EIC, signer_subject="CN=Dzherelo",
            signer_serial="2", sha256="b" * 64, content_sha256="c" * 64, original=b"<r/>",
            created_at=now)
        sub.values = [ReadingValueRecord(metering_point_eic=POINT_1, meter_serial="M-1",
                                         register="A+", zone=1, value=1200)]
        sub.events = [ReadingEventRecord(event="received", at=now, detail="канал: cabinet")]
        s.add_all([doc, sub])
        s.flush()
        ids = [outbox.enqueue(s, destination=dest, kind="meter_readings", sender_eic=DSO_EIC,
                              mrid=READINGS_MRID, revision=1, payload=b"<r/>",
                              ordering_key=POINT_1, correlation_id=f"readings:{sub.id}", now=now)
               for dest in (f"supplier:{SUPPLIER_EIC}", "billing")]
        dead = s.get(OutboxMessageRecord, ids[1])
        assert dead is not None
        dead.status, dead.attempts, dead.last_error_code = "dead", 25, "REMOTE_TIMEOUT"
        s.add(OutboxEventRecord(message_id=dead.id, event="dead", at=now, detail="вичерпано",
                                after_attempt=25))
        unit.commit()
        result = Seeded(doc.id, sub.id, ids[0], ids[1])
    other = ReadingSubmissionRecord  # a second contract's submission, which must not match
    with console.container.uow() as unit:
        unit.session.add(other(
            sender_eic=DSO_EIC, mrid=OTHER_MRID, revision=1, contract_number="270000002",
            consumer_edrpou="87654322", reading_date=date(2026, 3, 1), channel="cabinet",
            status="queued", supplier_eic=SUPPLIER_EIC, signer_subject="CN=Lan",
            signer_serial="3", sha256="d" * 64, content_sha256="e" * 64, original=b"<r/>",
            created_at=now))
        unit.commit()
    record_rejection(console.container.uow, b"<bad/>",
                     SignatureError("Підпис не сходиться.", code="SIG_INVALID"),
                     channel="soap", at=now, party="supplier")
    return result
