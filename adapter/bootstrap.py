"""The composition root: the one place that knows every concrete class.

Nothing here runs at import time. ``build_container(settings)`` returns a :class:`Container` whose
parts are built lazily on first use, so a CLI command that only lists documents never loads keys,
and a test can swap the clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from cryptography import x509
from flask import Blueprint
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from adapter.delivery.config import DeliveryConfig
from adapter.delivery.transport import Transport, TransportFactory
from adapter.delivery.worker import Worker
from adapter.domain.documents import DocumentKind
from adapter.domain.readings import ReadingRules, ReadingsWindow
from adapter.errors import ConfigurationError
from adapter.exchange import FileDropTransport
from adapter.persistence.database import make_engine, make_session_factory
from adapter.persistence.replay_cache import DatabaseReplayCache
from adapter.persistence.uow import UnitOfWork
from adapter.services.acknowledgements import Acknowledger
from adapter.services.intake import InboundParty, IntakeContext
from adapter.services.payments import PaymentsContext
from adapter.services.readings import ReadingsContext
from adapter.services.registry import RegistryContext, RegistryPage
from adapter.services.routing import (
    BILLING,
    SupplierRoute,
    parse_supplier_routes,
    supplier_destination,
)
from adapter.services.settlement import on_settled
from adapter.settings import PartySettings, Settings
from adapter.signing import (
    SigningKey,
    TrustedParty,
    VerificationPolicy,
    XmlDsigSigner,
    load_signing_key,
)
from adapter.soap.billing import BillingClient
from adapter.soap.client_factory import AckReader, SoapClientConfig, build_service
from adapter.soap.intake_endpoint import IntakeEndpoint, create_intake_blueprint
from adapter.soap.supplier import SupplierClient
from adapter.soap.transports import BillingTransport, SupplierTransport
from adapter.soap.wsse import SigningIdentity, WsseSigner
from adapter.soap.wsse_gate import WsseGate

#: Which document kinds each counterparty may push to our intake service.
INBOUND_KINDS: dict[str, frozenset[DocumentKind]] = {
    "supplier": frozenset({DocumentKind.SUPPLIER_INVOICE, DocumentKind.ACCEPTANCE_ACT}),
    "billing": frozenset(
        {
            DocumentKind.DISTRIBUTION_INVOICE,
            DocumentKind.DISTRIBUTION_ACT,
            DocumentKind.REACTIVE_ENERGY_INVOICE,
            DocumentKind.CONSUMER_REGISTRY,
        }
    ),
}


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Container:
    """Lazily built collaborators for one process (web app, worker or CLI command)."""

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self.settings = settings
        self.clock = clock

    @cached_property
    def engine(self) -> Engine:
        """The database engine (SQLite file by default)."""
        return make_engine(self.settings.database_url)

    @cached_property
    def session_factory(self) -> sessionmaker[Session]:
        """Sessions bound to :attr:`engine`."""
        return make_session_factory(self.engine)

    def uow(self) -> UnitOfWork:
        """A new unit of work."""
        return UnitOfWork(self.session_factory)

    def close(self) -> None:
        """Close the database connections this container opened (if it opened any)."""
        if "engine" in self.__dict__:
            self.engine.dispose()

    @cached_property
    def signing_key(self) -> SigningKey:
        """The DSO's own signing key (loaded once: RSA key loading is slow)."""
        key, cert = self.settings.signing_key, self.settings.signing_cert
        if key is None or cert is None:
            raise ConfigurationError(
                "Не задано ключ підпису ОСР: ADAPTER_SIGNING_KEY та ADAPTER_SIGNING_CERT "
                "(для пісочниці: adapter pki init DIR).",
                code="CONFIG_NO_SIGNING_KEY",
            )
        return load_signing_key(_read(key), _read(cert))

    @cached_property
    def signer(self) -> XmlDsigSigner:
        """Signs what the DSO sends (acknowledgements, readings to suppliers)."""
        return XmlDsigSigner(self.signing_key)

    @cached_property
    def inbound_policy(self) -> VerificationPolicy:
        """Who may sign the documents counterparties push to us (supplier and billing).

        Consumers are deliberately absent: their certificates chain to accredited CAs that also
        certify everyone else, so a consumer signature is only meaningful together with the
        EDRPOU of the cabinet it came through (see :meth:`party_policy`).
        """
        inbound = (self.settings.supplier, self.settings.billing)
        configured = [party for party in inbound if _is_configured(party)]
        if not configured:
            raise ConfigurationError(
                "Не налаштовано жодної довіреної сторони (ADAPTER_SUPPLIER_CERTS тощо).",
                code="CONFIG_NO_TRUST",
            )
        return VerificationPolicy(parties=tuple(_trusted_party(party) for party in configured))

    def party_policy(self, name: str) -> VerificationPolicy:
        """A policy trusting only one party (``adapter verify --as NAME``)."""
        parties = {party.name: party for party in self.settings.parties}
        if name not in parties:
            raise ConfigurationError(f"Невідома сторона «{name}».", code="CONFIG_UNKNOWN_PARTY")
        return VerificationPolicy(parties=(_trusted_party(parties[name]),))

    @cached_property
    def intake(self) -> IntakeContext:
        """The inbound pipeline's dependencies."""
        parties = {
            party.name: InboundParty(party.name, party.eic, INBOUND_KINDS[party.name],
                                     require_wsse=party.require_wsse)
            for party in (self.settings.supplier, self.settings.billing)
        }
        acknowledger = Acknowledger(signer=self.signer, dso_eic=self.settings.dso_eic,
                                    clock=self.clock)
        return IntakeContext(
            uow=self.uow,
            policy=self.inbound_policy,
            acknowledger=acknowledger,
            parties=parties,
            dso_eic=self.settings.dso_eic,
            clock=self.clock,
            max_bytes=self.settings.max_request_bytes,
        )

    @cached_property
    def wsse_gate(self) -> WsseGate:
        """WS-Security at our SOAP endpoint."""
        party_certs = {
            party.name: [_load_cert(path) for path in party.pinned_certs]
            for party in (self.settings.supplier, self.settings.billing)
        }
        return WsseGate(
            party_certs=party_certs,
            replay_cache=DatabaseReplayCache(self.uow, self.clock),
            clock=self.clock,
            max_skew=self.settings.wsse_max_skew,
            identity=self._wsse_identity(),
        )

    def _wsse_identity(self) -> SigningIdentity | None:
        key, cert = self.settings.signing_key, self.settings.signing_cert
        if key is None or cert is None:
            return None
        return SigningIdentity.from_pem(_read(key), _read(cert))

    # ----- delivery -------------------------------------------------------------------------

    @cached_property
    def delivery_config(self) -> DeliveryConfig:
        """Retry, breaker and lease settings of the delivery workers."""
        d = self.settings.delivery
        return DeliveryConfig(
            retry_base=d.retry_base, retry_cap=d.retry_cap, max_attempts=d.max_attempts,
            max_age=d.max_age, breaker_threshold=d.breaker_threshold,
            breaker_cool_down=d.breaker_cool_down, lease=d.lease,
            poll_interval=d.poll_interval, batch_size=d.batch_size,
        )

    def worker(
        self, worker_id: str | None = None, *, transports: TransportFactory | None = None
    ) -> Worker:
        """A delivery worker whose settlements update the domain's timelines."""
        return self.delivery_config.worker(self.session_factory, transports or self.transports,
                                           clock=self.clock, worker_id=worker_id,
                                           on_settled=on_settled)

    def transports(self, destination: str) -> Transport:
        """The transport for an outbox destination (``supplier:<EIC>`` or ``billing``)."""
        if destination == BILLING:
            if self.settings.billing_transport == "file":
                return self._billing_file_drop()
            return BillingTransport(self.billing_client)
        supplier = self.settings.supplier
        if destination == supplier_destination(supplier.eic) and supplier.endpoint:
            return SupplierTransport(self.supplier_client)
        raise ConfigurationError(f"Немає налаштованого з'єднання для «{destination}».",
                                 code="CONFIG_NO_TRANSPORT")

    def _billing_file_drop(self) -> FileDropTransport:
        directory = self.settings.billing_outbox_dir
        if directory is None:
            raise ConfigurationError("Не задано ADAPTER_BILLING_OUTBOX_DIR для файлового обміну.",
                                     code="CONFIG_NO_OUTBOX_DIR")
        return FileDropTransport(directory)

    @cached_property
    def supplier_client(self) -> SupplierClient:
        """The supplier ERP's SOAP service (endpoint from ADAPTER_SUPPLIER_ENDPOINT)."""
        return SupplierClient(self._service("supplier", self.settings.supplier),
                              AckReader(self.party_policy("supplier"), "supplier"))

    @cached_property
    def billing_client(self) -> BillingClient:
        """The billing system's SOAP service (endpoint from ADAPTER_BILLING_ENDPOINT)."""
        return BillingClient(self._service("billing", self.settings.billing),
                             AckReader(self.party_policy("billing"), "billing"))

    def _service(self, system: str, party: PartySettings) -> Any:
        if not party.endpoint:
            raise ConfigurationError(f"Не задано ADAPTER_{system.upper()}_ENDPOINT.",
                                     code="CONFIG_NO_ENDPOINT")
        wsse = None
        if party.require_wsse and self.settings.signing_key and self.settings.signing_cert:
            wsse = WsseSigner.from_pem(
                _read(self.settings.signing_key), _read(self.settings.signing_cert),
                peer_certs=[_load_cert(path) for path in party.pinned_certs])
        config = SoapClientConfig(party.endpoint, timeout=self.settings.delivery.soap_timeout,
                                  wsse=wsse)
        return build_service(system, config)

    # ----- readings and registry -------------------------------------------------------------

    @cached_property
    def supplier_routes(self) -> dict[str, SupplierRoute]:
        """Every supplier we know and whether it has an integration (ADAPTER_SUPPLIERS_FILE)."""
        routes = (parse_supplier_routes(_read(self.settings.suppliers_file))
                  if self.settings.suppliers_file else {})
        supplier = self.settings.supplier
        if supplier.eic and supplier.eic not in routes:
            routes[supplier.eic] = SupplierRoute(supplier.eic, "Постачальник",
                                                 has_integration=bool(supplier.endpoint))
        return routes

    @cached_property
    def readings(self) -> ReadingsContext:
        """What submitting readings needs (the cabinet and ``adapter readings submit``)."""
        r = self.settings.readings
        return ReadingsContext(
            uow=self.uow, policy=self.party_policy("consumer"), dso_eic=self.settings.dso_eic,
            routes=self.supplier_routes, clock=self.clock,
            window=ReadingsWindow(r.window_days_before, r.window_last_day),
            rules=ReadingRules(implausible_factor=r.implausible_factor,
                               volume_ceiling=r.volume_ceiling, enforce_window=r.enforce_window),
            timezone=r.timezone, max_bytes=self.settings.max_request_bytes,
        )

    @cached_property
    def registry(self) -> RegistryContext:
        """What registry sync and import need."""
        billing = self.settings.billing
        return RegistryContext(
            uow=self.uow, clock=self.clock,
            fetch_page=self._fetch_registry_page if billing.endpoint else None,
            policy=self.party_policy("billing") if _is_configured(billing) else None,
            billing_eic=billing.eic or None,
        )

    def _fetch_registry_page(self, cursor: str | None) -> RegistryPage:
        page = self.billing_client.get_registry(cursor)
        return RegistryPage(page.registry, page.next_cursor if page.has_more else None)

    # ----- payments ---------------------------------------------------------------------------

    @cached_property
    def payments(self) -> PaymentsContext:
        """Online payment of invoices (LiqPay-compatible; the sandbox page in the demo)."""
        liqpay, base = self.settings.liqpay, self.settings.public_url.rstrip("/")
        return PaymentsContext(
            uow=self.uow, signer=self.signer, clock=self.clock,
            dso_eic=self.settings.dso_eic, billing_eic=self.settings.billing.eic,
            public_key=liqpay.public_key, private_key=liqpay.private_key,
            checkout_url=liqpay.checkout_url, result_url=f"{base}/payments/result",
            server_url=f"{base}/payments/liqpay/callback", sandbox=liqpay.sandbox,
        )

    def soap_blueprints(self) -> list[Blueprint]:
        """The SOAP services this process serves."""
        endpoint = IntakeEndpoint(self.intake, self.wsse_gate)
        return [create_intake_blueprint(endpoint)]


def build_container(
    settings: Settings | None = None, *, clock: Callable[[], datetime] = _utcnow
) -> Container:
    """The composition root's entry point."""
    return Container(settings or Settings.from_env(), clock=clock)


def _is_configured(party: PartySettings) -> bool:
    return bool(party.pinned_certs or party.ca_certs)


def _trusted_party(party: PartySettings) -> TrustedParty:
    return TrustedParty(
        name=party.name,
        pinned_certs=tuple(_load_cert(path) for path in party.pinned_certs),
        ca_certs=tuple(_load_cert(path) for path in party.ca_certs),
        crls=tuple(x509.load_pem_x509_crl(_read(path)) for path in party.crls),
        require_xades=party.xades,
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"Не вдалося прочитати {path}: {exc}",
                                 code="CONFIG_FILE_UNREADABLE") from exc


def _load_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(_read(path))
