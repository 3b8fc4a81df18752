"""``adapter readings``: submit consumer-signed readings files, export held ones for a supplier."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

import click

from adapter.cli.context import container, reported_errors
from adapter.services.readings import (
    ReadingsContext,
    SubmissionOutcome,
    SubmissionStatus,
    submit_readings,
)
from adapter.services.routing import ExportItem, export_awaiting

_LABELS = {
    SubmissionStatus.ACCEPTED: "ПРИЙНЯТО",
    SubmissionStatus.ALREADY_RECEIVED: "ВЖЕ ОТРИМАНО",
    SubmissionStatus.REJECTED: "ВІДХИЛЕНО",
}


def readings_context(click_ctx: click.Context) -> ReadingsContext:
    """The pipeline's context: ``obj["readings"]`` when given (tests), else the container's."""
    obj = click_ctx.find_object(dict)
    if obj is not None and "readings" in obj:
        return obj["readings"]  # type: ignore[no-any-return]
    return container().readings  # type: ignore[attr-defined,no-any-return]


@click.group()
def readings() -> None:
    """Показники лічильників споживачів."""


@readings.command("submit")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def submit_command(click_ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Подати підписані споживачами файли показників (FILE.xml...)."""
    with reported_errors():
        ctx = readings_context(click_ctx)
    results: list[tuple[Path, SubmissionOutcome]] = []
    with click.progressbar(files, label="Подання показників", show_pos=True, file=None) as bar:
        for path in bar:
            results.append((path, submit_readings(ctx, path.read_bytes(), channel="file")))
    counts: Counter[SubmissionStatus] = Counter()
    for path, outcome in results:
        counts[outcome.status] += 1
        click.echo(_line(path, outcome))
    click.echo(
        f"Прийнято: {counts[SubmissionStatus.ACCEPTED]}, "
        f"вже отримано: {counts[SubmissionStatus.ALREADY_RECEIVED]}, "
        f"відхилено: {counts[SubmissionStatus.REJECTED]}."
    )
    if counts[SubmissionStatus.REJECTED]:
        raise SystemExit(1)


def _line(path: Path, outcome: SubmissionOutcome) -> str:
    label = _LABELS[outcome.status]
    if outcome.status == SubmissionStatus.REJECTED:
        return f"{path.name}: {label} {outcome.code}: {outcome.message}"
    warnings = "".join(f"\n    увага {w.code}: {w.message}" for w in outcome.warnings)
    return (f"{path.name}: {label} договір {outcome.contract_number} mRID {outcome.mrid} "
            f"ревізія {outcome.revision} ({outcome.state}){warnings}")


@readings.command("export")
@click.option("--supplier", "supplier_eic", required=True, help="EIC постачальника.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export_command(click_ctx: click.Context, supplier_eic: str, directory: Path) -> None:
    """Записати в DIRECTORY підписані файли показників, що чекають експорту постачальнику."""
    directory.mkdir(parents=True, exist_ok=True)
    with reported_errors():
        ctx = readings_context(click_ctx)
        items = export_awaiting(ctx.uow, supplier_eic,
                                lambda item: write_atomically(directory, item), now=ctx.clock())
    for item in items:
        click.echo(f"{directory / item.filename}")
    click.echo(f"Експортовано файлів: {len(items)}.")


def write_atomically(directory: Path, item: ExportItem) -> Path:
    """Write the signed bytes under a temporary name, flush them to disk, then rename."""
    target = directory / item.filename
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".export-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(item.original)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
