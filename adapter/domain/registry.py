"""The DSO's consumer registry as the rest of the adapter sees it: plain dataclasses.

Billing owns the registry; we keep a copy (``adapter.services.registry``) to answer "does this
metering point belong to this contract", "which meter registers must a reading cover" and "who is
this consumer's supplier". The objects here are what those lookups return.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from adapter.domain.documents import Register, RegistryConsumer, RegistryMeter

#: Registers whose energy is split by tariff zone. Reactive energy is counted as one total
#: (zone 1): tariffs by time of day apply to active energy only.
ZONED_REGISTERS = frozenset({Register.ACTIVE_IMPORT, Register.ACTIVE_EXPORT})


@dataclass(frozen=True, order=True)
class RegisterZone:
    """One counter of a meter: a register in one tariff zone (1, 2 or 3)."""

    register: Register
    zone: int

    def __str__(self) -> str:
        return f"{Register(self.register).value} зона {self.zone}"


@dataclass(frozen=True)
class Meter:
    """A meter at a metering point: the counters a reading must cover, how they roll over."""

    serial: str
    digit_capacity: int
    transformation_coefficient: int
    registers: tuple[RegisterZone, ...]

    @property
    def capacity(self) -> int:
        """The value at which every counter of this meter rolls over to zero."""
        return 10**self.digit_capacity

    def has(self, register: Register, zone: int) -> bool:
        """Whether this meter counts ``register`` in ``zone``."""
        return RegisterZone(Register(register), zone) in self.registers


@dataclass(frozen=True)
class MeteringPoint:
    """A metering point (EIC ``62Z...``) and its meters."""

    eic: str
    meters: tuple[Meter, ...]

    def meter(self, serial: str) -> Meter | None:
        """The meter with ``serial`` at this point, if any."""
        return next((meter for meter in self.meters if meter.serial == serial), None)


@dataclass(frozen=True)
class SupplierAssignment:
    """Which supplier serves a consumer from a date on."""

    supplier_eic: str
    valid_from: date


@dataclass(frozen=True)
class Consumer:
    """A business consumer: contract (the cabinet login), EDRPOU, name, points, supplier."""

    contract_number: str
    edrpou: str
    name: str
    metering_points: tuple[MeteringPoint, ...] = ()
    supplier: SupplierAssignment | None = None
    #: When a complete sync first found the contract gone from billing's registry (terminated).
    withdrawn_at: datetime | None = None

    def metering_point(self, eic: str) -> MeteringPoint | None:
        """The consumer's metering point ``eic``, if it is one of theirs."""
        return next((point for point in self.metering_points if point.eic == eic), None)

    def withdrawn_on(self, timezone: str) -> date | None:
        """The local day the contract was withdrawn on, if it was."""
        if self.withdrawn_at is None:
            return None
        return self.withdrawn_at.astimezone(ZoneInfo(timezone)).date()


def register_zones(registers: tuple[Register, ...], zone_count: int) -> tuple[RegisterZone, ...]:
    """Every counter of a meter with ``registers`` and ``zone_count`` tariff zones."""
    out: list[RegisterZone] = []
    for register in registers:
        zones = zone_count if Register(register) in ZONED_REGISTERS else 1
        out.extend(RegisterZone(Register(register), zone) for zone in range(1, zones + 1))
    return tuple(out)


def meter_from_registry(meter: RegistryMeter) -> Meter:
    """A :class:`Meter` from billing's description of it."""
    return Meter(
        serial=meter.serial_number,
        digit_capacity=meter.digit_capacity,
        transformation_coefficient=meter.transformation_coefficient,
        registers=register_zones(meter.registers, meter.zone_count),
    )


def consumer_from_registry(entry: RegistryConsumer, *, valid_from: date) -> Consumer:
    """A :class:`Consumer` from one entry of billing's registry."""
    return Consumer(
        contract_number=entry.contract_number,
        edrpou=entry.edrpou,
        name=entry.name,
        metering_points=tuple(
            MeteringPoint(point.eic, tuple(meter_from_registry(m) for m in point.meters))
            for point in entry.metering_points
        ),
        supplier=SupplierAssignment(entry.supplier_eic, valid_from),
    )
