"""``adapter registry``: sync the consumer registry from billing, import a registry file."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

import click

from adapter.cli.context import container, reported_errors
from adapter.errors import ConfigurationError
from adapter.services.registry import RegistryContext, SyncProgress, sync_registry
from adapter.services.registry_import import import_registry_file


def registry_context(click_ctx: click.Context) -> RegistryContext:
    """``obj["registry"]`` when given (tests), else the container's."""
    obj = click_ctx.find_object(dict)
    if obj is not None and "registry" in obj:
        return obj["registry"]  # type: ignore[no-any-return]
    return container().registry  # type: ignore[attr-defined,no-any-return]


@click.group()
def registry() -> None:
    """Реєстр споживачів (копія реєстру білінгу)."""


@registry.command("sync")
@click.pass_context
def sync_command(click_ctx: click.Context) -> None:
    """Завантажити реєстр з білінгу посторінково (GetRegistry за курсором)."""
    with reported_errors():
        ctx = registry_context(click_ctx)
        if ctx.fetch_page is None:
            raise ConfigurationError("Клієнт білінгу не налаштовано.", code="CONFIG_NO_BILLING")
        with _Progress() as progress:
            state = sync_registry(ctx.uow, ctx.fetch_page, clock=ctx.clock, progress=progress)
    result = state.result
    click.echo(f"Сторінок: {state.pages}; споживачів: {result.total} (нових {result.created}, "
               f"змінених {result.updated}, без змін {result.unchanged}); "
               f"знято з реєстру: {result.withdrawn}.")


class _Progress:
    """A progress bar sized by billing's total once the first page tells it."""

    def __init__(self) -> None:
        self._bar: Any = None  # click's ProgressBar, created once the total is known
        self._done = 0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.render_finish()

    def __call__(self, state: SyncProgress) -> None:
        if self._bar is None and state.total:
            self._bar = click.progressbar(length=state.total, label="Реєстр", show_pos=True)
        if self._bar is not None:
            self._bar.update(state.consumers - self._done)
            self._done = state.consumers
        else:
            click.echo(f"Сторінка {state.pages}: {state.consumers} споживачів", err=True)


@registry.command("import")
@click.option("--unsigned", is_flag=True,
              help="Дозволити непідписаний XML або CSV (лише початкове завантаження).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_command(click_ctx: click.Context, unsigned: bool, file: Path) -> None:
    """Імпортувати реєстр з файлу: XML, підписаний білінгом, або CSV (--unsigned)."""
    with reported_errors():
        ctx = registry_context(click_ctx)
        result = import_registry_file(ctx.uow, file, policy=ctx.policy, now=ctx.clock(),
                                      billing_eic=ctx.billing_eic, allow_unsigned=unsigned)
    click.echo(f"Споживачів: {result.total} (нових {result.created}, змінених {result.updated}, "
               f"без змін {result.unchanged}).")
