"""``adapter documents``: what we have received."""

from __future__ import annotations

import json

import click

from adapter.cli.context import container, reported_errors
from adapter.services.documents import list_inbound
from adapter.services.jsonable import to_jsonable


@click.group()
def documents() -> None:
    """Отримані документи."""


@documents.command("list")
@click.option("--json", "as_json", is_flag=True, help="Вивести JSON (для скриптів).")
@click.option("--limit", default=100, show_default=True, help="Скільки останніх документів.")
def list_command(as_json: bool, limit: int) -> None:
    """Збережені вхідні документи: вид, mRID, ревізія, відправник, час, sha256."""
    with reported_errors():
        rows = list_inbound(container().uow, limit=limit)
    if as_json:
        click.echo(json.dumps(to_jsonable(rows), ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("Документів ще немає.")
        return
    for row in rows:
        click.echo(
            f"{row.id:>6}  {row.kind:<24} {row.mrid:<36} rev {row.revision:<3} "
            f"{row.sender_eic}  {row.received_at:%Y-%m-%d %H:%M:%S}Z  {row.sha256}"
        )
    click.echo(f"Усього показано: {len(rows)}.")
