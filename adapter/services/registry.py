"""Our copy of billing's consumer registry: apply pages, import files, sync by cursor, look up.

Billing is the source of truth. :func:`apply_registry` upserts one page (consumers, metering
points, meters and their counters, supplier assignments) and is idempotent: applying the same page
twice changes nothing. A supplier change is kept as a new assignment dated the day it was seen,
so readings keep going to the supplier of their own date. A consumer that a complete sync no
longer finds is marked withdrawn (its contract was terminated), never deleted: its documents and
accounts stay; one that comes back is reinstated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from adapter.domain.documents import (
    ConsumerRegistry,
    Register,
    RegistryConsumer,
    RegistryMeter,
    RegistryMeteringPoint,
)
from adapter.domain.registry import (
    Consumer,
    Meter,
    MeteringPoint,
    RegisterZone,
    SupplierAssignment,
    register_zones,
)
from adapter.errors import RemoteError
from adapter.persistence.registry_models import (
    ConsumerRecord,
    MeteringPointRecord,
    MeterRecord,
    MeterRegisterRecord,
    SupplierAssignmentRecord,
    SupplierRecord,
)
from adapter.persistence.uow import UnitOfWork
from adapter.signing import VerificationPolicy

SessionLike = Session | UnitOfWork


def _session(target: SessionLike) -> Session:
    return target.session if isinstance(target, UnitOfWork) else target


@dataclass(frozen=True)
class ApplyResult:
    """What applying registry entries did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Consumers marked withdrawn: not among the entries of a complete sync.
    withdrawn: int = 0

    @property
    def total(self) -> int:
        """Entries seen."""
        return self.created + self.updated + self.unchanged

    def __add__(self, other: ApplyResult) -> ApplyResult:
        return ApplyResult(self.created + other.created, self.updated + other.updated,
                           self.unchanged + other.unchanged, self.withdrawn + other.withdrawn)


def apply_registry(
    target: SessionLike,
    registry: ConsumerRegistry | Sequence[RegistryConsumer],
    *,
    now: datetime,
) -> ApplyResult:
    """Upsert one page of the registry in the caller's transaction (the caller commits)."""
    session = _session(target)
    entries = _entries(registry)
    result = ApplyResult()
    for entry in entries:
        result += _apply_consumer(session, entry, now)
    session.flush()
    return result


def _apply_consumer(session: Session, entry: RegistryConsumer, now: datetime) -> ApplyResult:
    record = session.scalar(
        select(ConsumerRecord).where(ConsumerRecord.contract_number == entry.contract_number)
    )
    created = record is None
    if record is None:
        record = ConsumerRecord(contract_number=entry.contract_number, edrpou=entry.edrpou,
                                name=entry.name, updated_at=now)
        session.add(record)
        session.flush()
    changed = (record.edrpou, record.name, record.withdrawn_at) != (entry.edrpou, entry.name, None)
    record.edrpou, record.name, record.withdrawn_at = entry.edrpou, entry.name, None
    changed |= _apply_supplier(session, record, entry.supplier_eic, now)
    changed |= _apply_points(session, record, entry.metering_points)
    if created:
        return ApplyResult(created=1)
    if changed:
        record.updated_at = now
        return ApplyResult(updated=1)
    return ApplyResult(unchanged=1)


def _apply_supplier(session: Session, record: ConsumerRecord, eic: str, now: datetime) -> bool:
    if session.get(SupplierRecord, eic) is None:
        # Known from the registry before configuration names it: no integration until it does.
        session.add(SupplierRecord(eic=eic, name=eic, has_integration=False, updated_at=now))
    current = record.assignments[-1] if record.assignments else None
    if current is not None and current.supplier_eic == eic:
        return False
    today = now.date()
    if current is not None and current.valid_from == today:
        current.supplier_eic = eic
    else:
        record.assignments.append(SupplierAssignmentRecord(supplier_eic=eic, valid_from=today))
    return True


def _apply_points(
    session: Session, record: ConsumerRecord, points: Sequence[RegistryMeteringPoint]
) -> bool:
    changed = False
    wanted = {point.eic for point in points}
    for stale in [p for p in record.metering_points if p.eic not in wanted]:
        session.delete(stale)  # no longer this consumer's (another page may give it a new owner)
        changed = True
    for point in points:
        row = session.scalar(
            select(MeteringPointRecord).where(MeteringPointRecord.eic == point.eic)
        )
        if row is None:
            row = MeteringPointRecord(eic=point.eic, consumer=record)
            session.add(row)
            changed = True
        elif row.consumer_id != record.id:
            row.consumer = record
            changed = True
        changed |= _apply_meters(session, row, point.meters)
    session.flush()
    session.expire(record, ["metering_points"])
    return changed


