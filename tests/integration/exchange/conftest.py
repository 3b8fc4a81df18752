"""A migrated container trusting the sandbox PKI, sandbox peers, and signed billing documents."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from adapter.bootstrap import Container, build_container
from adapter.domain.documents import DistributionInvoice
from adapter.mappers import write_document
from adapter.persistence import migrate
from adapter.persistence.models import InboundDocumentRecord, InboundRejectionRecord
from adapter.pki import SandboxPki
from adapter.sandbox.production import DSO_IBAN, Issuer, invoice
from adapter.signing import sign
from tests.integration.intake.conftest import settings_for
from tests.integration.sandbox.conftest import readings_document, start_peer  # noqa: F401
from tests.support.database import database_url  # noqa: F401
from tests.support.exchange import BILLING_EIC, DSO_EIC
from tests.support.pki import sandbox_pki, signing_key  # noqa: F401

MakeContainer = Callable[..., Container]


@pytest.fixture
def make_container(
    sandbox_pki: SandboxPki, database_url: str  # noqa: F811
) -> Iterator[MakeContainer]:
    """``make_container(ADAPTER_BILLING_ENDPOINT=...)``: a container on a migrated database."""
    built: list[Container] = []

    def make(**env: str) -> Container:
        container = build_container(settings_for(sandbox_pki, database_url, **env))
        if not built:
            migrate.upgrade(container.engine)
        built.append(container)
        return container

    yield make
    for container in built:
        container.engine.dispose()


def stored(container: Container) -> list[tuple[str, str, str]]:
    """(kind, mRID, channel) of every stored inbound document, by mRID."""
    with container.uow() as uow:
        rows = uow.session.scalars(select(InboundDocumentRecord)).all()
        return sorted((row.kind, row.mrid, row.channel) for row in rows)


def rejection_codes(container: Container) -> list[str]:
    """Codes of every recorded rejection."""
    with container.uow() as uow:
        return [row.code for row in uow.session.scalars(select(InboundRejectionRecord)).all()]


def distribution_invoice(mrid_seed: str = "RD-F1", value: int = 1500) -> DistributionInvoice:
    """A valid DistributionInvoice from billing to the DSO (as the sandbox billing issues it)."""
    source = readings_document(mrid_seed, receiver=BILLING_EIC, value=value)
    issuer = Issuer(BILLING_EIC, DSO_EIC, datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    return invoice(DistributionInvoice, issuer, source,
                   {"Розподіл електричної енергії, зона 1": Decimal(value - 1000)},
                   unit="kWh", tariff=Decimal("1.834560"), iban=DSO_IBAN)


def signed_by(pki: SandboxPki, document: object, party: str = "billing") -> bytes:
    """``document`` written and signed with ``party``'s sandbox key."""
    return sign(write_document(document), key=signing_key(pki, party))  # type: ignore[arg-type]
