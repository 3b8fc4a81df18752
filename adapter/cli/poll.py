"""``adapter poll``: fetch what supplier and billing issued, by cursor, into intake."""

from __future__ import annotations

from collections.abc import Sequence

import click

from adapter.bootstrap import Container
from adapter.cli.context import container as build
from adapter.cli.context import reported_errors, stop_on_signals
from adapter.exchange import Fetch, Poller, PollResult, cursor_states, rewind_cursor
from adapter.exchange.poller import OnResult

PEERS = ("supplier", "billing")


def configured_peers(container: Container) -> list[str]:
    """The peers with an endpoint (ADAPTER_SUPPLIER_ENDPOINT, ADAPTER_BILLING_ENDPOINT)."""
    parties = {"supplier": container.settings.supplier, "billing": container.settings.billing}
    return [name for name in PEERS if parties[name].endpoint]


def build_poller(container: Container, peers: Sequence[str], *, page_size: int = 100,
                 on_result: OnResult | None = None) -> Poller:
    """A poller of ``peers`` through the container's SOAP clients and intake pipeline."""
    sources: dict[str, Fetch] = {}
    for peer in peers:
        client = container.supplier_client if peer == "supplier" else container.billing_client
        sources[peer] = client.fetch_documents
    return Poller(container.intake, sources, page_size=page_size, clock=container.clock,
                  on_result=on_result)


def describe(result: PollResult) -> str:
    """One line per peer and round, in Ukrainian."""
    if result.error is not None:
        return (f"{result.peer}: помилка {result.error.code}: {result.error.message} "
                f"(курсор не змінено; наступна спроба не раніше {result.skipped_until:%H:%M:%S})")
    if result.skipped_until is not None:
        return f"{result.peer}: пауза після помилки до {result.skipped_until:%H:%M:%S}"
    line = (f"{result.peer}: отримано {result.fetched} (прийнято {result.accepted}, "
            f"вже були {result.already_received}, відхилено {result.rejected}), "
            f"сторінок {result.pages}, курсор {result.cursor or '-'}")
    if result.rejection_codes:
        line += f"; коди відмов: {', '.join(result.rejection_codes)}"
    return line




def _status(container: Container) -> None:
    states = cursor_states(container.uow)
    if not states:
        click.echo("Опитування ще не запускалося.")
    for state in states:
        when = f"{state.last_polled_at:%Y-%m-%d %H:%M:%S}" if state.last_polled_at else "-"
        error = f", остання помилка {state.last_error_code}" if state.last_error_code else ""
        click.echo(f"{state.peer}: курсор {state.cursor or '-'}, "
                   f"документів {state.documents_total}, опитано {when}, "
                   f"помилок поспіль {state.failures}{error}")


def _echo_news(result: PollResult) -> None:
    if result.fetched or result.error is not None:
        click.echo(describe(result))


@click.command("poll")
@click.option("--peer", "peers", type=click.Choice(PEERS), multiple=True,
              help="Кого опитувати (можна кілька; типово всіх, для кого задано ENDPOINT).")
@click.option("--once", is_flag=True, help="Один раунд (до вичерпання нових документів) і вийти.")
@click.option("--interval", type=float, default=None,
              help="Пауза між раундами, секунд (типово ADAPTER_POLL_INTERVAL_SECONDS або 30).")
@click.option("--page-size", type=click.IntRange(1, 500), default=100, show_default=True)
@click.option("--status", is_flag=True, help="Показати курсори та помилки і вийти.")
@click.option("--rewind", metavar="CURSOR", default=None,
              help="Встановити курсор (з --peer; «start» — з початку) і вийти.")
def poll(peers: tuple[str, ...], once: bool, interval: float | None, page_size: int,
         status: bool, rewind: str | None) -> None:
    """Забирати нові документи постачальника й білінгу за курсором (канал pull)."""
    with reported_errors():
        container = build()
        if status:
            _status(container)
            return
        if rewind is not None:
            if len(peers) != 1:
                raise click.UsageError("--rewind потребує рівно одного --peer.")
            cursor = None if rewind == "start" else rewind
            rewind_cursor(container.uow, peers[0], cursor, now=container.clock())
            click.echo(f"{peers[0]}: курсор встановлено на {cursor or 'початок'}.")
            return
        _poll(container, list(peers) or configured_peers(container), once=once,
              interval=interval, page_size=page_size)


def _poll(container: Container, peers: list[str], *, once: bool, interval: float | None,
          page_size: int) -> None:
    if not peers:
        raise click.UsageError("Немає кого опитувати: задайте --peer або ADAPTER_*_ENDPOINT.")
    if once:
        poller = build_poller(container, peers, page_size=page_size)
        results = poller.run_once()
        for result in results:
            click.echo(describe(result))
        total = sum(result.fetched for result in results)
        failed = [result.peer for result in results if result.error is not None]
        click.echo(f"Разом отримано документів: {total}; з помилкою: {', '.join(failed) or 'ні'}.")
        if failed:
            raise SystemExit(1)
        return
    poller = build_poller(container, peers, page_size=page_size, on_result=_echo_news)
    click.echo(f"Опитування: {', '.join(peers)}. Зупинка — Ctrl+C або SIGTERM.")
    with stop_on_signals(poller):
        poller.run_forever(interval if interval is not None else _default_interval(container))


def _default_interval(container: Container) -> float:
    return container.settings.poll_interval_seconds
