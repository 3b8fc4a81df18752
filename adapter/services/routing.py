"""Where a consumer's readings go: the consumer's supplier (from the registry) and billing.

Each supplier is described in configuration (:class:`SupplierRoute`): the ones with an
integration get readings through the outbox (destination ``supplier:<EIC>``); for the others the
submission waits as ``awaiting_export`` until an operator exports the consumer-signed files
(:func:`export_awaiting`) and hands them over the way that supplier accepts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from adapter.errors import ConfigurationError
from adapter.persistence.registry_models import (
    ReadingEventRecord,
    ReadingSubmissionRecord,
    SupplierRecord,
)
from adapter.persistence.uow import UnitOfWork

BILLING = "billing"
AWAITING_EXPORT = "awaiting_export"
EXPORTED = "exported"


@dataclass(frozen=True)
class SupplierRoute:
    """A supplier as configured: EIC, name, whether it has an integration, its mapping profile."""

    eic: str
    name: str
    has_integration: bool = False
    mapping_profile: str = "default"

    @property
    def destination(self) -> str | None:
        """The outbox destination of this supplier, or None when it has no integration."""
        return supplier_destination(self.eic) if self.has_integration else None


def supplier_destination(eic: str) -> str:
    """The outbox destination name of the supplier ``eic``."""
    return f"supplier:{eic}"


def route_for(supplier_eic: str | None, routes: Mapping[str, SupplierRoute]) -> str | None:
    """The outbox destination for a consumer's supplier; None: hold the readings for export.

    A supplier missing from configuration has no integration as far as we know.
    """
    route = routes.get(supplier_eic) if supplier_eic else None
    return route.destination if route is not None else None


def parse_supplier_routes(data: bytes | str) -> dict[str, SupplierRoute]:
    """Read the suppliers file (JSON, see docs/readings.md) into routes keyed by EIC."""
    try:
        items = json.loads(data)
        routes = [_route(item) for item in items]
    except (ValueError, TypeError, KeyError) as exc:
        raise ConfigurationError(
            f"Некоректний файл постачальників: {exc}", code="CONFIG_SUPPLIERS_INVALID"
        ) from exc
    by_eic = {route.eic: route for route in routes}
    if len(by_eic) != len(routes):
        raise ConfigurationError("EIC постачальника повторюється.", code="CONFIG_SUPPLIERS_INVALID")
    return by_eic


def _route(item: Mapping[str, object]) -> SupplierRoute:
    return SupplierRoute(
        eic=str(item["eic"]),
        name=str(item["name"]),
        has_integration=bool(item.get("has_integration", False)),
        mapping_profile=str(item.get("mapping_profile", "default")),
    )


def sync_suppliers(session: Session, routes: Iterable[SupplierRoute], *, now: datetime) -> None:
    """Mirror configured suppliers into ``registry_suppliers`` (what the operator's views show)."""
    for route in routes:
        record = session.get(SupplierRecord, route.eic)
        if record is None:
            record = SupplierRecord(eic=route.eic)
            session.add(record)
        record.name, record.has_integration, record.updated_at = (
            route.name, route.has_integration, now,
        )


@dataclass(frozen=True)
class ExportItem:
    """One submission awaiting export: its file name and the consumer-signed bytes."""

    submission_id: int
    filename: str
    original: bytes


def awaiting_export(session: Session, supplier_eic: str) -> list[ExportItem]:
    """Submissions held for ``supplier_eic`` (no integration), oldest first."""
    rows = session.scalars(
        select(ReadingSubmissionRecord)
        .where(ReadingSubmissionRecord.status == AWAITING_EXPORT,
               ReadingSubmissionRecord.supplier_eic == supplier_eic)
        .order_by(ReadingSubmissionRecord.id)
    ).all()
    return [ExportItem(row.id, export_filename(row), row.original) for row in rows]


def export_filename(row: ReadingSubmissionRecord) -> str:
    """A stable file name: the same submission always exports to the same file."""
    day = f"{row.reading_date:%Y%m%d}"
    return f"readings_{row.contract_number}_{day}_{row.mrid}_r{row.revision}.xml"


def export_awaiting(
    uow: Callable[[], UnitOfWork],
    supplier_eic: str,
    write: Callable[[ExportItem], object],
    *,
    now: datetime,
) -> list[ExportItem]:
    """Hand every awaiting submission of ``supplier_eic`` to ``write``, then mark them exported.

    They are marked in one transaction after every write succeeded: a failure part way leaves all
    of them awaiting, and a second export rewrites the same files (names are stable).
    """
    with uow() as unit:
        items = awaiting_export(unit.session, supplier_eic)
        for item in items:
            write(item)
        for item in items:
            record = unit.session.get(ReadingSubmissionRecord, item.submission_id)
            assert record is not None
            record.status, record.exported_at = EXPORTED, now
            record.events.append(ReadingEventRecord(event=EXPORTED, at=now, detail=item.filename))
        unit.commit()
    return items
