"""Helpers every CLI command shares: building the container, reporting errors the same way."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

import click

from adapter.bootstrap import Container, build_container
from adapter.errors import AdapterError


def container() -> Container:
    """The composition root for this command, configured from the environment.

    Its database connections are closed when the command ends (matters when commands run
    in-process, as in tests, rather than in a process that exits).
    """
    root = build_container()
    click_context = click.get_current_context(silent=True)
    if click_context is not None:
        click_context.call_on_close(root.close)
    return root


class Stoppable(Protocol):
    """A loop (worker, poller, file watcher) that finishes its current step when asked."""

    def stop(self) -> None: ...


@contextmanager
def stop_on_signals(loop: Stoppable) -> Iterator[None]:
    """SIGTERM/SIGINT ask ``loop`` to stop after the step in flight is done and recorded."""
    def handler(signum: int, _frame: object) -> None:
        loop.stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Turn an AdapterError into ``CODE: message`` on stderr and exit status 1."""
    try:
        yield
    except AdapterError as error:
        click.echo(f"{error.code}: {error.message}", err=True)
        raise SystemExit(1) from error
