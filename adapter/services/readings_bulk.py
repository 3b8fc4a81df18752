"""Bulk readings from a spreadsheet (CSV or XLSX) for consumers with many metering points.

One row per counter: ``EIC, meter serial, register, zone, value`` (a header row with these
names, in Ukrainian or English, is recognised and skipped). The rows become the values of the
cabinet's readings form (:func:`adapter.services.readings_form.field_name`), which then goes
through the same checks and signing as a form typed by hand. Every problem names its row.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from adapter.domain.documents import Register
from adapter.domain.registry import RegisterZone
from adapter.errors import ValidationError
from adapter.services.readings_form import ReadingsForm

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
_HEADER_WORDS = {"eic", "еіс", "ЕІС", "ЕІС-код", "точка обліку", "metering_point_eic"}


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one row (1-based, as the spreadsheet numbers it)."""

    row: int
    message: str


@dataclass(frozen=True)
class BulkResult:
    """Form values from the file, and every row that could not be used."""

    values: dict[str, str]
    problems: tuple[RowProblem, ...]
    rows: int


def read_rows(data: bytes, filename: str) -> list[list[str]]:
    """The cells of a CSV (UTF-8, ``,`` or ``;``) or XLSX file, as text."""
    if len(data) > MAX_BYTES:
        raise ValidationError("Файл завеликий (до 2 МБ).", code="READING_BULK_TOO_LARGE")
    if filename.lower().endswith(".xlsx"):
        return _xlsx_rows(data)
    if filename.lower().endswith(".csv"):
        return _csv_rows(data)
    raise ValidationError("Підтримуються файли CSV та XLSX.", code="READING_BULK_FORMAT")


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("CSV має бути в кодуванні UTF-8.",
                              code="READING_BULK_FORMAT") from exc
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(data: bytes) -> list[list[str]]:
    import openpyxl  # imported here: only bulk upload needs it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationError("Файл XLSX пошкоджено або це не XLSX.",
                              code="READING_BULK_FORMAT") from exc
    try:
        sheet = book.worksheets[0]
        return [[_cell(value) for value in row]
                for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
    finally:
        book.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # spreadsheets keep whole numbers as floats
    return str(value).strip()


def bulk_values(rows: Sequence[Sequence[str]], form: ReadingsForm) -> BulkResult:
    """Map rows to the form's fields; rows that name nothing of this contract are problems."""
    known = {(m.point_eic, m.meter.serial, f.counter): f.name
             for m in form.meters for f in m.fields}
    values: dict[str, str] = {}
    seen: dict[str, int] = {}
    problems: list[RowProblem] = []
    counted = 0
    for number, row in _data_rows(rows):
        counted += 1
        if counted > MAX_ROWS:
            problems.append(RowProblem(number, f"Забагато рядків (до {MAX_ROWS})."))
            break
        try:
            name = _field_of(row, known)
        except ValueError as exc:
            problems.append(RowProblem(number, str(exc)))
            continue
        if name in seen:
            problems.append(RowProblem(number, f"Цей лічильник уже є в рядку {seen[name]}."))
            continue
        seen[name] = number
        values[name] = row[4].strip()
    problems += _missing(known, seen)
    return BulkResult(values, tuple(problems), counted)


def _data_rows(rows: Sequence[Sequence[str]]) -> Iterable[tuple[int, list[str]]]:
    for number, row in enumerate(rows, start=1):
        cells = [str(cell).strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].casefold() in {w.casefold() for w in _HEADER_WORDS}:
            continue
        yield number, cells


def _field_of(row: list[str], known: dict[tuple[str, str, RegisterZone], str]) -> str:
    if len(row) < 5:
        raise ValueError("Очікується 5 стовпців: ЕІС, номер лічильника, регістр, зона, показник.")
    eic, serial, register, zone = row[0].upper(), row[1], row[2].upper(), row[3]
    try:
        counter = RegisterZone(Register(register.replace("А", "A")), int(zone or "1"))
    except ValueError as exc:
        raise ValueError(f"Регістр {register!r} або зона {zone!r} некоректні "
                         "(регістри A+, A-, R+, R-; зони 1-3).") from exc
    if not any(key[0] == eic for key in known):
        raise ValueError(f"Точка обліку {eic} не належить Вашому договору.")
    if not any(key[:2] == (eic, serial) for key in known):
        raise ValueError(f"Лічильник {serial} не встановлено в точці обліку {eic}.")
    name = known.get((eic, serial, counter))
    if name is None:
        raise ValueError(f"Лічильник {serial} не має регістра {counter}.")
    return name


def _missing(known: dict[tuple[str, str, RegisterZone], str], seen: dict[str, int]
             ) -> list[RowProblem]:
    absent = [key for key, name in known.items() if name not in seen]
    if not absent or not seen:
        return []  # an empty file is reported as such, not as every counter missing
    return [RowProblem(0, f"Немає рядка для {eic}, лічильник {serial}, {counter}.")
            for eic, serial, counter in absent]


__all__ = ["MAX_ROWS", "BulkResult", "RowProblem", "bulk_values", "read_rows"]
