"""The cabinet's readings form: the counters to fill, their previous readings, checks, document.

:func:`readings_form` lists, for a contract, one field per meter counter (register x zone) with
the previous accepted reading and what the volume computation needs (the page's script shows the
volume as the user types; :func:`check_readings` recomputes it). :func:`check_readings` parses the
posted values, runs the domain rules *before* anything is signed (errors next to each field,
implausible volumes as warnings to confirm) and builds the unsigned ``MeterReadingsDocument``: a
fresh UUID mRID, sender and receiver the DSO (consumers have no EIC; see docs/readings.md).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from adapter.domain.documents import (
    DocumentHeader,
    DocumentKind,
    MeteringPointReadings,
    MeterReadingsDocument,
    Reading,
    Register,
)
from adapter.domain.readings import (
    Evaluation,
    PreviousReading,
    ReadingsWindow,
    check_in_force,
    evaluate,
    parse_reading_value,
    volume_of,
)
from adapter.domain.registry import Consumer, Meter, RegisterZone
from adapter.errors import AdapterError
from adapter.mappers import write_document
from adapter.persistence.uow import UnitOfWork
from adapter.services.accounts import FieldProblem, FormInvalid
from adapter.services.readings import ReadingsContext, previous_readings
from adapter.services.registry import find_consumer_by_contract

CONFIRM_FIELD = "confirm_warnings"
_SLUG = {"A+": "ap", "A-": "am", "R+": "rp", "R-": "rm"}
_UNITS = {"kWh": "кВт·год", "kvarh": "квар·год"}


def field_name(point: str, serial: str, counter: RegisterZone) -> str:
    """The stable name and id of one counter's input, e.g. ``r-62Z...-M-1001-ap-1``."""
    safe_serial = re.sub(r"[^A-Za-z0-9-]", "_", serial)
    return f"r-{point}-{safe_serial}-{_SLUG[Register(counter.register).value]}-{counter.zone}"


@dataclass(frozen=True)
class CounterField:
    """One input: a counter of a meter, its label, and the previous accepted reading."""

    name: str
    counter: RegisterZone
    label: str
    unit: str
    previous: PreviousReading | None


@dataclass(frozen=True)
class MeterFields:
    """A meter at a metering point, with one field per counter."""

    point_eic: str
    meter: Meter
    fields: tuple[CounterField, ...]


@dataclass(frozen=True)
class WindowStatus:
    """Where today stands in the readings window (what the dashboard calls "what is due")."""

    today: date
    is_open: bool
    reading_date: date | None
    opens: date
    closes: date
    enforced: bool

    @property
    def accepting(self) -> bool:
        """Whether the cabinet accepts readings today."""
        return self.is_open or not self.enforced


@dataclass(frozen=True)
class ReadingsForm:
    """The whole form of a contract: the window and every meter's fields."""

    window: WindowStatus
    meters: tuple[MeterFields, ...]
    consumer: Consumer | None
    #: The local day the contract was withdrawn from billing's registry (terminated), if it was.
    withdrawn_on: date | None = None


@dataclass(frozen=True)
class CheckedReadings:
    """Readings that passed the rules: the document to sign, its evaluation and warnings."""

    document: MeterReadingsDocument
    unsigned_xml: bytes
    evaluation: Evaluation
    warnings: dict[str, FieldProblem]
    volumes: dict[str, int | None]


def window_status(ctx: ReadingsContext, now: datetime) -> WindowStatus:
    """Today (in the DSO's time zone) against the readings window."""
    today = now.astimezone(ZoneInfo(ctx.timezone)).date()
    window = ctx.window
    reading_date = window.reading_date_for(today)
    opens, closes = _window_bounds(window, today, reading_date)
    return WindowStatus(today, reading_date is not None, reading_date, opens, closes,
                        ctx.rules.enforce_window)


