"""A migrated database with stored signed invoices, and a payments context on it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from adapter.bootstrap import Container, build_container
from adapter.domain.documents import ConsumerRef
from adapter.mappers import write_document
from adapter.persistence import migrate
from adapter.pki import SandboxPki
from adapter.services.intake import submit_document
from adapter.services.payments import PaymentsContext
from adapter.signing import sign
from tests.integration.intake.conftest import settings_for
from tests.support.database import database_url  # noqa: F401
from tests.support.exchange import CONSUMER_CONTRACT, supplier_invoice
from tests.support.pki import sandbox_pki, signing_key  # noqa: F401

PUBLIC_KEY, PRIVATE_KEY = "sandbox_i000000001", "sandbox_private_key_for_tests"
OTHER_CONTRACT = "270000002"


@dataclass
class AuditLog:
    """What the audit hook was told."""

    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def __call__(self, event: str, **fields: Any) -> None:
        self.events.append((event, fields))

    def names(self) -> list[str]:
        return [event for event, _ in self.events]


@dataclass
class Shop:
    """A payments context over a database holding our invoice and someone else's."""

    container: Container
    ctx: PaymentsContext
    audit: AuditLog
    invoice_id: int
    others_invoice_id: int
    pki: SandboxPki

    def with_(self, **changes: Any) -> PaymentsContext:
        return dataclasses.replace(self.ctx, **changes)


def store_invoice(container: Container, pki: SandboxPki, mrid: str,
                  contract: str = CONSUMER_CONTRACT, **kwargs: Any) -> int:
    """Sign a supplier invoice as the supplier and push it through intake; its document id."""
    invoice = supplier_invoice(mrid, **kwargs)
    invoice = dataclasses.replace(invoice, consumer=ConsumerRef(contract, "12345678"))
    signed = sign(write_document(invoice), key=signing_key(pki, "supplier"))
    outcome = submit_document(container.intake, signed, channel="file")
    assert outcome.code.value == "A01", outcome.reason
    assert outcome.document_id is not None
    return outcome.document_id


def payments_context(container: Container, audit: AuditLog, **overrides: Any) -> PaymentsContext:
    """Wired the way docs/payments.md tells the lead to wire it."""
    settings = container.settings
    values: dict[str, Any] = dict(
        uow=container.uow, signer=container.signer, clock=container.clock,
        dso_eic=settings.dso_eic, billing_eic=settings.billing.eic, public_key=PUBLIC_KEY,
        private_key=PRIVATE_KEY, checkout_url="http://127.0.0.1/payments/sandbox",
        result_url="http://127.0.0.1/cabinet/payments", server_url="http://127.0.0.1/liqpay",
        sandbox=False, audit=audit)
    values.update(overrides)
    return PaymentsContext(**values)


@pytest.fixture
def shop(sandbox_pki: SandboxPki, database_url: str) -> Iterator[Shop]:  # noqa: F811
    container = build_container(settings_for(sandbox_pki, database_url))
    migrate.upgrade(container.engine)
    audit = AuditLog()
    try:
        ours = store_invoice(container, sandbox_pki, "INV-PAY-1")
        theirs = store_invoice(container, sandbox_pki, "INV-PAY-2", OTHER_CONTRACT)
        yield Shop(container, payments_context(container, audit), audit, ours, theirs,
                   sandbox_pki)
    finally:
        container.engine.dispose()
