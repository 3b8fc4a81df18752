"""``adapter pki init DIR``: a complete sandbox PKI and the settings that trust it."""

from __future__ import annotations

import os
from pathlib import Path

import click

from adapter.cli.context import reported_errors
from adapter.pki.sandbox import SandboxPki, generate_sandbox_pki

#: EICs of the sandbox parties (valid check characters; see docs/contracts.md).
SANDBOX_EICS = {"dso": "62X0000000000012", "supplier": "62X0000000000020",
                "billing": "62X000000000003Z"}


@click.group()
def pki() -> None:
    """Ключі та сертифікати."""


@pki.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--key-type", type=click.Choice(["rsa", "ec"]), default="rsa", show_default=True)
def init(directory: str, key_type: str) -> None:
    """Створити пісочну PKI (ca, dso, supplier, billing, consumer) і DIR/adapter.env."""
    target = Path(directory).resolve()
    with reported_errors():
        sandbox = generate_sandbox_pki(target, key_type=key_type)
        env_path = write_sandbox_env(sandbox)
    for name in ("ca", "dso", "supplier", "billing", "consumer"):
        click.echo(f"  {name:<9} {target / f'{name}.cert.pem'}")
    click.echo(f"Налаштування: {env_path}")
    click.echo(f"Використання: adapter --env-file {env_path} serve")


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
