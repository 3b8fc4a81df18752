"""``adapter pki init DIR``: a complete sandbox PKI and the settings that trust it."""

from __future__ import annotations

from pathlib import Path

import click

from adapter.cli.context import reported_errors
from adapter.pki.env_file import write_sandbox_env
from adapter.pki.sandbox import generate_sandbox_pki


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
