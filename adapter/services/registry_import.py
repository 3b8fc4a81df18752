"""Importing the registry from a file: billing's signed XML, or CSV for a first load."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from adapter.domain.documents import (
    ConsumerRegistry,
    Register,
    RegistryConsumer,
    RegistryMeter,
    RegistryMeteringPoint,
)
from adapter.domain.identifiers import EIC_METERING_POINT, is_valid_contract_number
from adapter.errors import AdapterError, MappingError, ValidationError
from adapter.mappers import read_document
from adapter.mappers.rules import check_edrpou, check_eic
from adapter.persistence.uow import UnitOfWork
from adapter.safexml import parse_xml
from adapter.services.registry import ApplyResult, apply_registry
from adapter.signing import VerificationPolicy, verify


def import_registry_file(
    uow: Callable[[], UnitOfWork],
    path: Path,
    *,
    policy: VerificationPolicy | None,
    now: datetime,
    billing_eic: str | None = None,
    allow_unsigned: bool = False,
) -> ApplyResult:
    """Import a registry file in one transaction.

    ``*.xml``: a ConsumerRegistry signed by billing (verified with ``policy``, party ``billing``;
    its sender must be ``billing_eic`` when given). An unsigned XML or a ``*.csv`` (bootstrap of a
    fresh installation, see docs/readings.md) only with ``allow_unsigned``.
    """
    data = Path(path).read_bytes()
    if Path(path).suffix.lower() == ".csv":
        _require_unsigned_allowed(allow_unsigned)
        entries: Sequence[RegistryConsumer] = parse_registry_csv(data.decode("utf-8-sig"))
    else:
        entries = _read_registry_xml(data, policy=policy, now=now, billing_eic=billing_eic,
                                     allow_unsigned=allow_unsigned).consumers
    with uow() as unit:
        result = apply_registry(unit, entries, now=now)
        unit.commit()
    return result


def _require_unsigned_allowed(allow_unsigned: bool) -> None:
    if not allow_unsigned:
        raise ValidationError(
            "Непідписаний реєстр приймається лише для початкового завантаження (--unsigned).",
            code="REGISTRY_UNSIGNED",
        )


def _read_registry_xml(
    data: bytes, *, policy: VerificationPolicy | None, now: datetime, billing_eic: str | None,
    allow_unsigned: bool,
) -> ConsumerRegistry:
    root = parse_xml(data)
    if root.find("{http://www.w3.org/2000/09/xmldsig#}Signature") is None:
        _require_unsigned_allowed(allow_unsigned)
    else:
        if policy is None:
            raise ValidationError("Немає політики перевірки підпису білінгу.",
                                  code="REGISTRY_NO_POLICY")
        root = verify(data, policy=policy, now=now, party="billing").signed_root
    document = read_document(root)
    if not isinstance(document, ConsumerRegistry):
        raise MappingError(f"Очікувався реєстр споживачів, а не {document.KIND}.",
                           code="REGISTRY_WRONG_KIND")
    if billing_eic is not None and document.header.sender_eic != billing_eic:
        raise MappingError(f"Реєстр надіслав {document.header.sender_eic}, а не білінг.",
                           code="DOC_SENDER_MISMATCH")
    return document


CSV_COLUMNS = ("contract_number", "edrpou", "name", "supplier_eic", "metering_point_eic",
               "meter_serial", "registers", "zone_count", "digit_capacity",
               "transformation_coefficient")


def parse_registry_csv(text: str) -> list[RegistryConsumer]:
    """Bootstrap CSV (one row per meter, columns :data:`CSV_COLUMNS`) -> registry entries."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
        raise ValidationError(f"Очікувані стовпці CSV: {','.join(CSV_COLUMNS)}.",
                              code="REGISTRY_CSV_INVALID")
    consumers: dict[str, dict[str, object]] = {}
    for line, row in enumerate(reader, start=2):
        try:
            meter = _csv_meter(row)
            _check_csv_row(row)
        except (AdapterError, ValueError) as exc:
            raise ValidationError(f"CSV, рядок {line}: {exc}", code="REGISTRY_CSV_INVALID") from exc
        entry = consumers.setdefault(row["contract_number"], {"row": row, "points": {}})
        points: dict[str, list[RegistryMeter]] = entry["points"]  # type: ignore[assignment]
        points.setdefault(row["metering_point_eic"], []).append(meter)
    return [_csv_consumer(entry["row"], entry["points"]) for entry in consumers.values()]  # type: ignore[arg-type]


def _csv_meter(row: dict[str, str]) -> RegistryMeter:
    registers = tuple(Register(r) for r in row["registers"].replace(";", " ").split())
    meter = RegistryMeter(row["meter_serial"], registers, int(row["zone_count"]),
                          int(row["digit_capacity"]), int(row["transformation_coefficient"]))
    if not registers or len(set(registers)) != len(registers) or not 1 <= meter.zone_count <= 3:
        raise ValueError("регістри або кількість зон некоректні")
    if not 4 <= meter.digit_capacity <= 12 or meter.transformation_coefficient < 1:
        raise ValueError("розрядність або коефіцієнт трансформації некоректні")
    return meter


def _check_csv_row(row: dict[str, str]) -> None:
    if not is_valid_contract_number(row["contract_number"]):
        raise ValueError(f"некоректний номер договору {row['contract_number']!r}")
    check_edrpou(row["edrpou"])
    check_eic(row["supplier_eic"], "постачальник")
    check_eic(row["metering_point_eic"], "точка обліку", object_type=EIC_METERING_POINT)


def _csv_consumer(row: dict[str, str], points: dict[str, list[RegistryMeter]]) -> RegistryConsumer:
    return RegistryConsumer(
        contract_number=row["contract_number"], edrpou=row["edrpou"], name=row["name"],
        supplier_eic=row["supplier_eic"],
        metering_points=tuple(RegistryMeteringPoint(eic, tuple(meters))
                              for eic, meters in points.items()),
    )
