"""Read-side use cases over stored inbound documents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from adapter.persistence.uow import UnitOfWork


@dataclass(frozen=True)
class InboundSummary:
    """One stored inbound document, as lists and the CLI show it."""

    id: int
    kind: str
    mrid: str
    revision: int
    sender_eic: str
    party: str
    received_at: datetime
    sha256: str


def list_inbound(
    uow_factory: Callable[[], UnitOfWork], *, limit: int = 100
) -> list[InboundSummary]:
    """The newest stored inbound documents first."""
    with uow_factory() as uow:
        return [
            InboundSummary(r.id, r.kind, r.mrid, r.revision, r.sender_eic, r.party,
                           r.received_at, r.sha256)
            for r in uow.documents.latest(limit)
        ]


def original_bytes(uow_factory: Callable[[], UnitOfWork], document_id: int) -> bytes | None:
    """The signed original of a stored document, byte for byte."""
    with uow_factory() as uow:
        record = uow.documents.get(document_id)
        return None if record is None else record.original