def _apply_meters(
    session: Session, point: MeteringPointRecord, meters: Sequence[RegistryMeter]
) -> bool:
    changed = False
    existing = {meter.serial: meter for meter in point.meters}
    for serial, stale in existing.items():
        if serial not in {meter.serial_number for meter in meters}:
            point.meters.remove(stale)
            changed = True
    for meter in meters:
        row = existing.get(meter.serial_number)
        if row is None:
            row = MeterRecord(serial=meter.serial_number)
            point.meters.append(row)
            changed = True
        values = (meter.digit_capacity, meter.transformation_coefficient, meter.zone_count)
        if (row.digit_capacity, row.transformation_coefficient, row.zone_count) != values:
            row.digit_capacity, row.transformation_coefficient, row.zone_count = values
            changed = True
        changed |= _apply_registers(row, register_zones(meter.registers, meter.zone_count))
    return changed


def _apply_registers(meter: MeterRecord, counters: tuple[RegisterZone, ...]) -> bool:
    have = {RegisterZone(Register(r.register), r.zone): r for r in meter.registers}
    wanted = set(counters)
    for counter in set(have) - wanted:
        meter.registers.remove(have[counter])
    for counter in sorted(wanted - set(have)):
        meter.registers.append(MeterRegisterRecord(register=counter.register.value,
                                                   zone=counter.zone))
    return set(have) != wanted


@dataclass(frozen=True)
class RegistryContext:
    """What the registry commands need, wired by the composition root.

    ``fetch_page`` is billing's GetRegistry by cursor (the billing SOAP client, which verifies
    what billing signed); ``policy`` trusts billing (party ``billing``) for signed registry files.
    """

    uow: Callable[[], UnitOfWork]
    clock: Callable[[], datetime]
    fetch_page: Callable[[str | None], RegistryPage] | None = None
    policy: VerificationPolicy | None = None
    billing_eic: str | None = None


# ----- sync by cursor -------------------------------------------------------------------------

@dataclass(frozen=True)
class RegistryPage:
    """One page of billing's GetRegistry: entries (verified by the billing client), next cursor."""

    registry: ConsumerRegistry | Sequence[RegistryConsumer]
    next_cursor: str | None
    total: int | None = None


@dataclass(frozen=True)
class SyncProgress:
    """Where a sync stands after a page: pages and consumers so far, total if billing told it."""

    pages: int
    consumers: int
    total: int | None
    result: ApplyResult


def sync_registry(
    uow: Callable[[], UnitOfWork],
    fetch_page: Callable[[str | None], RegistryPage],
    *,
    clock: Callable[[], datetime],
    progress: Callable[[SyncProgress], None] | None = None,
    max_pages: int = 100_000,
) -> SyncProgress:
    """Page through billing's registry by cursor, applying and committing one page at a time.

    A failure part way keeps the pages already committed; running the sync again is safe since
    applying is idempotent. A cursor that comes back again is refused (``REGISTRY_CURSOR_LOOP``).
    Only a sync that reached the last page withdraws the consumers it did not see, and never on
    an empty registry (``REGISTRY_EMPTY``: a fault at billing must not terminate every contract).
    """
    cursor: str | None = None
    seen: set[str] = set()
    contracts: set[str] = set()
    state = SyncProgress(0, 0, None, ApplyResult())
    while True:
        page = fetch_page(cursor)
        entries = _entries(page.registry)
        contracts.update(entry.contract_number for entry in entries)
        with uow() as unit:
            applied = apply_registry(unit, entries, now=clock())
            unit.commit()
        state = SyncProgress(state.pages + 1, state.consumers + applied.total, page.total,
                             state.result + applied)
        if progress is not None:
            progress(state)
        cursor = page.next_cursor
        if cursor is None:
            return _withdraw_absent(uow, contracts, state, now=clock())
        if cursor in seen or state.pages >= max_pages:
            raise RemoteError(f"Білінг повторно повернув курсор {cursor!r}.",
                              code="REGISTRY_CURSOR_LOOP")
        seen.add(cursor)


def _entries(registry: ConsumerRegistry | Sequence[RegistryConsumer]) -> Sequence[RegistryConsumer]:
    return registry.consumers if isinstance(registry, ConsumerRegistry) else registry


