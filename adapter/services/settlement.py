"""What the domain does when the outbox settles a message (the worker's ``on_settled`` hook)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from adapter.delivery.claims import Settlement
from adapter.delivery.outbox import DEAD, DELIVERED
from adapter.services.readings_timeline import record_delivery, record_delivery_failure


def on_settled(session: Session, settlement: Settlement) -> None:
    """Mirror a delivery or a dead letter onto the timeline of what was sent."""
    if settlement.status == DELIVERED:
        record_delivery(session, settlement.correlation_id, settlement.destination,
                        at=settlement.at, detail=settlement.detail)
    elif settlement.status == DEAD:
        record_delivery_failure(session, settlement.correlation_id, settlement.destination,
                                at=settlement.at, detail=settlement.detail)
