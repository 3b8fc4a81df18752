"""The billing peer's demo consumer registry (a fixed data set; EIC check characters computed).

The sandbox consumer (contract 270000001, EDRPOU 12345678, metering points 62Z000000000001B and
62Z0000000000029) comes first; a few more consumers follow, one of them served by a supplier with
no integration (62X000000000004X), so the cabinet has to show it as "documents on paper".
"""

from __future__ import annotations

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


def demo_meters() -> dict[str, tuple[int, int]]:
    """(digit capacity, transformation coefficient) of every demo meter, by serial number."""
    return {
        meter.serial_number: (meter.digit_capacity, meter.transformation_coefficient)
        for consumer in DEMO_CONSUMERS
        for point in consumer.metering_points
        for meter in point.meters
    }
