"""``adapter sandbox``: run the sandbox supplier or billing peer, and read a peer's ledger."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click
from flask import Flask
from werkzeug.serving import make_server

from adapter.sandbox import FaultConfig, Ledger, PeerConfig, create_billing_app, create_supplier_app
from adapter.sandbox.registry_data import MAX_GENERATED_CONSUMERS

_PROBABILITY = click.FloatRange(0.0, 1.0)
_SECONDS = click.FloatRange(min=0.0)


def _decimal(_ctx: click.Context, _param: click.Parameter, value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise click.BadParameter(f"очікувалося десяткове число, отримано {value!r}") from exc
    if not amount.is_finite() or amount < 0:
        raise click.BadParameter("тариф має бути невід'ємним числом")
    return amount


def _peer_options(port: int, ledger: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    options = [
        click.option("--host", default="127.0.0.1", show_default=True),
        click.option("--port", type=int, default=port, show_default=True),
        click.option("--pki", "pki_dir", required=True,
                     type=click.Path(exists=True, file_okay=False, path_type=Path),
                     help="Каталог пісочної PKI (adapter pki init DIR)."),
        click.option("--ledger", "ledger_path", default=ledger, show_default=True,
                     type=click.Path(dir_okay=False, path_type=Path), help="Файл журналу SQLite."),
        click.option("--intake-url", help="Адреса нашого /soap/intake для надсилання документів."),
        click.option("--push/--no-push", default=False, show_default=True,
                     help="Надсилати видані документи на --intake-url (інакше лише за курсором)."),
        click.option("--error-rate", type=_PROBABILITY, default=0.0,
                     help="Частка запитів із soap:Server (HTTP 500) до будь-якого запису."),
        click.option("--latency", type=_SECONDS, default=0.0, help="Затримка кожного запиту, с."),
        click.option("--timeout-after-commit-rate", type=_PROBABILITY, default=0.0,
                     help="Частка нових документів: записати ефект і не відповісти вчасно."),
        click.option("--hang-seconds", type=_SECONDS, default=35.0, show_default=True,
                     help="Скільки «висіти» після запису (більше за тайм-аут клієнта)."),
        click.option("--reset-rate", type=_PROBABILITY, default=0.0,
                     help="Частка запитів, на які з'єднання обривається без відповіді."),
        click.option("--duplicate-push-rate", type=_PROBABILITY, default=0.0,
                     help="Частка виданих документів, надісланих на intake двічі."),
        click.option("--seed", type=int, help="Зерно генератора збоїв (відтворюваність)."),
        click.option("--generated-consumers", type=click.IntRange(0, MAX_GENERATED_CONSUMERS),
                     default=0, show_default=True,
                     help="Додати стільки згенерованих споживачів до демо-реєстру "
                          "(навантажувальні прогони; однаково для обох пісочниць)."),
    ]

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _config(options: dict[str, Any], **extra: Any) -> PeerConfig:
    faults = FaultConfig(
        error_rate=options["error_rate"],
        latency=options["latency"],
        timeout_after_commit_rate=options["timeout_after_commit_rate"],
        hang_seconds=options["hang_seconds"],
        reset_rate=options["reset_rate"],
        duplicate_push_rate=options["duplicate_push_rate"],
        seed=options["seed"],
    )
    if options["push"] and not options["intake_url"]:
        raise click.UsageError("--push потребує --intake-url.")
    return PeerConfig(options["pki_dir"], options["ledger_path"],
                      intake_url=options["intake_url"], push=options["push"], faults=faults,
                      generated_consumers=options["generated_consumers"], **extra)


def serve(app: Flask, host: str, port: int, path: str) -> None:
    """Serve ``app`` with werkzeug's threaded server until Ctrl+C."""
    server = make_server(host, port, app, threaded=True)
    click.echo(f"Слухаю http://{host}:{server.server_port}{path} (WSDL: ?wsdl). Ctrl+C - зупинити.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Зупинено.")
    finally:
        server.server_close()


@click.group()
def sandbox() -> None:
    """Пісочниця: постачальник і білінг як справжні SOAP-сервери з журналом."""


@sandbox.command()
@_peer_options(8101, "var/sandbox-supplier.sqlite3")
@click.option("--tariff", default="5.185680", show_default=True, callback=_decimal,
              help="Ціна активної енергії, грн/кВт·год без ПДВ.")
def supplier(tariff: Decimal, **options: Any) -> None:
    """Пісочний постачальник (supplier.wsdl): показники -> рахунок і акт."""
    config = _config(options, energy_tariff=tariff)
    serve(create_supplier_app(config), options["host"], options["port"], "/soap/supplier")


@sandbox.command()
@_peer_options(8102, "var/sandbox-billing.sqlite3")
@click.option("--distribution-tariff", default="1.834560", show_default=True, callback=_decimal,
              help="Ціна розподілу, грн/кВт·год без ПДВ.")
@click.option("--reactive-tariff", default="0.412300", show_default=True, callback=_decimal,
              help="Ціна перетікання реактивної енергії, грн/квар·год без ПДВ.")
@click.option("--page-size", type=click.IntRange(1, 500), default=2, show_default=True,
              help="Споживачів на сторінці реєстру.")
def billing(distribution_tariff: Decimal, reactive_tariff: Decimal, page_size: int,
            **options: Any) -> None:
    """Пісочний білінг (billing.wsdl): реєстр, показники, оплати, рахунки ОСР."""
    config = _config(options, distribution_tariff=distribution_tariff,
                     reactive_tariff=reactive_tariff, registry_page_size=page_size)
    serve(create_billing_app(config), options["host"], options["port"], "/soap/billing")


@sandbox.command()
@click.option("--ledger", "ledger_path", default="var/sandbox-supplier.sqlite3",
              show_default=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Вивести JSON.")
def ledger(ledger_path: Path, as_json: bool) -> None:
    """Журнал пісочниці: кожне повідомлення, його надходження й ефекти.

    Код виходу 1, якщо якесь повідомлення подіяло більше одного разу.
    """
    book = Ledger(ledger_path)
    entries, summary = book.entries(), book.summary()
    if as_json:
        click.echo(json.dumps({
            "messages": [entry.__dict__ for entry in entries],
            "summary": summary.__dict__,
        }, ensure_ascii=False, indent=2))
    else:
        for entry in entries:
            click.echo(f"{entry.sender_eic}  {entry.mrid}  рев. {entry.revision}  {entry.kind}  "
                       f"надходжень: {entry.arrivals}  ефектів: {entry.effects}")
        click.echo(f"{summary.messages} повідомлень, {summary.duplicate_arrivals} повторних "
                   f"надходжень, {summary.double_effects} подвійних ефектів")
    if summary.double_effects:
        raise SystemExit(1)
