"""/metrics read from the database after real enqueues, deliveries, retries, dead letters and
inbound documents, parsed the way Prometheus parses it."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from adapter.bootstrap import Container
from adapter.delivery import DeliveryReceipt
from adapter.errors import PermanentRemoteError, TransientRemoteError, ValidationError
from adapter.persistence.models import InboundDocumentRecord
from adapter.services.intake import record_rejection
from tests.integration.observability.conftest import (
    BILLING,
    DSO,
    SUPPLIER,
    Clock,
    Script,
    observed_app,
    put,
    settings_for,
    worker,
)

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: FlaskClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def _transient() -> TransientRemoteError:
    return TransientRemoteError("peer down", code="REMOTE_CONNECTION")


def _store_inbound(container: Container, kind: str, mrid: str) -> None:
    now = container.clock()
    with container.uow() as unit:
        unit.session.add(InboundDocumentRecord(
            kind=kind, sender_eic="62X0000000000020", mrid=mrid, revision=1,
            receiver_eic=DSO, document_created_at=now, received_at=now, channel="soap",
            party="supplier", signer_subject="CN=test", signer_serial="1",
            signer_fingerprint="0" * 64, sha256="0" * 64, original=b"<x/>", fields={}))
        unit.commit()


def _scenario(container: Container, clock: Clock) -> None:
    for destination, mrid in [(SUPPLIER, "MR-1"), (SUPPLIER, "MR-2"), (SUPPLIER, "MR-3"),
                              (BILLING, "B-1"), (BILLING, "B-2")]:
        put(container, destination, mrid)
    a01 = DeliveryReceipt("A01")
    script = Script({
        "MR-1": [a01],
        "MR-2": [_transient(), a01],
        "MR-3": [PermanentRemoteError("refused", code="REMOTE_REJECTED")],
        "B-1": [a01],
        "B-2": [_transient(), _transient()],
    })
    delivery = worker(container, script)
    clock.advance(seconds=7)
    assert delivery.run_once() == 5
    clock.advance(seconds=10)
    assert delivery.run_once() == 2  # the two retries
    put(container, SUPPLIER, "MR-4")  # still pending at scrape time
    for kind, mrid in [("SupplierInvoice", "I-1"), ("SupplierInvoice", "I-2"),
                       ("AcceptanceAct", "A-1")]:
        _store_inbound(container, kind, mrid)
    for code in ("SIG_INVALID", "SIG_INVALID", "XML_INVALID"):
        record_rejection(container.uow, b"bad", ValidationError("no", code=code),
                         channel="soap", at=clock())


def test_metrics_count_what_the_database_holds(container: Container, clock: Clock,
                                               client: FlaskClient) -> None:
    _scenario(container, clock)

    s = scrape(client)

    assert value(s, "adapter_metrics_database_up") == 1
    assert value(s, "adapter_outbox_messages", destination=SUPPLIER, state="delivered") == 2
    assert value(s, "adapter_outbox_messages", destination=SUPPLIER, state="dead") == 1
    assert value(s, "adapter_outbox_messages", destination=SUPPLIER, state="pending") == 1
    assert value(s, "adapter_outbox_messages", destination=BILLING, state="delivered") == 1
    assert value(s, "adapter_outbox_messages", destination=BILLING, state="pending") == 1
    assert value(s, "adapter_outbox_dead_letters", destination=SUPPLIER) == 1
    assert value(s, "adapter_outbox_dead_letters", destination=BILLING) is None
    assert value(s, "adapter_outbox_retries_total", destination=SUPPLIER,
                 outcome="delivered") == 1
    assert value(s, "adapter_outbox_retries_total", destination=BILLING, outcome="failed") == 1
    assert value(s, "adapter_inbound_documents_total", kind="SupplierInvoice") == 2
    assert value(s, "adapter_inbound_documents_total", kind="AcceptanceAct") == 1
    assert value(s, "adapter_inbound_rejections_total", code="SIG_INVALID") == 2
    assert value(s, "adapter_inbound_rejections_total", code="XML_INVALID") == 1


def test_latency_histogram_of_recent_deliveries(container: Container, clock: Clock,
                                                client: FlaskClient) -> None:
    _scenario(container, clock)  # MR-1 after 7 s, MR-2 after 17 s, B-1 after 7 s

    s = scrape(client)

    name = "adapter_outbox_recent_delivery_latency_seconds"
    assert value(s, f"{name}_count", destination=SUPPLIER) == 2
    assert value(s, f"{name}_sum", destination=SUPPLIER) == 24
    assert value(s, f"{name}_bucket", destination=SUPPLIER, le="5.0") == 0
    assert value(s, f"{name}_bucket", destination=SUPPLIER, le="10.0") == 1
    assert value(s, f"{name}_bucket", destination=SUPPLIER, le="30.0") == 2
    assert value(s, f"{name}_bucket", destination=SUPPLIER, le="+Inf") == 2
    assert value(s, f"{name}_sum", destination=BILLING) == 7

    clock.advance(hours=2)  # outside the one-hour window: nothing recent
    later = scrape(client)
    assert value(later, f"{name}_count", destination=SUPPLIER) is None


def test_circuit_state_is_derived_from_the_newest_attempts(container: Container, clock: Clock,
                                                           client: FlaskClient) -> None:
    _scenario(container, clock)  # billing: B-2 failed twice in a row (threshold 2)

    s = scrape(client)

    assert value(s, "adapter_circuit_state", destination=BILLING, state="open") == 1
    assert value(s, "adapter_circuit_state", destination=BILLING, state="closed") == 0
    assert value(s, "adapter_circuit_consecutive_failures", destination=BILLING) == 2
    assert value(s, "adapter_circuit_state", destination=SUPPLIER, state="closed") == 1
    assert value(s, "adapter_circuit_consecutive_failures", destination=SUPPLIER) == 0

    clock.advance(seconds=31)
    assert value(scrape(client), "adapter_circuit_state", destination=BILLING,
                 state="half_open") == 1


def test_every_instance_answers_the_same(container: Container, clock: Clock) -> None:
    _scenario(container, clock)
    other = Container(container.settings, clock=clock)  # another web instance, same database
    try:
        one = scrape(observed_app(container).test_client())
        two = scrape(observed_app(other).test_client())
    finally:
        other.engine.dispose()

    def without_timing(samples: Samples) -> Samples:
        return {k: v for k, v in samples.items() if k[0] != "adapter_metrics_scrape_seconds"}

    assert without_timing(one) == without_timing(two)


def test_an_unreachable_database_is_a_zero_not_an_error(tmp_path: Path) -> None:
    app = observed_app(Container(settings_for(f"sqlite:///{tmp_path}")))

    s = scrape(app.test_client())

    assert value(s, "adapter_metrics_database_up") == 0
    assert not any(name.startswith("adapter_outbox") for name, _ in s)
