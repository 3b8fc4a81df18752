"""The settings file that makes the adapter trust a sandbox PKI (``DIR/adapter.env``)."""

from __future__ import annotations

import os
from pathlib import Path

from adapter.pki.sandbox import SandboxPki

#: EICs of the sandbox parties (valid check characters; see docs/contracts.md).
SANDBOX_EICS = {"dso": "62X0000000000012", "supplier": "62X0000000000020",
                "billing": "62X000000000003Z"}


def sandbox_env(sandbox: SandboxPki) -> dict[str, str]:
    """The ADAPTER_* settings that make the adapter trust ``sandbox`` (documented in README)."""
    return {
        "ADAPTER_DSO_EIC": SANDBOX_EICS["dso"],
        "ADAPTER_SIGNING_KEY": str(sandbox.dso_key),
        "ADAPTER_SIGNING_CERT": str(sandbox.dso_cert),
        "ADAPTER_SUPPLIER_EIC": SANDBOX_EICS["supplier"],
        "ADAPTER_SUPPLIER_CERTS": str(sandbox.supplier_cert),
        "ADAPTER_BILLING_EIC": SANDBOX_EICS["billing"],
        "ADAPTER_BILLING_CERTS": str(sandbox.billing_cert),
        "ADAPTER_CONSUMER_CA_CERTS": str(sandbox.ca_cert),
        "ADAPTER_CONSUMER_CRLS": str(sandbox.ca_crl),
    }


def write_sandbox_env(sandbox: SandboxPki) -> Path:
    """Write ``adapter.env`` beside the sandbox PKI and return its path."""
    path = sandbox.directory / "adapter.env"
    lines = ["# Settings for the sandbox PKI (test-only keys, generated locally)."]
    lines += [f"{key}={value}" for key, value in sandbox_env(sandbox).items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.chmod(path, 0o644)
    return path
