"""``adapter sign`` and ``adapter verify``: the integrator's view of our signature policy."""

from __future__ import annotations

from pathlib import Path

import click

from adapter.cli.context import container, reported_errors
from adapter.services.verification import describe_verified


@click.command()
@click.option("--key", "key_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--cert", "cert_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--xades", is_flag=True, help="Додати XAdES-BES (SigningTime, SigningCertificateV2).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def sign(key_path: str, cert_path: str, xades: bool, file: str) -> None:
    """Підписати XML-документ (вкладений підпис XMLDSig) і вивести результат."""
    from adapter.signing import load_signing_key
    from adapter.signing import sign as sign_document

    with reported_errors():
        key = load_signing_key(Path(key_path).read_bytes(), Path(cert_path).read_bytes())
        signed = sign_document(Path(file).read_bytes(), key=key, xades=xades)
    click.echo(signed.decode("utf-8"), nl=False)


@click.command()
@click.option("--as", "party", type=click.Choice(["supplier", "billing", "consumer"]),
              help="Перевірити як документ саме цієї сторони.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def verify(party: str | None, file: str) -> None:
    """Перевірити підпис документа за налаштованою політикою довіри."""
    with reported_errors():
        root = container()
        policy = root.party_policy(party) if party else root.inbound_policy
        summary = describe_verified(Path(file).read_bytes(), policy=policy, now=root.clock())
    click.echo(f"OK {summary}")
