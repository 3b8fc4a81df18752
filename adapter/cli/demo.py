"""``adapter demo``: the whole system on its embedded default, for a newcomer to look at.

It creates (once) a sandbox PKI and its settings under ``var/``, migrates the SQLite database
and starts the cabinet with the SOAP endpoint, printing where to look.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from adapter.cli.context import reported_errors
from adapter.cli.pki import write_sandbox_env
from adapter.pki.sandbox import generate_sandbox_pki


def ensure_sandbox(var: Path) -> Path:
    """The sandbox settings file under ``var``, creating the PKI on first use."""
    env_file = var / "sandbox" / "adapter.env"
    if not env_file.exists():
        click.echo(f"==> створюю пісочну PKI у {env_file.parent}")
        write_sandbox_env(generate_sandbox_pki(env_file.parent))
    return env_file


@click.command()
@click.option("--var", "var_dir", default="var", show_default=True,
              type=click.Path(file_okay=False), help="Каталог для бази, ключів і журналів.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo(var_dir: str, host: str, port: int) -> None:
    """Запустити всю систему на вбудованих налаштуваннях (SQLite, пісочниця, демо-дані)."""
    from werkzeug.serving import run_simple

    from adapter.persistence import migrate
    from web import create_app

    var = Path(var_dir).resolve()
    with reported_errors():
        env_file = ensure_sandbox(var)
        os.environ.setdefault("ADAPTER_ENV_FILE", str(env_file))
        os.environ.setdefault("ADAPTER_DATABASE_URL", f"sqlite:///{var / 'adapter.sqlite3'}")
        app = create_app()
        migrate.upgrade(app.extensions["adapter"].engine)
    click.echo(f"Кабінет:        http://{host}:{port}/")
    click.echo(f"SOAP (WSDL):    http://{host}:{port}/soap/intake?wsdl")
    click.echo(f"Налаштування:   {env_file}")
    click.echo("Зупинити: Ctrl+C")
    run_simple(host, port, app, threaded=True, use_reloader=False)
