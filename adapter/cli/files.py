"""``adapter files watch``: take signed XML files from an inbox folder into intake."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from adapter.cli.context import container as build
from adapter.cli.context import reported_errors, stop_on_signals
from adapter.domain.documents import AckReason
from adapter.exchange import FileInbox, FileResult

_WORDS = {
    AckReason.ACCEPTED: "прийнято",
    AckReason.ALREADY_RECEIVED: "вже отримано",
    AckReason.REJECTED: "відхилено",
}


def describe(result: FileResult) -> str:
    """One line per processed file, in Ukrainian."""
    if result.code is None:
        return f"{result.name}: пропущено ({result.error_code}: {result.reason})"
    where = result.destination.parent.name if result.destination else "-"
    line = f"{result.name}: {result.code.value} {_WORDS[result.code]} -> {where}/"
    if result.error_code:
        line += f" ({result.error_code}: {result.reason})"
    return line


def summary(results: list[FileResult]) -> str:
    """The closing line of a run."""
    counts = Counter(result.code for result in results)
    skipped = counts.get(None, 0)
    return (f"Оброблено файлів: {len(results) - skipped} (прийнято "
            f"{counts[AckReason.ACCEPTED]}, вже отримано {counts[AckReason.ALREADY_RECEIVED]}, "
            f"відхилено {counts[AckReason.REJECTED]}); пропущено: {skipped}.")




@click.group("files")
def files() -> None:
    """Файловий обмін з білінгом (теки вхідних і вихідних документів)."""


_DIR = click.Path(file_okay=False, path_type=Path)


@files.command("watch")
@click.option("--inbox", type=click.Path(exists=True, file_okay=False, path_type=Path),
              required=True, help="Тека, куди білінг кладе підписані *.xml.")
@click.option("--processed", type=_DIR, default=None, help="Типово INBOX/processed.")
@click.option("--rejected", type=_DIR, default=None, help="Типово INBOX/rejected.")
@click.option("--once", is_flag=True, help="Обробити те, що вже лежить у теці, і вийти.")
@click.option("--interval", type=float, default=5.0, show_default=True,
              help="Пауза між переглядами порожньої теки, секунд.")
def watch(inbox: Path, processed: Path | None, rejected: Path | None, once: bool,
          interval: float) -> None:
    """Приймати підписані файли з теки: квитанція поруч, файл — у processed/ або rejected/."""
    with reported_errors():
        watcher = FileInbox(build().intake, inbox, processed=processed, rejected=rejected)
        if once:
            results = watcher.run_once(lambda result: click.echo(describe(result)))
            click.echo(summary(results))
            return
        click.echo(f"Стежу за {inbox}. Зупинка — Ctrl+C або SIGTERM.")
        with stop_on_signals(watcher):
            watcher.run_forever(interval, lambda result: click.echo(describe(result)))
