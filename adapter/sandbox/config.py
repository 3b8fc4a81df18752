"""How a sandbox peer is configured: its PKI, ledger, intake push target, tariffs and faults."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from adapter.domain.documents import RegistryConsumer
from adapter.pki.env_file import SANDBOX_EICS
from adapter.sandbox.registry_data import sandbox_meters, sandbox_registry

#: The sandbox parties' EICs (valid check characters; see docs/contracts.md).
DSO_EIC = SANDBOX_EICS["dso"]
SUPPLIER_EIC = SANDBOX_EICS["supplier"]
BILLING_EIC = SANDBOX_EICS["billing"]


@dataclass(frozen=True)
class FaultConfig:
    """Fault injection; every rate is a probability 0..1, times are seconds.

    ``error_rate``: answer a soap:Server fault (HTTP 500) before anything is committed.
    ``latency``: sleep this long before handling each request.
    ``timeout_after_commit_rate``: commit the effect, then hang ``hang_seconds`` so the client
    times out and never sees the acknowledgement.
    ``reset_rate``: drop the connection without answering (nothing committed).
    ``duplicate_push_rate``: push a produced document to the intake twice.
    ``seed``: makes every decision reproducible.
    """

    error_rate: float = 0.0
    latency: float = 0.0
    timeout_after_commit_rate: float = 0.0
    hang_seconds: float = 35.0
    reset_rate: float = 0.0
    duplicate_push_rate: float = 0.0
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("error_rate", "timeout_after_commit_rate", "reset_rate",
                     "duplicate_push_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} має бути ймовірністю від 0 до 1, отримано {value}")
        if self.latency < 0 or self.hang_seconds < 0:
            raise ValueError("час затримки не може бути від'ємним")


@dataclass(frozen=True)
class PeerConfig:
    """One sandbox peer (supplier or billing).

    ``pki_dir`` holds the files ``adapter pki init`` writes (the peer signs with its own key and
    trusts ``dso.cert.pem`` pinned, consumers through ``ca.cert.pem``/``ca.crl.pem``).
    ``intake_url`` is our ``/soap/intake`` endpoint; with ``push`` produced documents are pushed
    there as well as served by cursor. Tariffs are net of VAT, UAH per kWh/kvarh.
    ``generated_consumers`` adds that many consumers to the demo registry (load runs); both
    peers must be given the same number so they price the same meters.
    """

    pki_dir: Path
    ledger_path: Path
    intake_url: str | None = None
    push: bool = False
    faults: FaultConfig = field(default_factory=FaultConfig)
    energy_tariff: Decimal = Decimal("5.185680")
    distribution_tariff: Decimal = Decimal("1.834560")
    reactive_tariff: Decimal = Decimal("0.412300")
    registry_page_size: int = 2
    push_timeout: float = 10.0
    dso_eic: str = DSO_EIC
    supplier_eic: str = SUPPLIER_EIC
    billing_eic: str = BILLING_EIC
    max_request_bytes: int = 5 * 1024 * 1024
    generated_consumers: int = 0

    @property
    def consumers(self) -> tuple[RegistryConsumer, ...]:
        """The registry billing serves (and whose meters both peers price)."""
        return sandbox_registry(self.generated_consumers)

    @property
    def meters(self) -> dict[str, tuple[int, int]]:
        """(digit capacity, transformation coefficient) of every registry meter, by serial."""
        return sandbox_meters(self.generated_consumers)
