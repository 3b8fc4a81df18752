"""Demo readings for the embedded default, so invoices and acts flow without typing anything.

The sandbox consumer (contract 270000001) "signs" two monthly readings with its sandbox key: the
first sets the baseline, the second has a volume the sandbox supplier invoices. In real life the
consumer signs with their own qualified key, which we never hold.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from adapter.bootstrap import Container
from adapter.domain.documents import (
    DocumentHeader,
    DocumentKind,
    MeteringPointReadings,
    MeterReadingsDocument,
    Reading,
)
from adapter.domain.registry import Consumer
from adapter.mappers import write_document
from adapter.persistence.registry_models import ReadingSubmissionRecord
from adapter.services.readings import SubmissionOutcome, submit_readings
from adapter.services.registry import find_consumer_by_contract
from adapter.signing import load_signing_key, sign

DEMO_CONTRACT = "270000001"


def submit_demo_readings(container: Container, pki_dir: Path) -> list[SubmissionOutcome]:
    """Submit the two demo readings once (nothing when readings were submitted before)."""
    with container.uow() as uow:
        if uow.session.scalar(select(func.count()).select_from(ReadingSubmissionRecord)):
            return []
        consumer = find_consumer_by_contract(uow, DEMO_CONTRACT)
    if consumer is None:
        return []
    key = load_signing_key((pki_dir / "consumer.key.pem").read_bytes(),
                           (pki_dir / "consumer.cert.pem").read_bytes())
    today = container.clock().date()
    this_month = today.replace(day=1)
    last_month = (this_month.replace(day=1) - timedelta(days=1)).replace(day=1)
    outcomes = []
    for reading_date, base in ((last_month, 10_000), (this_month, 11_250)):
        document = _document(container, consumer, reading_date, base)
        signed = sign(write_document(document), key=key)
        outcomes.append(submit_readings(container.readings, signed, channel="file"))
    return outcomes


def _document(container: Container, consumer: Consumer, reading_date: date,
              base: int) -> MeterReadingsDocument:
    points = tuple(
        MeteringPointReadings(point.eic, meter.serial, tuple(
            Reading(counter.register, counter.zone, base // counter.zone)
            for counter in meter.registers))
        for point in consumer.metering_points for meter in point.meters
    )
    header = DocumentHeader(f"DEMO-{uuid.uuid4()}", 1, DocumentKind.METER_READINGS,
                            container.settings.dso_eic, container.settings.dso_eic,
                            container.clock().replace(microsecond=0))
    return MeterReadingsDocument(header, consumer.contract_number, consumer.edrpou,
                                 reading_date, points)