def _window_bounds(window: ReadingsWindow, today: date, reading_date: date | None
                   ) -> tuple[date, date]:
    # The window that contains today, else the next one.
    first = reading_date or (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    last_of_previous = first - timedelta(days=1)
    opens = last_of_previous - timedelta(days=window.days_before_month_end)
    return opens, first.replace(day=window.last_day_of_next_month)


def _reading_date(status: WindowStatus) -> date:
    if status.reading_date is not None:
        return status.reading_date
    return status.today.replace(day=1)  # window not enforced: the reading of this month's 1st


def readings_form(unit: UnitOfWork, ctx: ReadingsContext, contract: str, now: datetime
                  ) -> ReadingsForm:
    """The form of ``contract``: a field per counter with its previous accepted reading."""
    status = window_status(ctx, now)
    consumer = find_consumer_by_contract(unit, contract)
    if consumer is None:
        return ReadingsForm(status, (), None)
    skeleton = _document(consumer, _reading_date(status), {}, ctx, now)
    previous = previous_readings(unit.session, skeleton)
    meters = tuple(
        MeterFields(point.eic, meter, tuple(
            CounterField(field_name(point.eic, meter.serial, counter), counter,
                         _label(counter), _UNITS[Register(counter.register).unit],
                         previous.get((point.eic, meter.serial, counter)))
            for counter in meter.registers))
        for point in consumer.metering_points for meter in point.meters
    )
    return ReadingsForm(status, meters, consumer, consumer.withdrawn_on(ctx.timezone))


def _label(counter: RegisterZone) -> str:
    register = Register(counter.register)
    kind = "активна" if register.value.startswith("A") else "реактивна"
    direction = "прийом" if register.value.endswith("+") else "віддача"
    return f"{register.value} ({kind}, {direction}), зона {counter.zone}"


def _document(consumer: Consumer, reading_date: date, values: Mapping[str, int],
              ctx: ReadingsContext, now: datetime,
              previous: Mapping[tuple[str, str, RegisterZone], PreviousReading] | None = None,
              ) -> MeterReadingsDocument:
    points = []
    for point in consumer.metering_points:
        for meter in point.meters:
            readings = tuple(
                Reading(Register(c.register), c.zone,
                        values.get(field_name(point.eic, meter.serial, c), 0),
                        _known(previous, point.eic, meter.serial, c))
                for c in meter.registers)
            points.append(MeteringPointReadings(point.eic, meter.serial, readings))
    header = DocumentHeader(str(uuid.uuid4()), 1, DocumentKind.METER_READINGS, ctx.dso_eic,
                            ctx.dso_eic, now)
    return MeterReadingsDocument(header, consumer.contract_number, consumer.edrpou,
                                 reading_date, tuple(points))


def _known(previous: Mapping[tuple[str, str, RegisterZone], PreviousReading] | None,
           point: str, serial: str, counter: RegisterZone) -> int | None:
    found = (previous or {}).get((point, serial, counter))
    return found.value if found is not None else None


def check_readings(unit: UnitOfWork, ctx: ReadingsContext, contract: str,
                   form: Mapping[str, str], now: datetime) -> CheckedReadings:
    """Parse and check the posted values; the unsigned document when they pass.

    Raises :class:`FormInvalid` with a problem per field (``""`` for the window or the
    contract). Warnings (implausible volumes) must be confirmed with ``confirm_warnings``; until
    then they come back as problems with code ``READING_CONFIRM_NEEDED``.
    """
    model = readings_form(unit, ctx, contract, now)
    if model.consumer is None or not model.meters:
        raise FormInvalid({"": FieldProblem("READING_UNKNOWN_CONTRACT",
                                            "Для Вашого договору в реєстрі немає лічильників.")})
    if not model.window.accepting:
        raise FormInvalid({"": FieldProblem("READING_OUTSIDE_WINDOW", _closed(model.window))})
    values, problems, volumes = _parse_values(model, form, ctx)
    if problems:
        raise FormInvalid(problems)
    document = _document(model.consumer, _reading_date(model.window), values, ctx, now,
                         _previous_map(model))
    try:
        check_in_force(document.reading_date, model.consumer, ctx.timezone)
        evaluation = evaluate(document, model.consumer, _previous_map(model), ctx.rules)
    except AdapterError as error:
        raise FormInvalid({"": FieldProblem(error.code, error.message)}) from error
    warnings = _warnings(model, evaluation)
    if warnings and form.get(CONFIRM_FIELD) != "on":
        raise FormInvalid({name: FieldProblem("READING_CONFIRM_NEEDED", problem.message)
                           for name, problem in warnings.items()}, status=422)
    return CheckedReadings(document, write_document(document), evaluation, warnings, volumes)


def _closed(status: WindowStatus) -> str:
    return (f"Показники приймаються з {status.opens:%d.%m.%Y} по {status.closes:%d.%m.%Y}; "
            "зараз подати їх не можна.")


def _previous_map(model: ReadingsForm) -> dict[tuple[str, str, RegisterZone], PreviousReading]:
    return {(m.point_eic, m.meter.serial, f.counter): f.previous
            for m in model.meters for f in m.fields if f.previous is not None}


def _parse_values(model: ReadingsForm, form: Mapping[str, str], ctx: ReadingsContext
                  ) -> tuple[dict[str, int], dict[str, FieldProblem], dict[str, int | None]]:
    values: dict[str, int] = {}
    problems: dict[str, FieldProblem] = {}
    volumes: dict[str, int | None] = {}
    for meter in model.meters:
        for spec in meter.fields:
            text = form.get(spec.name, "").strip()
            if not text:
                problems[spec.name] = FieldProblem(
                    "READING_MISSING_REGISTER", f"Введіть показник {spec.label}.")
                continue
            try:
                value = parse_reading_value(text)
                volumes[spec.name] = (volume_of(spec.previous.value, value, meter.meter, ctx.rules)
                                      if spec.previous else None)
                if value >= meter.meter.capacity:
                    volume_of(value, value, meter.meter, ctx.rules)  # raises: too many digits
            except AdapterError as error:
                problems[spec.name] = FieldProblem(error.code, error.message)
                continue
            values[spec.name] = value
    return values, problems, volumes


def _warnings(model: ReadingsForm, evaluation: Evaluation) -> dict[str, FieldProblem]:
    out: dict[str, FieldProblem] = {}
    for reading in evaluation.readings:
        for warning in reading.warnings:
            if warning.code == "READING_PREVIOUS_MISMATCH":
                continue  # we state our own previous value: cannot happen, and not the user's
            name = field_name(reading.metering_point_eic, reading.meter_serial, reading.counter)
            out[name] = FieldProblem(warning.code, warning.message)
    return out


__all__ = [
    "CONFIRM_FIELD",
    "CheckedReadings",
    "CounterField",
    "MeterFields",
    "ReadingsForm",
    "WindowStatus",
    "check_readings",
    "field_name",
    "readings_form",
    "window_status",
]
