"""The embedded default: cabinet, intake, worker and both sandbox peers in one process on SQLite.

Everything a newcomer needs to see the whole flow: a sandbox PKI (made once under ``var/``), the
billing peer's registry copied into our database, the supplier and billing peers as real SOAP
servers that push what they issue back to our intake, a delivery worker, and demo readings so
invoices and acts arrive without typing anything.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from adapter.bootstrap import Container, build_container
from adapter.persistence import migrate
from adapter.pki.env_file import SANDBOX_EICS, write_sandbox_env
from adapter.pki.sandbox import generate_sandbox_pki
from adapter.runtime.demo_data import submit_demo_readings
from adapter.runtime.threads import ServiceThreads
from adapter.sandbox import PeerConfig, create_billing_app, create_supplier_app
from adapter.services.registry import sync_registry
from adapter.settings import Settings, read_env_file

log = logging.getLogger(__name__)

#: A supplier of some demo consumers with no integration: their readings wait for export.
OTHER_SUPPLIER_EIC = "62X000000000004X"


@dataclass(frozen=True)
class EmbeddedUrls:
    """Where everything listens once started."""

    cabinet: str
    intake_wsdl: str
    supplier: str
    billing: str
    env_file: Path


def ensure_sandbox(var: Path) -> Path:
    """The sandbox settings file under ``var``, creating the PKI and merchant keys on first use."""
    env_file = var / "sandbox" / "adapter.env"
    if not env_file.exists():
        write_sandbox_env(generate_sandbox_pki(env_file.parent))
        with env_file.open("a", encoding="utf-8") as out:
            # Sandbox merchant keys for the demo payment page: random, local, test-only.
            out.write(f"ADAPTER_LIQPAY_PUBLIC_KEY=sandbox_{secrets.token_hex(6)}\n"
                      f"ADAPTER_LIQPAY_PRIVATE_KEY=sandbox_{secrets.token_hex(20)}\n"
                      "ADAPTER_LIQPAY_SANDBOX=1\n")
    return env_file


class EmbeddedSystem:
    """``start()`` brings the whole system up on background threads; ``stop()`` takes it down."""

    def __init__(self, var: Path, *, host: str = "127.0.0.1", port: int = 8000,
                 supplier_port: int = 8101, billing_port: int = 8102,
                 demo_readings: bool = True, worker_poll: float = 0.5) -> None:
        self.var = var.resolve()
        self.host = host
        self._ports = (port, supplier_port, billing_port)
        self._demo_readings = demo_readings
        self._worker_poll = worker_poll
        self._threads = ServiceThreads()
        self.container: Container | None = None

    def start(self) -> EmbeddedUrls:
        """Create what is missing, bind every port, start serving, sync, deliver."""
        from web import create_app

        env_file = ensure_sandbox(self.var)
        app_server, supplier_server, billing_server = (
            self._threads.bind(self.host, port) for port in self._ports)
        base = f"http://{self.host}:{app_server.server_port}"
        supplier_url = f"http://{self.host}:{supplier_server.server_port}/soap/supplier"
        billing_url = f"http://{self.host}:{billing_server.server_port}/soap/billing"
        container = build_container(self._settings(env_file, base, supplier_url, billing_url))
        self.container = container
        migrate.upgrade(container.engine)
        peers = self._peer_config(env_file.parent, f"{base}/soap/intake")
        self._threads.serve(supplier_server, create_supplier_app(peers("supplier")), "supplier")
        self._threads.serve(billing_server, create_billing_app(peers("billing")), "billing")
        self._threads.serve(app_server, create_app({"CONTAINER": container}), "cabinet")
        sync_registry(container.uow, container.registry.fetch_page,  # type: ignore[arg-type]
                      clock=container.clock)
        worker = container.worker("embedded")
        self._threads.loop("worker", lambda: worker.run_forever(self._worker_poll), worker.stop)
        if self._demo_readings:
            submit_demo_readings(container, env_file.parent)
        return EmbeddedUrls(f"{base}/", f"{base}/soap/intake?wsdl", supplier_url, billing_url,
                            env_file)

    def stop(self) -> None:
        """Stop the worker, the servers and release the database."""
        self._threads.stop()
        if self.container is not None:
            self.container.engine.dispose()

    def _settings(self, env_file: Path, base: str, supplier_url: str,
                  billing_url: str) -> Settings:
        suppliers = self.var / "suppliers.json"
        suppliers.write_text(json.dumps([
            {"eic": SANDBOX_EICS["supplier"], "name": "ТОВ РОЕК", "has_integration": True},
            {"eic": OTHER_SUPPLIER_EIC, "name": "Інший постачальник", "has_integration": False},
        ], ensure_ascii=False), encoding="utf-8")
        return Settings.from_env({
            **read_env_file(env_file),
            "ADAPTER_DATABASE_URL": f"sqlite:///{self.var / 'adapter.sqlite3'}",
            "ADAPTER_SUPPLIER_ENDPOINT": supplier_url,
            "ADAPTER_BILLING_ENDPOINT": billing_url,
            "ADAPTER_SUPPLIERS_FILE": str(suppliers),
            "ADAPTER_PUBLIC_URL": base,
            "ADAPTER_LIQPAY_CHECKOUT_URL": f"{base}/payments/sandbox",
            # A newcomer tries the flow on any day, not only in the readings window.
            "ADAPTER_READINGS_ENFORCE_WINDOW": "0",
            "ADAPTER_RETRY_BASE_SECONDS": "1",
            # http://127.0.0.1: cookies cannot be Secure; e-mails are kept and shown at /dev/mail.
            "ADAPTER_COOKIE_SECURE": "0",
            "ADAPTER_MAIL_BACKEND": "stored",
            "ADAPTER_DEV_MAIL": "1",
            "ADAPTER_SOAP_TIMEOUT_SECONDS": "10",
        })

    def _peer_config(self, pki_dir: Path, intake_url: str):  # noqa: ANN202 - a small factory
        def config(name: str) -> PeerConfig:
            return PeerConfig(pki_dir, self.var / f"{name}-ledger.sqlite3",
                              intake_url=intake_url, push=True)
        return config