def _withdraw_absent(uow: Callable[[], UnitOfWork], contracts: set[str], state: SyncProgress,
                     *, now: datetime) -> SyncProgress:
    if not contracts:
        raise RemoteError("Білінг повернув порожній реєстр: жоден договір не знято.",
                          code="REGISTRY_EMPTY")
    with uow() as unit:
        active = unit.session.scalars(select(ConsumerRecord.contract_number)
                                      .where(ConsumerRecord.withdrawn_at.is_(None)))
        absent = [contract for contract in active if contract not in contracts]
        for start in range(0, len(absent), 500):  # bounded IN lists
            unit.session.execute(
                update(ConsumerRecord)
                .where(ConsumerRecord.contract_number.in_(absent[start:start + 500]))
                .values(withdrawn_at=now, updated_at=now))
        unit.commit()
    withdrawn = ApplyResult(withdrawn=len(absent))
    return SyncProgress(state.pages, state.consumers, state.total, state.result + withdrawn)


# ----- lookups --------------------------------------------------------------------------------

def _consumer_record(session: Session, contract: str) -> ConsumerRecord | None:
    return session.scalar(
        select(ConsumerRecord)
        .options(selectinload(ConsumerRecord.metering_points)
                 .selectinload(MeteringPointRecord.meters).selectinload(MeterRecord.registers),
                 selectinload(ConsumerRecord.assignments))
        .where(ConsumerRecord.contract_number == contract)
    )


def find_consumer_by_contract(
    target: SessionLike, contract: str, *, on: date | None = None
) -> Consumer | None:
    """The consumer of ``contract`` with its points, meters and supplier (on ``on``, else now)."""
    record = _consumer_record(_session(target), contract)
    if record is None:
        return None
    return Consumer(
        contract_number=record.contract_number, edrpou=record.edrpou, name=record.name,
        metering_points=tuple(_point(point) for point in record.metering_points),
        supplier=_assignment(record.assignments, on), withdrawn_at=record.withdrawn_at,
    )


def _point(point: MeteringPointRecord) -> MeteringPoint:
    return MeteringPoint(point.eic, tuple(
        Meter(meter.serial, meter.digit_capacity, meter.transformation_coefficient,
              tuple(sorted(RegisterZone(Register(r.register), r.zone) for r in meter.registers)))
        for meter in point.meters
    ))


def _assignment(
    assignments: Sequence[SupplierAssignmentRecord], on: date | None
) -> SupplierAssignment | None:
    valid = [a for a in assignments if on is None or a.valid_from <= on]
    if not valid:
        # Readings dated before we first saw the consumer go to the earliest known supplier.
        valid = list(assignments[:1])
    latest = max(valid, key=lambda a: a.valid_from, default=None)
    return None if latest is None else SupplierAssignment(latest.supplier_eic, latest.valid_from)


def edrpou_of(target: SessionLike, contract: str) -> str | None:
    """The EDRPOU of ``contract``'s consumer, if the registry knows the contract (one query)."""
    return _session(target).scalar(
        select(ConsumerRecord.edrpou).where(ConsumerRecord.contract_number == contract))


def metering_point_belongs_to(target: SessionLike, contract: str, eic: str) -> bool:
    """Whether metering point ``eic`` is on ``contract`` (the cabinet's registration check)."""
    owner = _session(target).scalar(
        select(ConsumerRecord.contract_number)
        .join(MeteringPointRecord, MeteringPointRecord.consumer_id == ConsumerRecord.id)
        .where(MeteringPointRecord.eic == eic)
    )
    return owner == contract


def meters_of(target: SessionLike, contract: str) -> tuple[MeteringPoint, ...]:
    """The metering points of ``contract`` with their meters (empty for an unknown contract)."""
    consumer = find_consumer_by_contract(target, contract)
    return consumer.metering_points if consumer is not None else ()


def supplier_of(target: SessionLike, eic: str, *, on: date | None = None) -> str | None:
    """The supplier EIC serving metering point ``eic`` (on ``on``, else now), if known."""
    session = _session(target)
    contract = session.scalar(
        select(ConsumerRecord.contract_number)
        .join(MeteringPointRecord, MeteringPointRecord.consumer_id == ConsumerRecord.id)
        .where(MeteringPointRecord.eic == eic)
    )
    consumer = find_consumer_by_contract(session, contract, on=on) if contract else None
    return consumer.supplier.supplier_eic if consumer and consumer.supplier else None


__all__ = [
    "ApplyResult",
    "RegistryContext",
    "RegistryPage",
    "SyncProgress",
    "apply_registry",
    "edrpou_of",
    "find_consumer_by_contract",
    "meters_of",
    "metering_point_belongs_to",
    "supplier_of",
    "sync_registry",
]

