"""The sandbox supplier ERP (peer side of supplier.wsdl).

``SubmitMeterReadings``: a DSO-signed MeterReadingsDocument is recorded in the ledger once and,
the first time, priced into a signed SupplierInvoice and AcceptanceAct (A+ consumption x the
energy tariff, VAT 20 %). ``SubmitActCountersignature``: a consumer- (or DSO-) signed
countersignature is recorded. ``FetchDocuments`` serves what was issued, by cursor; with ``push``
the documents are also submitted to our intake endpoint.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from flask import Flask

from adapter.domain.documents import (
    AcceptanceAct,
    Document,
    DocumentKind,
    MeterReadingsDocument,
    Register,
    SupplierInvoice,
)
from adapter.sandbox.config import PeerConfig
from adapter.sandbox.peer import SoapPeer
from adapter.sandbox.production import (
    SUPPLIER_IBAN,
    Issuer,
    act,
    by_point,
    consumption,
    invoice,
)
from adapter.sandbox.push import IntakePusher
from adapter.sandbox.submissions import (
    AfterCommit,
    SubmitOperation,
    bind_submit,
    issue_signed,
    serve_by_cursor,
)

SUPPLIER_NS = "urn:roe:exchange:supplier:1"


def create_supplier_app(config: PeerConfig) -> Flask:
    """The supplier peer as a Flask app serving ``/soap/supplier``."""
    peer = SoapPeer("supplier", SUPPLIER_NS, config.supplier_eic, config)
    after = after_commit_for(peer)

    def invoice_readings(conn: sqlite3.Connection, doc: Document) -> list[int]:
        assert isinstance(doc, MeterReadingsDocument)  # guaranteed by the operation's kinds
        return _invoice_readings(peer, conn, doc)

    readings = SubmitOperation("SubmitMeterReadings", frozenset({DocumentKind.METER_READINGS}),
                               frozenset({"dso", "consumer"}), invoice_readings)
    countersignature = SubmitOperation(
        "SubmitActCountersignature", frozenset({DocumentKind.ACT_COUNTERSIGNATURE}),
        frozenset({"consumer", "dso"}), lambda conn, doc: [],
    )
    for op in (readings, countersignature):
        peer.operation(op.name, bind_submit(peer, op, after))
    peer.operation("FetchDocuments", lambda req: serve_by_cursor(peer, req))
    return peer.create_app()


def after_commit_for(peer: SoapPeer) -> AfterCommit:
    """Push issued documents to the intake when configured; otherwise they wait for a fetch."""
    config = peer.config
    if not (config.push and config.intake_url):
        return lambda seqs: None
    pusher = IntakePusher(config.intake_url, peer.ledger, peer.faults,
                          timeout=config.push_timeout)
    return pusher.push


def _invoice_readings(
    peer: SoapPeer, conn: sqlite3.Connection, doc: MeterReadingsDocument
) -> list[int]:
    volumes = [item for item in consumption(conn, doc, peer.config.meters)
               if item.register == Register.ACTIVE_IMPORT]
    if not volumes:
        return []  # a first reading only sets the baseline
    issuer = Issuer(peer.eic, peer.config.dso_eic, datetime.now(UTC))
    tariff = peer.config.energy_tariff
    bill = invoice(SupplierInvoice, issuer, doc,
                   by_point(volumes, "Активна електрична енергія"),
                   unit="kWh", tariff=tariff, iban=SUPPLIER_IBAN)
    acceptance = act(AcceptanceAct, issuer, doc, volumes, tariff=tariff,
                     invoice_mrid=bill.header.mrid)
    return [issue_signed(peer, conn, item, doc.header) for item in (bill, acceptance)]
