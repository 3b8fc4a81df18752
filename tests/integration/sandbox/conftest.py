"""Sandbox peers on loopback, the clients that talk to them, and signed documents to send."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from adapter.delivery.transport import OutboundMessage, idempotency_key
from adapter.domain.documents import (
    DocumentHeader,
    DocumentKind,
    DocumentRef,
    MeteringPointReadings,
    MeterReadingsDocument,
    PaymentNotice,
    Reading,
    Register,
)
from adapter.mappers import read_header, write_document
from adapter.pki import SandboxPki
from adapter.safexml import parse_xml
from adapter.sandbox import FaultConfig, Ledger, PeerConfig, create_billing_app, create_supplier_app
from adapter.signing import TrustedParty, VerificationPolicy, sign
from adapter.soap.billing import BillingClient
from adapter.soap.client_factory import AckReader, SoapClientConfig, build_service
from adapter.soap.supplier import SupplierClient
from adapter.soap.wsse import WsseSigner
from tests.support.exchange import (
    BILLING_EIC,
    CONSUMER_CONTRACT,
    CONSUMER_EDRPOU,
    DSO_EIC,
    METERING_POINTS,
    SUPPLIER_EIC,
)
from tests.support.pki import sandbox_pki, signing_key  # noqa: F401
from tests.support.servers import serve_in_thread


def readings_document(
    mrid: str, *, receiver: str = SUPPLIER_EIC, value: int = 1500, previous: int | None = 1000,
    reactive: bool = False,
) -> MeterReadingsDocument:
    """Readings of the sandbox consumer's first metering point (A+ zone 1, R+ optionally)."""
    readings = [Reading(Register.ACTIVE_IMPORT, 1, value, previous)]
    if reactive:
        readings.append(Reading(Register.REACTIVE_IMPORT, 1, value // 10,
                                None if previous is None else previous // 10))
    return MeterReadingsDocument(
        header=DocumentHeader(mrid, 1, DocumentKind.METER_READINGS, DSO_EIC, receiver,
                              datetime(2026, 11, 1, 8, 0, tzinfo=UTC)),
        contract_number=CONSUMER_CONTRACT,
        consumer_edrpou=CONSUMER_EDRPOU,
        reading_date=date(2026, 10, 31),
        points=(MeteringPointReadings(METERING_POINTS[0], "LZQJ-100001", tuple(readings)),),
    )


def payment_notice(mrid: str, amount: str = "1234.56") -> PaymentNotice:
    """A payment of a distribution invoice, from the DSO to billing."""
    return PaymentNotice(
        header=DocumentHeader(mrid, 1, DocumentKind.PAYMENT_NOTICE, DSO_EIC, BILLING_EIC,
                              datetime(2026, 11, 5, 9, 0, tzinfo=UTC)),
        invoice=DocumentRef(DocumentKind.DISTRIBUTION_INVOICE, BILLING_EIC, "Z05-INV", 1),
        contract_number=CONSUMER_CONTRACT,
        amount=Decimal(amount),
        paid_at=datetime(2026, 11, 5, 8, 30, tzinfo=UTC),
        provider_reference="PAY-0001",
    )


def outbound(signed: bytes, destination: str = "supplier", attempts: int = 0) -> OutboundMessage:
    """The outbox message the delivery worker would hand to a transport."""
    header = read_header(parse_xml(signed))
    return OutboundMessage(
        id=1, destination=destination, kind=header.kind.value, sender_eic=header.sender_eic,
        mrid=header.mrid, revision=header.revision, payload=signed, attempts=attempts,
        idempotency_key=idempotency_key(header.sender_eic, header.mrid, header.revision),
    )


@dataclass
class Sandbox:
    """A started peer: its URL, its ledger, and a client of it."""

    url: str
    ledger: Ledger
    pki: SandboxPki

    def policy(self, party: str) -> VerificationPolicy:
        cert = self.pki.party(party).cert
        return VerificationPolicy(parties=(TrustedParty(party, pinned_certs=(cert,)),))

    def supplier_client(self, timeout: float = 5.0, *, pinned: str = "supplier",
                        wsse: WsseSigner | None = None) -> SupplierClient:
        config = SoapClientConfig(f"{self.url}/soap/supplier", timeout=timeout, wsse=wsse)
        return SupplierClient(build_service("supplier", config),
                              AckReader(self.policy(pinned), pinned))

    def billing_client(self, timeout: float = 5.0) -> BillingClient:
        service = build_service("billing", SoapClientConfig(f"{self.url}/soap/billing",
                                                            timeout=timeout))
        return BillingClient(service, AckReader(self.policy("billing"), "billing"))

    def sign(self, document: object, party: str = "dso") -> bytes:
        return sign(write_document(document), key=signing_key(self.pki, party))  # type: ignore[arg-type]


@pytest.fixture
def start_peer(
    sandbox_pki: SandboxPki, tmp_path: Path  # noqa: F811
) -> Callable[..., object]:
    """``with start_peer("supplier", faults=FaultConfig(...), ledger=path) as sandbox: ...``."""

    @contextmanager
    def start(system: str, *, faults: FaultConfig | None = None, ledger: Path | None = None,
              **options: object) -> Iterator[Sandbox]:
        path = ledger or tmp_path / f"{system}-ledger.sqlite3"
        config = PeerConfig(sandbox_pki.directory, path, faults=faults or FaultConfig(),
                            **options)  # type: ignore[arg-type]
        factory = create_supplier_app if system == "supplier" else create_billing_app
        with serve_in_thread(factory(config)) as url:
            yield Sandbox(url, Ledger(path), sandbox_pki)

    return start
