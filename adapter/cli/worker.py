"""``adapter worker``: deliver outbox messages until SIGTERM (or once, with --once)."""

from __future__ import annotations

import click

from adapter.bootstrap import Container
from adapter.cli.context import container as build
from adapter.cli.context import reported_errors, stop_on_signals
from adapter.delivery.transport import TransportFactory
from adapter.delivery.worker import Worker


def build_worker(container: Container, *, worker_id: str | None = None,
                 transports: TransportFactory | None = None) -> Worker:
    """A worker from the container: its sessions, clock, delivery settings and transports."""
    return container.worker(worker_id, transports=transports)




def run_worker(container: Container, *, once: bool = False, poll: float | None = None,
               worker_id: str | None = None,
               transports: TransportFactory | None = None) -> Worker:
    """Run a worker (tests call this directly); returns it for its counters."""
    worker = build_worker(container, worker_id=worker_id, transports=transports)
    with stop_on_signals(worker):
        if once:
            worker.run_once()
        else:
            default_poll = container.delivery_config.poll_interval
            worker.run_forever(poll if poll is not None else default_poll)
    return worker


@click.command("worker")
@click.option("--once", is_flag=True, help="Обробити те, що вже на черзі, і вийти.")
@click.option("--poll", type=float, default=None, help="Пауза між перевірками черги, секунд.")
@click.option("--id", "worker_id", default=None, help="Ім'я воркера (типово host:pid:випадкове).")
def worker(once: bool, poll: float | None, worker_id: str | None) -> None:
    """Доставляти вихідні повідомлення, доки не надійде SIGTERM."""
    with reported_errors():
        done = run_worker(build(), once=once, poll=poll, worker_id=worker_id)
    click.echo(f"Воркер {done.worker_id} зупинено; оброблено повідомлень: {done.processed}.")
