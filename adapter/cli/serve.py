"""``adapter serve``: the web cabinet and SOAP endpoint on one port (development server)."""

from __future__ import annotations

import click

from adapter.cli.context import reported_errors


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Запустити кабінет і SOAP-сервіс (для продукції: gunicorn 'web:create_app()')."""
    from werkzeug.serving import run_simple

    from adapter.persistence import migrate
    from web import create_app

    with reported_errors():
        app = create_app()
        migrate.upgrade(app.extensions["adapter"].engine)
    click.echo(f"Кабінет: http://{host}:{port}/   WSDL: http://{host}:{port}/soap/intake?wsdl")
    run_simple(host, port, app, threaded=True, use_reloader=False)
