"""A migrated database with the sandbox registry, a readings pipeline and signed documents."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from stdnum.eu import eic as stdnum_eic

from adapter.domain.documents import (
    DocumentHeader,
    DocumentKind,
    MeteringPointReadings,
    MeterReadingsDocument,
    Reading,
    Register,
    RegistryConsumer,
    RegistryMeter,
    RegistryMeteringPoint,
)
from adapter.domain.readings import ReadingsWindow
from adapter.mappers import write_document
from adapter.persistence import migrate
from adapter.persistence.database import make_engine, make_session_factory
from adapter.persistence.outbox_models import OutboxMessageRecord
from adapter.persistence.registry_models import ReadingSubmissionRecord
from adapter.persistence.uow import UnitOfWork
from adapter.pki import SandboxPki
from adapter.services.readings import ReadingsContext, SubmissionOutcome, submit_readings
from adapter.services.registry import apply_registry
from adapter.services.routing import SupplierRoute
from adapter.signing import SigningKey, TrustedParty, VerificationPolicy, sign
from tests.support.clock import window_moment
from tests.support.database import database_url  # noqa: F401
from tests.support.pki import sandbox_pki, signing_key  # noqa: F401

DSO = "62X0000000000012"
ROEK = "62X0000000000020"
OTHER_SUPPLIER = "62X000000000004" + stdnum_eic.calc_check_digit("62X000000000004")
CONTRACT, EDRPOU = "270000001", "12345678"
OTHER_CONTRACT, OTHER_EDRPOU = "270000002", "87654322"
POINT_1, POINT_2 = "62Z000000000001B", "62Z0000000000029"
POINT_3 = "62Z000000000003" + stdnum_eic.calc_check_digit("62Z000000000003")
A, R = Register.ACTIVE_IMPORT, Register.REACTIVE_IMPORT


def registry_entries(supplier: str = ROEK) -> tuple[RegistryConsumer, ...]:
    """The sandbox consumer (a 2-zone A+/R+ meter, a CT-connected A+ meter) and one more."""
    return (
        RegistryConsumer(CONTRACT, EDRPOU, "ТОВ Джерело", supplier, (
            RegistryMeteringPoint(POINT_1, (RegistryMeter("M-1001", (A, R), 2, 6, 1),)),
            RegistryMeteringPoint(POINT_2, (RegistryMeter("M-2002", (A,), 1, 5, 30),)),
        )),
        RegistryConsumer(OTHER_CONTRACT, OTHER_EDRPOU, "ФГ Лан", OTHER_SUPPLIER, (
            RegistryMeteringPoint(POINT_3, (RegistryMeter("M-3003", (A,), 1, 6, 1),)),
        )),
    )


@dataclass
class Clock:
    """A settable clock."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class ReadingsEnv:
    """The pipeline under test and helpers to build, sign, submit and count."""

    ctx: ReadingsContext
    pki: SandboxPki
    clock: Clock
    reading_date: date
    uow: Any
    engine: Any
    mrids: list[int] = field(default_factory=lambda: [0])

    def document(self, *, mrid: str | None = None, revision: int = 1, contract: str = CONTRACT,
                 edrpou: str = EDRPOU, reading_date: date | None = None,
                 point1: tuple[int, int, int] = (10500, 4200, 900), point2: int = 3000,
                 receiver: str = DSO) -> MeterReadingsDocument:
        if mrid is None:
            self.mrids[0] += 1
            mrid = f"MR-{self.mrids[0]:04d}"
        a1, a2, r1 = point1
        return MeterReadingsDocument(
            header=DocumentHeader(mrid, revision, DocumentKind.METER_READINGS, DSO, receiver,
                                  self.clock.now),
            contract_number=contract, consumer_edrpou=edrpou,
            reading_date=reading_date or self.reading_date,
            points=(
                MeteringPointReadings(POINT_1, "M-1001", (Reading(A, 1, a1), Reading(A, 2, a2),
                                                          Reading(R, 1, r1))),
                MeteringPointReadings(POINT_2, "M-2002", (Reading(A, 1, point2),)),
            ),
        )

    def signed(self, doc: MeterReadingsDocument, key: SigningKey | None = None) -> bytes:
        return sign(write_document(doc), key=key or signing_key(self.pki, "consumer"))

    def submit(self, data: bytes, **kwargs: Any) -> SubmissionOutcome:
        kwargs.setdefault("channel", "file")
        return submit_readings(self.ctx, data, **kwargs)

    def with_ctx(self, **changes: Any) -> ReadingsEnv:
        return replace(self, ctx=replace(self.ctx, **changes))

    def outbox(self) -> list[OutboxMessageRecord]:
        with self.uow() as unit:
            rows = list(unit.session.scalars(
                select(OutboxMessageRecord).order_by(OutboxMessageRecord.id)).all())
            unit.session.expunge_all()  # keep the loaded state past the unit's rollback
            return rows

    def submissions(self) -> int:
        with self.uow() as unit:
            return unit.session.scalar(
                select(func.count()).select_from(ReadingSubmissionRecord)) or 0


def consumer_policy(pki: SandboxPki) -> VerificationPolicy:
    """Consumers as production trusts them: chaining to the accredited CA, with its CRL."""
    return VerificationPolicy(parties=(
        TrustedParty("consumer", ca_certs=(pki.ca_cert,), crls=(pki.ca_crl,)),
    ))


@pytest.fixture
def migrated_uow(database_url: str) -> Iterator[Any]:  # noqa: F811
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    factory = make_session_factory(engine)

    def uow() -> UnitOfWork:
        return UnitOfWork(factory)

    uow.engine = engine  # type: ignore[attr-defined]
    yield uow
    engine.dispose()


@pytest.fixture
def env(migrated_uow: Any, sandbox_pki: SandboxPki) -> ReadingsEnv:  # noqa: F811
    window = ReadingsWindow()
    zone = ZoneInfo("Europe/Kyiv")
    clock = Clock(window_moment(window, zone))
    with migrated_uow() as unit:
        apply_registry(unit, registry_entries(), now=clock.now)
        unit.commit()
    ctx = ReadingsContext(
        uow=migrated_uow, policy=consumer_policy(sandbox_pki), dso_eic=DSO,
        routes={ROEK: SupplierRoute(ROEK, "ТОВ РОЕК", True, "roek")}, clock=clock,
        window=window,
    )
    reading_date = window.reading_date_for(clock.now.astimezone(zone).date())
    assert reading_date is not None
    return ReadingsEnv(ctx, sandbox_pki, clock, reading_date, migrated_uow,
                       migrated_uow.engine)
