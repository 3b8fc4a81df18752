"""``adapter db``: the database schema."""

from __future__ import annotations

import click

from adapter.cli.context import container, reported_errors
from adapter.persistence import migrate


@click.group()
def db() -> None:
    """База даних."""


@db.command()
def upgrade() -> None:
    """Оновити схему бази даних до останньої версії."""
    with reported_errors():
        engine = container().engine
        before = migrate.current_revision(engine)
        migrate.upgrade(engine)
        after = migrate.current_revision(engine)
    if before == after:
        click.echo(f"Схема вже актуальна ({after}).")
    else:
        click.echo(f"Схему оновлено: {before or 'порожня'} -> {after}.")
