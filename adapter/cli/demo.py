"""``adapter demo``: the whole system on its embedded default, for a newcomer to look at."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

import click

from adapter.cli.context import reported_errors
from adapter.runtime import EmbeddedSystem


@click.command()
@click.option("--var", "var_dir", default="var", show_default=True,
              type=click.Path(file_okay=False), help="Каталог для бази, ключів і журналів.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--supplier-port", default=8101, show_default=True, type=int)
@click.option("--billing-port", default=8102, show_default=True, type=int)
def demo(var_dir: str, host: str, port: int, supplier_port: int, billing_port: int) -> None:
    """Запустити всю систему на вбудованих налаштуваннях (SQLite, пісочниця, демо-дані)."""
    logging.getLogger().setLevel(logging.WARNING)  # the demo prints what matters itself
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    var = Path(var_dir)
    system = EmbeddedSystem(var, host=host, port=port, supplier_port=supplier_port,
                            billing_port=billing_port)
    click.echo("==> запускаю кабінет, SOAP-сервіс, воркер доставки, пісочні постачальника і білінг")
    with reported_errors():
        urls = system.start()
    env = f"--env-file {urls.env_file}"
    click.echo(f"""
Кабінет:                 {urls.cabinet}
Наш SOAP-сервіс (WSDL):  {urls.intake_wsdl}
Пісочний постачальник:   {urls.supplier}?wsdl
Пісочний білінг:         {urls.billing}?wsdl

Що подивитися (в іншому терміналі, з цього ж каталогу):
  .venv/bin/adapter {env} documents list      отримані рахунки й акти
  .venv/bin/adapter {env} outbox list         доставка показників постачальнику й білінгу
  .venv/bin/adapter sandbox ledger --ledger {var / 'supplier-ledger.sqlite3'}
Демо-показники вже подано від імені споживача 270000001 (ТОВ Джерело).
Зупинити: Ctrl+C""")
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        system.stop()
        click.echo("Зупинено.")
