"""``python -m adapter.cli`` runs the console script."""

from adapter.cli.main import cli

cli()
