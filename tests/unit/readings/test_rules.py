"""Reading rules: whole values, every counter once, rollover at capacity, coefficient, warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

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
from adapter.domain.readings import (
    PreviousReading,
    ReadingRules,
    difference,
    evaluate,
    parse_reading_value,
    plausibility_warning,
    volume_of,
)
from adapter.domain.registry import (
    Consumer,
    Meter,
    RegisterZone,
    consumer_from_registry,
    register_zones,
)
from adapter.errors import ValidationError

A, R, AM, RM = (Register.ACTIVE_IMPORT, Register.REACTIVE_IMPORT, Register.ACTIVE_EXPORT,
                Register.REACTIVE_EXPORT)
RULES = ReadingRules()
POINT, OTHER_POINT = "62Z000000000001B", "62Z0000000000029"


def meter(digits: int = 5, coefficient: int = 1, zones: int = 1,
          registers: tuple[Register, ...] = (A,)) -> Meter:
    return Meter("M-1", digits, coefficient, register_zones(registers, zones))


def consumer(*, zones: int = 2, registers: tuple[Register, ...] = (A, R), digits: int = 6,
             coefficient: int = 1) -> Consumer:
    entry = RegistryConsumer(
        "270000001", "12345678", "ТОВ Джерело", "62X0000000000020",
        (RegistryMeteringPoint(POINT, (RegistryMeter("M-1", registers, zones, digits,
                                                     coefficient),)),),
    )
    return consumer_from_registry(entry, valid_from=date(2026, 1, 1))


def document(*readings: Reading, edrpou: str = "12345678", point: str = POINT,
             serial: str = "M-1") -> MeterReadingsDocument:
    header = DocumentHeader("MR-1", 1, DocumentKind.METER_READINGS, "62X0000000000012",
                            "62X0000000000012", datetime(2026, 2, 1, tzinfo=UTC))
    return MeterReadingsDocument(header, "270000001", edrpou, date(2026, 2, 1),
                                 (MeteringPointReadings(point, serial, readings),))


A1 = RegisterZone(A, 1)


def previous(value: int, counter: RegisterZone = A1, volume: int | None = None,
             ) -> dict[tuple[str, str, RegisterZone], PreviousReading]:
    return {(POINT, "M-1", counter): PreviousReading(value, date(2026, 1, 1), volume)}


def code_of(call: object, *args: object) -> str:
    with pytest.raises(ValidationError) as exc:
        call(*args)  # type: ignore[operator]
    return exc.value.code


# ----- values --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [("48213", 48213), (" 0 ", 0), ("12 345", 12345),
                                             ("999999999999", 999999999999)])
def test_parse_whole_values(text: str, value: int) -> None:
    assert parse_reading_value(text) == value


@pytest.mark.parametrize(("text", "code"), [
    ("48213.5", "READING_NOT_WHOLE"), ("48213,0", "READING_NOT_WHOLE"),
    ("-5", "READING_NEGATIVE"), ("1e3", "READING_NOT_A_NUMBER"), ("", "READING_NOT_A_NUMBER"),
    ("1000000000000", "READING_TOO_MANY_DIGITS"),
])
def test_parse_refuses(text: str, code: str) -> None:
    assert code_of(parse_reading_value, text) == code


# ----- difference, rollover, coefficient --------------------------------------------------------

def test_forward_difference_and_coefficient() -> None:
    assert difference(40013, 48213, meter(), RULES) == 8200
    assert volume_of(40013, 48213, meter(coefficient=30), RULES) == 8200 * 30
    assert volume_of(500, 500, meter(coefficient=30), RULES) == 0


def test_rollover_at_digit_capacity() -> None:
    # A 5-digit counter goes 99 950 -> 00 030: 80 units, not a counter running backwards.
    assert difference(99950, 30, meter(digits=5), RULES) == 80
    assert volume_of(99950, 30, meter(digits=5, coefficient=40), RULES) == 3200
    # The same values on a 6-digit meter are a counter running backwards.
    assert code_of(difference, 99950, 30, meter(digits=6), RULES) == "READING_BACKWARDS"


def test_rollover_to_exactly_zero() -> None:
    assert difference(99999, 0, meter(digits=5), RULES) == 1


def test_backwards_is_an_error() -> None:
    assert code_of(difference, 48213, 48000, meter(), RULES) == "READING_BACKWARDS"
    assert code_of(difference, 1, 0, meter(digits=5), RULES) == "READING_BACKWARDS"


def test_rollover_share_is_configurable() -> None:
    strict = ReadingRules(max_rollover_fraction=0.001)  # 100 units on a 5-digit meter
    assert difference(99950, 30, meter(digits=5), strict) == 80
    assert code_of(difference, 99000, 30, meter(digits=5), strict) == "READING_BACKWARDS"


def test_value_beyond_capacity_is_refused() -> None:
    assert code_of(difference, 0, 100000, meter(digits=5), RULES) == "READING_TOO_MANY_DIGITS"
    assert difference(0, 99999, meter(digits=5), RULES) == 99999


# ----- plausibility ------------------------------------------------------------------------------

def test_implausible_volume_is_a_warning() -> None:
    assert plausibility_warning(5000, 1000, RULES) is None
    warning = plausibility_warning(5001, 1000, RULES)
    assert warning is not None and warning.code == "READING_IMPLAUSIBLE_VOLUME"
    assert plausibility_warning(10**9, None, RULES) is None  # nothing to compare with
    capped = ReadingRules(volume_ceiling=10000)
    assert plausibility_warning(10000, None, capped) is None
    assert plausibility_warning(10001, None, capped) is not None


# ----- zones and registers ------------------------------------------------------------------------

def test_zones_apply_to_active_registers_only() -> None:
    counters = register_zones((A, AM, R, RM), 3)
    assert [str(c) for c in counters] == [
        "A+ зона 1", "A+ зона 2", "A+ зона 3", "A- зона 1", "A- зона 2", "A- зона 3",
        "R+ зона 1", "R- зона 1",
    ]


def test_evaluate_two_zone_meter() -> None:
    doc = document(Reading(A, 1, 1200), Reading(A, 2, 700), Reading(R, 1, 90))
    prev = {**previous(1000), **previous(650, RegisterZone(A, 2)),
            **previous(50, RegisterZone(R, 1))}
    result = evaluate(doc, consumer(coefficient=2), prev, RULES)
    volumes = {(r.counter.register.value, r.counter.zone): r.volume for r in result.readings}
    assert volumes == {("A+", 1): 400, ("A+", 2): 100, ("R+", 1): 80}
    assert result.warnings == ()


def test_first_reading_uses_the_stated_previous_value() -> None:
    doc = document(Reading(A, 1, 1200, previous_value=1100), Reading(A, 2, 700),
                   Reading(R, 1, 90))
    by_counter = {r.counter: r for r in evaluate(doc, consumer(), {}, RULES).readings}
    assert by_counter[RegisterZone(A, 1)].volume == 100
    assert by_counter[RegisterZone(A, 2)].volume is None  # nothing known yet


def test_stated_previous_that_disagrees_is_a_warning() -> None:
    doc = document(Reading(A, 1, 1200, previous_value=1100), Reading(A, 2, 700),
                   Reading(R, 1, 90))
    result = evaluate(doc, consumer(), previous(1000), RULES)
    first = next(r for r in result.readings if r.counter == RegisterZone(A, 1))
    assert first.volume == 200  # from our own last accepted reading
    assert [w.code for w in result.warnings] == ["READING_PREVIOUS_MISMATCH"]


def test_implausible_volume_warns_but_evaluates() -> None:
    doc = document(Reading(A, 1, 20000), Reading(A, 2, 1), Reading(R, 1, 1))
    result = evaluate(doc, consumer(), previous(1000, volume=1000), RULES)
    assert [w.code for w in result.warnings] == ["READING_IMPLAUSIBLE_VOLUME"]


@pytest.mark.parametrize(("readings", "code"), [
    ((Reading(A, 1, 1), Reading(A, 2, 1)), "READING_MISSING_REGISTER"),
    ((Reading(A, 1, 1), Reading(A, 2, 1), Reading(R, 1, 1), Reading(A, 1, 2)),
     "READING_DUPLICATE"),
    ((Reading(A, 1, 1), Reading(A, 2, 1), Reading(R, 1, 1), Reading(A, 3, 1)),
     "READING_UNKNOWN_REGISTER"),
    ((Reading(A, 1, 1), Reading(A, 2, 1), Reading(R, 1, 1), Reading(RM, 1, 1)),
     "READING_UNKNOWN_REGISTER"),
    ((Reading(A, 1, 1), Reading(A, 2, 1), Reading(R, 2, 1)), "READING_UNKNOWN_REGISTER"),
    ((Reading(A, 1, 1_000_000), Reading(A, 2, 1), Reading(R, 1, 1)), "READING_TOO_MANY_DIGITS"),
])
def test_evaluate_refuses(readings: tuple[Reading, ...], code: str) -> None:
    assert code_of(evaluate, document(*readings), consumer(), {}, RULES) == code


def test_evaluate_refuses_backwards_against_stored_reading() -> None:
    doc = document(Reading(A, 1, 900), Reading(A, 2, 1), Reading(R, 1, 1))
    assert code_of(evaluate, doc, consumer(), previous(1000), RULES) == "READING_BACKWARDS"


def test_evaluate_refuses_a_non_integer_value() -> None:
    doc = document(Reading(A, 1, 1.5), Reading(A, 2, 1), Reading(R, 1, 1))  # type: ignore[arg-type]
    assert code_of(evaluate, doc, consumer(), {}, RULES) == "READING_NOT_WHOLE"


def test_evaluate_checks_the_registry() -> None:
    ok = (Reading(A, 1, 1), Reading(A, 2, 1), Reading(R, 1, 1))
    assert code_of(evaluate, document(*ok, edrpou="87654322"), consumer(), {},
                   RULES) == "READING_EDRPOU_MISMATCH"
    assert code_of(evaluate, document(*ok, point=OTHER_POINT), consumer(), {},
                   RULES) == "READING_UNKNOWN_METERING_POINT"
    assert code_of(evaluate, document(*ok, serial="M-9"), consumer(), {},
                   RULES) == "READING_UNKNOWN_METER"
