"""The embedded default end to end: readings go out, invoices and acts come back, exactly once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from adapter.persistence.registry_models import ReadingSubmissionRecord
from adapter.runtime import EmbeddedSystem, EmbeddedUrls
from adapter.sandbox import Ledger
from adapter.services.documents import list_inbound


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[tuple[EmbeddedSystem, EmbeddedUrls]]:
    system = EmbeddedSystem(tmp_path / "var", port=0, supplier_port=0, billing_port=0,
                            worker_poll=0.1)
    urls = system.start()
    try:
        yield system, urls
    finally:
        system.stop()


def _wait_for(condition, seconds: float = 30.0):  # noqa: ANN001, ANN202
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


EXPECTED_KINDS = {"SupplierInvoice", "AcceptanceAct", "DistributionInvoice", "DistributionAct"}


def test_demo_readings_reach_both_peers_once_and_their_documents_come_back(embedded, tmp_path):
    system, urls = embedded
    assert system.container is not None
    uow = system.container.uow

    kinds = _wait_for(lambda: EXPECTED_KINDS <= {row.kind for row in list_inbound(uow)} and
                      {row.kind for row in list_inbound(uow)})

    assert EXPECTED_KINDS <= kinds
    for peer in ("supplier", "billing"):
        entries = Ledger(tmp_path / "var" / f"{peer}-ledger.sqlite3").entries()
        readings = [e for e in entries if e.kind == "MeterReadingsDocument"]
        assert len(readings) == 2 and all(e.effects == 1 for e in readings), (peer, entries)
    assert requests.get(urls.intake_wsdl, timeout=5).content.startswith(b"<?xml")
    assert requests.get(urls.cabinet, timeout=5).status_code == 200


def test_starting_again_on_the_same_data_adds_no_second_demo(tmp_path: Path):
    var = tmp_path / "var"
    submissions = []
    for _ in range(2):
        system = EmbeddedSystem(var, port=0, supplier_port=0, billing_port=0, worker_poll=0.1)
        system.start()
        assert system.container is not None
        with system.container.uow() as uow:
            submissions.append(uow.session.scalar(
                select(func.count()).select_from(ReadingSubmissionRecord)))
        system.stop()
    assert submissions == [2, 2]
