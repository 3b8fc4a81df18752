"""The rules of meter readings (PRODUCT.md, Commercial Metering Code 8.6.3), as plain Python.

- One whole-number value per meter register and tariff zone; every counter of the meter is covered.
- A counter never runs backwards, except by rolling over at its digit capacity:
  ``difference = (value - previous) mod 10**digits``. A decrease counts as a rollover only when the
  difference it implies is below ``max_rollover_fraction`` of the capacity; otherwise it is a
  counter running backwards (a 5-digit meter reading 48 000 after 48 213 did not just count
  99 787 kWh).
- ``volume = difference x transformation coefficient``.
- An implausible volume is a *warning*, never an error: the consumer may be right.
- Readings sent from ``days_before_month_end`` days before the month's last day to the
  ``last_day_of_next_month``-th of the next month count as the reading on the 1st of that next
  month.

Rule breaches raise :class:`~adapter.errors.ValidationError` with a stable ``READING_*`` code.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from adapter.domain.documents import MeteringPointReadings, MeterReadingsDocument, Register
from adapter.domain.registry import Consumer, Meter, RegisterZone
from adapter.errors import ValidationError

_WHOLE = re.compile(r"[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+([.,][0-9]*)?")


def _fail(code: str, message: str, **fields: object) -> ValidationError:
    return ValidationError(message, code=code, **fields)


@dataclass(frozen=True)
class ReadingsWindow:
    """When readings count as the 1st-of-month reading (Commercial Metering Code, 8.6.3).

    With the defaults a reading sent on 29, 30 or 31 January or on 1-3 February counts as the
    reading of 1 February (``days_before_month_end=2``: the last day minus two days onwards).
    """

    days_before_month_end: int = 2
    last_day_of_next_month: int = 3

    def __post_init__(self) -> None:
        if not 0 <= self.days_before_month_end <= 27 or not 1 <= self.last_day_of_next_month <= 27:
            raise ValueError("readings window out of range")

    def reading_date_for(self, day: date) -> date | None:
        """The 1st-of-month reading date ``day`` counts for, or None outside the window."""
        if day.day <= self.last_day_of_next_month:
            return day.replace(day=1)
        last = calendar.monthrange(day.year, day.month)[1]
        if day.day >= last - self.days_before_month_end:
            return day.replace(day=last) + timedelta(days=1)
        return None

    def contains(self, day: date) -> bool:
        """Whether a reading sent on ``day`` is inside the window."""
        return self.reading_date_for(day) is not None


@dataclass(frozen=True)
class ReadingRules:
    """Tunable limits of the reading checks (all from configuration)."""

    #: A decrease is a rollover only if the implied difference is below this share of capacity.
    max_rollover_fraction: float = 0.5
    #: Warn when a volume exceeds this many times the previous period's volume.
    implausible_factor: int = 5
    #: Warn when a volume (after the coefficient) exceeds this many kWh/kvarh; None: no ceiling.
    volume_ceiling: int | None = None
    #: Reject readings sent outside the window (False: accept, dated as the document says).
    enforce_window: bool = True


@dataclass(frozen=True)
class PreviousReading:
    """The last accepted value of one counter, and the volume it implied (if known)."""

    value: int
    reading_date: date
    volume: int | None = None


@dataclass(frozen=True)
class ReadingWarning:
    """Something odd but acceptable about one counter; shown to the consumer and operator."""

    code: str
    message: str


@dataclass(frozen=True)
class EvaluatedReading:
    """One counter's accepted value with what it implies."""

    metering_point_eic: str
    meter_serial: str
    counter: RegisterZone
    value: int
    previous_value: int | None
    volume: int | None
    warnings: tuple[ReadingWarning, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    """The outcome of checking a whole document: every counter, and all warnings."""

    readings: tuple[EvaluatedReading, ...]
    warnings: tuple[ReadingWarning, ...] = field(default=())


def parse_reading_value(text: str) -> int:
    """A counter value typed by a person: whole, non-negative, at most 12 digits."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if _WHOLE.fullmatch(cleaned) and len(cleaned) <= 12:
        return int(cleaned)
    if cleaned.startswith("-") and _NUMBER.fullmatch(cleaned):
        raise _fail("READING_NEGATIVE", f"Показник не може бути від'ємним: {text!r}.")
    if _NUMBER.fullmatch(cleaned):
        if _WHOLE.fullmatch(cleaned):
            raise _fail("READING_TOO_MANY_DIGITS", f"Показник має забагато цифр: {text!r}.")
        raise _fail(
            "READING_NOT_WHOLE", f"Показник має бути цілим числом кВт·год (квар·год): {text!r}."
        )
    raise _fail("READING_NOT_A_NUMBER", f"Показник має бути числом: {text!r}.")


def difference(previous: int, value: int, meter: Meter, rules: ReadingRules) -> int:
    """Counter units between ``previous`` and ``value``, allowing a rollover at capacity."""
    _check_value(value, meter)
    if value >= previous:
        return value - previous
    counted = (value - previous) % meter.capacity
    if counted >= meter.capacity * rules.max_rollover_fraction:
        raise _fail(
            "READING_BACKWARDS",
            f"Лічильник {meter.serial}: показник {value} менший за попередній {previous}; "
            "лічильник не може рахувати назад.",
            value=value,
            previous=previous,
        )
    return counted


def volume_of(previous: int, value: int, meter: Meter, rules: ReadingRules) -> int:
    """Energy between two readings: difference x transformation coefficient."""
    return difference(previous, value, meter, rules) * meter.transformation_coefficient


def plausibility_warning(
    volume: int, previous_volume: int | None, rules: ReadingRules
) -> ReadingWarning | None:
    """A warning when ``volume`` looks implausible (never an error: the consumer may be right)."""
    if rules.volume_ceiling is not None and volume > rules.volume_ceiling:
        return ReadingWarning(
            "READING_IMPLAUSIBLE_VOLUME",
            f"Обсяг {volume} перевищує допустиму межу {rules.volume_ceiling}; перевірте показник.",
        )
    if previous_volume and volume > previous_volume * rules.implausible_factor:
        return ReadingWarning(
            "READING_IMPLAUSIBLE_VOLUME",
            f"Обсяг {volume} більш ніж у {rules.implausible_factor} разів перевищує попередній "
            f"({previous_volume}); перевірте показник.",
        )
    return None


def check_reading_date(
    reading_date: date, submitted_on: date, window: ReadingsWindow, rules: ReadingRules
) -> None:
    """The document's reading date must be the date its sending day counts for."""
    if not rules.enforce_window:
        return
    expected = window.reading_date_for(submitted_on)
    if expected is None:
        raise _fail(
            "READING_OUTSIDE_WINDOW",
            f"Показники приймаються з {window.days_before_month_end}-го дня до кінця місяця "
            f"по {window.last_day_of_next_month}-тє число наступного; {submitted_on} поза цим "
            "періодом.",
        )
    if reading_date != expected:
        raise _fail(
            "READING_DATE_MISMATCH",
            f"Показники, надіслані {submitted_on}, мають бути на {expected}, а не на "
            f"{reading_date}.",
        )


def check_in_force(reading_date: date, consumer: Consumer, timezone: str) -> None:
    """A withdrawn (terminated) contract takes only its closing readings: dated no later than the
    local day it was withdrawn."""
    withdrawn_on = consumer.withdrawn_on(timezone)
    if withdrawn_on is not None and reading_date > withdrawn_on:
        raise _fail(
            "READING_CONTRACT_WITHDRAWN",
            f"Договір {consumer.contract_number} припинено {withdrawn_on:%d.%m.%Y}: показники "
            "приймаються лише на дату, не пізнішу за припинення.",
        )


def evaluate(
    doc: MeterReadingsDocument,
    consumer: Consumer,
    previous: Mapping[tuple[str, str, RegisterZone], PreviousReading],
    rules: ReadingRules,
) -> Evaluation:
    """Check a readings document against the registry and earlier readings.

    ``previous`` maps (metering point EIC, meter serial, counter) to its last accepted reading
    before ``doc.reading_date``. Raises :class:`ValidationError` on the first rule broken.
    """
    if doc.contract_number != consumer.contract_number:
        raise _fail("READING_UNKNOWN_CONTRACT", f"Договір {doc.contract_number} не знайдено.")
    if doc.consumer_edrpou != consumer.edrpou:
        raise _fail(
            "READING_EDRPOU_MISMATCH",
            f"Код ЄДРПОУ {doc.consumer_edrpou} не відповідає договору {consumer.contract_number}.",
        )
    out: list[EvaluatedReading] = []
    for point in doc.points:
        meter = _meter_of(consumer, point)
        out.extend(_evaluate_point(point, meter, previous, rules))
    warnings = tuple(w for reading in out for w in reading.warnings)
    return Evaluation(tuple(out), warnings)


def _meter_of(consumer: Consumer, point: MeteringPointReadings) -> Meter:
    registered = consumer.metering_point(point.eic)
    if registered is None:
        raise _fail(
            "READING_UNKNOWN_METERING_POINT",
            f"Точка обліку {point.eic} не належить договору {consumer.contract_number}.",
        )
    meter = registered.meter(point.meter_serial)
    if meter is None:
        raise _fail(
            "READING_UNKNOWN_METER",
            f"Лічильник {point.meter_serial} не встановлено в точці обліку {point.eic}.",
        )
    return meter


def _counters(point: MeteringPointReadings, meter: Meter) -> dict[RegisterZone, int]:
    values: dict[RegisterZone, int] = {}
    for reading in point.readings:
        counter = RegisterZone(Register(reading.register), reading.zone)
        if counter in values:
            raise _fail("READING_DUPLICATE", f"Лічильник {meter.serial}: {counter} повторюється.")
        if counter not in meter.registers:
            raise _fail(
                "READING_UNKNOWN_REGISTER",
                f"Лічильник {meter.serial} не має регістра {counter}.",
            )
        if isinstance(reading.value, bool) or not isinstance(reading.value, int):
            raise _fail("READING_NOT_WHOLE", f"Лічильник {meter.serial}: {counter}: не ціле число.")
        values[counter] = reading.value
    missing = [str(counter) for counter in meter.registers if counter not in values]
    if missing:
        raise _fail(
            "READING_MISSING_REGISTER",
            f"Лічильник {meter.serial}: немає показників для {', '.join(missing)}.",
        )
    return values


def _check_value(value: int, meter: Meter) -> None:
    if value < 0:
        raise _fail("READING_NEGATIVE", f"Лічильник {meter.serial}: від'ємний показник {value}.")
    if value >= meter.capacity:
        raise _fail(
            "READING_TOO_MANY_DIGITS",
            f"Лічильник {meter.serial} має {meter.digit_capacity} розрядів; показник {value} "
            "не може на ньому бути.",
        )


def _evaluate_point(
    point: MeteringPointReadings,
    meter: Meter,
    previous: Mapping[tuple[str, str, RegisterZone], PreviousReading],
    rules: ReadingRules,
) -> list[EvaluatedReading]:
    stated = {RegisterZone(Register(r.register), r.zone): r.previous_value for r in point.readings}
    out: list[EvaluatedReading] = []
    for counter, value in sorted(_counters(point, meter).items()):
        _check_value(value, meter)
        known = previous.get((point.eic, meter.serial, counter))
        # Our own last accepted reading is the reference; the value the consumer states as
        # "previous" counts only for a counter we have never seen (the first submission).
        base = known.value if known is not None else stated.get(counter)
        warnings: list[ReadingWarning] = []
        volume = None
        if base is not None:
            volume = volume_of(base, value, meter, rules)
            warning = plausibility_warning(volume, known.volume if known else None, rules)
            warnings += [warning] if warning else []
        if known is not None and stated.get(counter) not in (None, known.value):
            warnings.append(ReadingWarning(
                "READING_PREVIOUS_MISMATCH",
                f"Лічильник {meter.serial}, {counter}: попередній показник {stated[counter]} "
                f"не збігається з прийнятим раніше ({known.value}); обсяг пораховано від "
                f"{known.value}.",
            ))
        out.append(EvaluatedReading(point.eic, meter.serial, counter, value, base, volume,
                                    tuple(warnings)))
    return out
