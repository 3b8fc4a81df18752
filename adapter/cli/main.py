"""The ``adapter`` console script: one click group, one module per area."""

from __future__ import annotations

import os

import click

from adapter.cli.context import reported_errors
from adapter.cli.db import db
from adapter.cli.demo import demo
from adapter.cli.documents import documents
from adapter.cli.files import files
from adapter.cli.mail import mail
from adapter.cli.operator import operator
from adapter.cli.outbox import outbox
from adapter.cli.pki import pki
from adapter.cli.poll import poll
from adapter.cli.readings import readings
from adapter.cli.registry import registry
from adapter.cli.sandbox import sandbox
from adapter.cli.serve import serve
from adapter.cli.signing import sign, verify
from adapter.cli.worker import worker
from adapter.observability import configure_logging
from adapter.settings import Settings


@click.group()
@click.option(
    "--env-file",
    type=click.Path(exists=True, dir_okay=False),
    help="Файл KEY=value з налаштуваннями (наприклад, DIR/adapter.env від «adapter pki init»).",
)
def cli(env_file: str | None) -> None:
    """Адаптер обміну підписаними документами кабінету юридичного споживача."""
    if env_file:
        # Settings.from_env() is still the only reader: it follows ADAPTER_ENV_FILE.
        os.environ["ADAPTER_ENV_FILE"] = env_file
    with reported_errors():
        settings = Settings.from_env()
    configure_logging(json=settings.log_json, level=settings.log_level)


for command in (db, demo, documents, files, mail, operator, outbox, pki, poll, readings,
                registry, sandbox, serve, sign, verify, worker):
    cli.add_command(command)
