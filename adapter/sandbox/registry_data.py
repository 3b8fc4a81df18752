"""The billing peer's demo consumer registry (a fixed data set; EIC check characters computed).

The sandbox consumer (contract 270000001, EDRPOU 12345678, metering points 62Z000000000001B and
62Z0000000000029) comes first; a few more consumers follow, one of them served by a supplier with
no integration (62X000000000004X), so the cabinet has to show it as "documents on paper".
Load runs add generated consumers after them (``--generated-consumers``).
"""

from __future__ import annotations

from functools import cache

from stdnum.eu import eic as _eic
from stdnum.ua import edrpou as _edrpou

from adapter.domain.documents import (
    Register,
    RegistryConsumer,
    RegistryMeter,
    RegistryMeteringPoint,
)

SANDBOX_SUPPLIER_EIC = "62X0000000000020"


def eic(base: str) -> str:
    """``base`` (15 characters) with its EIC check character."""
    return base + _eic.calc_check_digit(base)


def edrpou(base: str) -> str:
    """``base`` (7 digits) with its EDRPOU check digit."""
    return base + _edrpou.calc_check_digit(base)


#: A supplier that has no electronic integration with the DSO.
UNINTEGRATED_SUPPLIER_EIC = eic("62X000000000004")

A_PLUS, R_PLUS = Register.ACTIVE_IMPORT, Register.REACTIVE_IMPORT


def _point(base: str, serial: str, registers: tuple[Register, ...], zones: int, digits: int,
           coefficient: int) -> RegistryMeteringPoint:
    meter = RegistryMeter(serial, registers, zones, digits, coefficient)
    return RegistryMeteringPoint(eic(base), (meter,))


DEMO_CONSUMERS: tuple[RegistryConsumer, ...] = (
    RegistryConsumer(
        "270000001", "12345678", "ТОВ Джерело", SANDBOX_SUPPLIER_EIC,
        (
            _point("62Z000000000001", "LZQJ-100001", (A_PLUS, R_PLUS), 2, 6, 1),
            _point("62Z000000000002", "NIK-200002", (A_PLUS,), 1, 7, 30),
        ),
    ),
    RegistryConsumer(
        "270000002", edrpou("2345678"), "ПП Рівнепром", SANDBOX_SUPPLIER_EIC,
        (_point("62Z000000000003", "GAMA-300003", (A_PLUS, R_PLUS), 3, 6, 40),),
    ),
    RegistryConsumer(
        "270000003", edrpou("3456789"), "ТОВ Агроцентр Полісся", UNINTEGRATED_SUPPLIER_EIC,
        (_point("62Z000000000004", "NIK-400004", (A_PLUS,), 2, 6, 1),),
    ),
    RegistryConsumer(
        "270000004", edrpou("4567890"), "КП Рівнеміськводоканал", SANDBOX_SUPPLIER_EIC,
        (
            _point("62Z000000000005", "LZQJ-500005", (A_PLUS, R_PLUS), 2, 7, 100),
            _point("62Z000000000006", "LZQJ-500006", (A_PLUS,), 1, 6, 1),
        ),
    ),
    RegistryConsumer(
        "270000005", edrpou("1122334"), "ФОП Коваленко Олена", SANDBOX_SUPPLIER_EIC,
        (_point("62Z000000000008", "NIK-800008", (A_PLUS,), 1, 6, 1),),
    ),
)


#: At most this many generated consumers (their identifiers have room for no more).
MAX_GENERATED_CONSUMERS = 999_999


def generated_consumers(count: int) -> tuple[RegistryConsumer, ...]:
    """``count`` more consumers of the integrated supplier, the same every time.

    For load runs: each ordering lane of the delivery engine is one contract, so a registry of
    five consumers cannot show what many workers do. Consumer ``n`` has contract ``275nnnnnn``,
    an EDRPOU ``5nnnnnn`` + check digit, and one metering point ``62Z9nnnnnnnnnnD`` + check
    character with a one-zone A+ meter ``GEN-nnnnnn`` (7 digits, coefficient 1).
    """
    if not 0 <= count <= MAX_GENERATED_CONSUMERS:
        raise ValueError(f"кількість згенерованих споживачів має бути від 0 до "
                         f"{MAX_GENERATED_CONSUMERS}, отримано {count}")
    return tuple(
        RegistryConsumer(
            f"275{n:06d}", edrpou(f"5{n:06d}"), f"ТОВ Навантаження {n}", SANDBOX_SUPPLIER_EIC,
            (_point(_usable_eic_base(f"62Z9{n:010d}"), f"GEN-{n:06d}", (A_PLUS,), 1, 7, 1),),
        )
        for n in range(1, count + 1)
    )


def _usable_eic_base(prefix: str) -> str:
    """``prefix`` (14 characters) and the first digit that gives a usable EIC check character.

    Some bases compute to the check character "-", which the EIC scheme declares unusable.
    """
    return next(base for base in (prefix + str(digit) for digit in range(10))
                if _eic.calc_check_digit(base) != "-")


@cache
def sandbox_registry(generated: int = 0) -> tuple[RegistryConsumer, ...]:
    """The demo consumers, then ``generated`` generated ones (built once per process)."""
    return DEMO_CONSUMERS + generated_consumers(generated)


@cache
def sandbox_meters(generated: int = 0) -> dict[str, tuple[int, int]]:
    """(digit capacity, transformation coefficient) of every registry meter, by serial number.

    Cached per process: every priced reading looks its meter up here. Treat it as read-only.
    """
    return {
        meter.serial_number: (meter.digit_capacity, meter.transformation_coefficient)
        for consumer in sandbox_registry(generated)
        for point in consumer.metering_points
        for meter in point.meters
    }
