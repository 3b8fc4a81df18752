"""Sandbox peers: the supplier ERP and the billing system as real SOAP servers with a ledger.

They implement the peer side of ``supplier.wsdl`` and ``billing.wsdl`` with their own keys from
the sandbox PKI, count every arrival and effect in a SQLite ledger, and inject faults on demand
(see docs/sandbox.md).
"""

from __future__ import annotations

from adapter.sandbox.billing_peer import create_billing_app
from adapter.sandbox.config import FaultConfig, PeerConfig
from adapter.sandbox.ledger import Ledger, LedgerEntry, LedgerSummary
from adapter.sandbox.registry_data import DEMO_CONSUMERS
from adapter.sandbox.supplier_peer import create_supplier_app

__all__ = [
    "DEMO_CONSUMERS",
    "FaultConfig",
    "Ledger",
    "LedgerEntry",
    "LedgerSummary",
    "PeerConfig",
    "create_billing_app",
    "create_supplier_app",
]
