"""The sandbox billing system (peer side of billing.wsdl).

``GetRegistry``: pages of the demo consumer registry, each a signed ConsumerRegistry.
``SubmitMeterReadings``: recorded once; the first time, A+ consumption (x the meter's
transformation coefficient) becomes a DistributionInvoice and DistributionAct, R+ a
ReactiveEnergyInvoice. ``SubmitPaymentNotice``: recorded once, the payment stored.
``FetchDocuments`` serves what was issued, by cursor; with ``push`` it is also pushed to intake.
"""

from __future__ import annotations

import base64
import sqlite3
import uuid
from datetime import UTC, datetime

from flask import Flask
from lxml import etree

from adapter.domain.documents import (
    ConsumerRegistry,
    DistributionAct,
    DistributionInvoice,
    Document,
    DocumentHeader,
    DocumentKind,
    MeterReadingsDocument,
    PaymentNotice,
    ReactiveEnergyInvoice,
    Register,
)
from adapter.errors import MappingError
from adapter.mappers import write_document
from adapter.sandbox.config import PeerConfig
from adapter.sandbox.peer import PeerRequest, SoapPeer
from adapter.sandbox.production import (
    DSO_IBAN,
    Issuer,
    Volume,
    act,
    by_point,
    consumption,
    invoice,
)
from adapter.sandbox.submissions import (
    SubmitOperation,
    bind_submit,
    issue_signed,
    serve_by_cursor,
)
from adapter.sandbox.supplier_peer import after_commit_for
from adapter.signing import sign

BILLING_NS = "urn:roe:exchange:billing:1"


def create_billing_app(config: PeerConfig) -> Flask:
    """The billing peer as a Flask app serving ``/soap/billing``."""
    peer = SoapPeer("billing", BILLING_NS, config.billing_eic, config)
    after = after_commit_for(peer)

    def bill_readings(conn: sqlite3.Connection, doc: Document) -> list[int]:
        assert isinstance(doc, MeterReadingsDocument)  # guaranteed by the operation's kinds
        return _bill_readings(peer, conn, doc)

    operations = (
        SubmitOperation("SubmitMeterReadings", frozenset({DocumentKind.METER_READINGS}),
                        frozenset({"dso", "consumer"}), bill_readings),
        SubmitOperation("SubmitPaymentNotice", frozenset({DocumentKind.PAYMENT_NOTICE}),
                        frozenset({"dso"}), _store_payment),
    )
    for op in operations:
        peer.operation(op.name, bind_submit(peer, op, after))
    peer.operation("FetchDocuments", lambda req: serve_by_cursor(peer, req))
    peer.operation("GetRegistry", lambda req: _registry_page(peer, req))
    return peer.create_app()


def _registry_page(peer: SoapPeer, req: PeerRequest) -> etree._Element:
    consumers = peer.config.consumers
    cursor = req.child_text("cursor") or "0"
    if not cursor.isdigit() or int(cursor) > len(consumers):
        raise MappingError(f"Некоректний курсор реєстру {cursor!r}.", code="SANDBOX_BAD_CURSOR")
    start = int(cursor)
    end = min(start + peer.config.registry_page_size, len(consumers))
    registry = ConsumerRegistry(
        header=DocumentHeader(
            # A fresh mRID each time: a page is a snapshot, not a document to deduplicate.
            mrid=f"REG-{start}-{uuid.uuid4().hex[:16]}",
            revision=1,
            kind=DocumentKind.CONSUMER_REGISTRY,
            sender_eic=peer.eic,
            receiver_eic=peer.config.dso_eic,
            created_at=datetime.now(UTC).replace(microsecond=0),
        ),
        consumers=consumers[start:end],
    )
    signed = sign(write_document(registry), key=peer.key)
    has_more = end < len(consumers)
    return peer.response(
        "GetRegistryResponse",
        registry=base64.b64encode(signed).decode("ascii"),
        nextCursor=str(end) if has_more else "",
        hasMore="true" if has_more else "false",
    )


def _bill_readings(
    peer: SoapPeer, conn: sqlite3.Connection, doc: MeterReadingsDocument
) -> list[int]:
    volumes = consumption(conn, doc, peer.config.meters)
    issuer = Issuer(peer.eic, peer.config.dso_eic, datetime.now(UTC))
    issued: list[int] = []
    active = [item for item in volumes if item.register == Register.ACTIVE_IMPORT]
    if active:
        issued += _distribution(peer, conn, issuer, doc, active)
    reactive = [item for item in volumes if item.register == Register.REACTIVE_IMPORT]
    if reactive:
        bill = invoice(ReactiveEnergyInvoice, issuer, doc,
                       by_point(reactive, "Перетікання реактивної електроенергії"),
                       unit="kvarh", tariff=peer.config.reactive_tariff, iban=DSO_IBAN)
        issued.append(issue_signed(peer, conn, bill, doc.header))
    return issued


def _distribution(peer: SoapPeer, conn: sqlite3.Connection, issuer: Issuer,
                  doc: MeterReadingsDocument, volumes: list[Volume]) -> list[int]:
    tariff = peer.config.distribution_tariff
    bill = invoice(DistributionInvoice, issuer, doc,
                   by_point(volumes, "Розподіл електричної енергії"),
                   unit="kWh", tariff=tariff, iban=DSO_IBAN)
    service_act = act(DistributionAct, issuer, doc, volumes, tariff=tariff,
                      invoice_mrid=bill.header.mrid)
    return [issue_signed(peer, conn, item, doc.header) for item in (bill, service_act)]


def _store_payment(conn: sqlite3.Connection, doc: Document) -> list[int]:
    assert isinstance(doc, PaymentNotice)  # guaranteed by the operation's kinds
    conn.execute(
        "INSERT INTO payments (invoice_sender, invoice_mrid, contract_number, amount, paid_at,"
        " provider_reference) VALUES (?, ?, ?, ?, ?, ?)",
        (doc.invoice.sender_eic, doc.invoice.mrid, doc.contract_number, str(doc.amount),
         doc.paid_at.isoformat(), doc.provider_reference),
    )
    return []
